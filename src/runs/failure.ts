// How a run that stopped early is described: the result (one meaning each, see RunResult), what
// happened, where the cluster stands — including what its network is now — and what to do next.
import { CheckpointRejected, CHECKPOINT_REF, DELETE_CHECKPOINT } from '../procedure/checkpoint.ts';
import { StepFailure, VerificationFailed } from '../procedure/engine.ts';
import type { FailureInfo, RunReport } from '../report/model.ts';
import { LeaseHeld } from './lease.ts';
import { networkNow } from './network-now.ts';
import { SettingsDiffer } from './prepare.ts';
import { rollbackNextStep } from './rollback-advice.ts';
import type { Session } from './session.ts';

export function resultOf(err: unknown, s: Session): RunReport['result'] {
  if (s.cancel.aborted) return 'cancelled';
  if (s.onTarget && err instanceof VerificationFailed) return 'unhealthy';
  return s.started || s.report.changes.length ? 'failed' : 'refused';
}

function messageOf(err: unknown, s: Session): string {
  if (s.lease?.lost) return s.lease.lost.message;
  const cause = err instanceof StepFailure && err.cause instanceof Error ? err.cause : err;
  const phase = err instanceof StepFailure ? err.phase.title : undefined;
  if (s.cancel.aborted) return `cancelled${phase ? ` during "${phase}"` : ''}`;
  return cause instanceof Error ? cause.message : String(cause);
}

async function network(s: Session): Promise<string> {
  if (!s.variant) return '';
  const rebooted = s.checkpoint?.completed('reboot-nodes') ?? false;
  return `Network now: ${await networkNow(s.cluster, s.variant.to, s.variant.from, rebooted)}`;
}

/** This run changed nothing: say so, and whether an earlier run's migration is unfinished. */
async function refusedState(err: unknown, s: Session): Promise<Omit<FailureInfo, 'message'>> {
  const again = s.cancel.aborted
    ? 'Re-run the workflow with the same inputs to continue where this run stopped.'
    : 'Fix the cause named above and run the workflow again.';
  const u = s.report.resume;
  if (!u && !(err instanceof CheckpointRejected))
    return { clusterState: 'No change was made to the cluster.', nextSteps: [again] };
  const inProgress = u
    ? `An unfinished migration by this action is in progress (started ${u.startedAt}${u.actor ? ` by ${u.actor}` : ''}, ${u.stepsDone} of ${u.stepsTotal} steps done), recorded in ConfigMap ${CHECKPOINT_REF.namespace}/${CHECKPOINT_REF.name}.`
    : '';
  const next =
    err instanceof LeaseHeld
      ? 'Wait for the run named above to finish (its summary says how it ended). If its runner is dead, run again once its lease has not been renewed for 5 minutes: the new run takes it over and continues.'
      : err instanceof CheckpointRejected
        ? `Inspect the checkpoint; if no migration by this action is under way, delete it (${DELETE_CHECKPOINT}) and run again.`
        : err instanceof SettingsDiffer
          ? `Run again with the inputs the unfinished migration was started with (see above) to continue it; to abandon it instead, ${rollbackNextStep(s)}`
          : again;
  return {
    clusterState: ['This run made no change.', inProgress, await network(s)].filter(Boolean).join(' '),
    nextSteps: [next],
  };
}

/** The migration stopped after it started changing the cluster. */
async function stoppedState(err: unknown, s: Session): Promise<Omit<FailureInfo, 'message'>> {
  const { report, variant } = s;
  const earlierSteps = s.earlier?.state.completedSteps ?? [];
  const cancelled = s.cancel.aborted;
  const where =
    err instanceof StepFailure
      ? `during "${err.phase.title}" (step ${err.stepId})`
      : 'after changes were made';
  const last = report.changes.slice(-3).map((c) => `${c.object} ${c.field} = ${JSON.stringify(c.to)}`);
  const state = [
    `The ${variant?.to === 'OpenShiftSDN' ? 'rollback' : 'migration'} (procedure ${variant?.id ?? '?'}) stopped ${where}.`,
    earlierSteps.length
      ? `Earlier runs completed ${earlierSteps.length} step(s) (${earlierSteps.join(', ')}).`
      : '',
    report.changes.length
      ? `This run made ${report.changes.length} change(s); the last: ${last.join('; ')}.`
      : 'This run made no change to the network configuration.',
    await network(s),
    err instanceof VerificationFailed
      ? 'Cleanup did not run: the migration annotation / spec.migration and the openshift-sdn namespace are still in place.'
      : '',
    `The checkpoint in ConfigMap ${CHECKPOINT_REF.namespace}/${CHECKPOINT_REF.name} records what is done.`,
  ]
    .filter(Boolean)
    .join(' ');
  const continueNext = s.lease?.lost
    ? 'Another run holds the checkpoint lease now and continues the migration: follow that run.'
    : cancelled
      ? 'Re-run the workflow with the same inputs to continue where this run stopped.'
      : 'Fix the cause named above (see the checks and the node table), then run the workflow again with the same inputs: it continues from the checkpoint; completed steps are not repeated and rebooted nodes are not rebooted again.';
  return {
    clusterState: state,
    nextSteps: [continueNext, rollbackNextStep(s)],
  };
}

export async function describeFailure(err: unknown, s: Session): Promise<FailureInfo> {
  const message = messageOf(err, s);
  if (s.onTarget && err instanceof VerificationFailed)
    return {
      message,
      clusterState: `The cluster is on ${s.variant?.to ?? '?'} and this run changed nothing; the failed checks are listed below.`,
      nextSteps: ['Fix what the failed checks name, then run again to verify.'],
    };
  const refused = !s.started && s.report.changes.length === 0;
  return { message, ...(await (refused ? refusedState(err, s) : stoppedState(err, s))) };
}
