// How a run that stopped early is described: the result (one meaning each, see RunResult), what
// happened, where the cluster stands — including what its network is now — and what to do next.
import { CheckpointRejected, CHECKPOINT_REF, DELETE_CHECKPOINT } from '../procedure/checkpoint.ts';
import { StepFailure, VerificationFailed } from '../procedure/engine.ts';
import type { ClusterStand, FailureInfo, RunReport } from '../report/model.ts';
import { LeaseHeld } from './lease.ts';
import { describeNetwork, readNetworkFacts, type NetworkFacts, type RunKind } from './network-now.ts';
import { SettingsDiffer } from './prepare.ts';
import { isLive } from '../procedure/variant-live.ts';
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

/** Whose words a description uses: a rollback's (its target is OpenShift SDN) or a migration's. */
function runKind(s: Pick<Session, 'variant' | 'settings'>): RunKind {
  const mode = s.settings?.mode;
  return s.variant?.to === 'OpenShiftSDN' || mode === 'rollback' || mode === 'plan-rollback'
    ? 'rollback'
    : 'migration';
}

/** The live network facts (reads only — also after a cancel), or why they could not be read. */
async function facts(s: Session): Promise<NetworkFacts | Error> {
  try {
    return await readNetworkFacts(s.cluster);
  } catch (err) {
    return err instanceof Error ? err : new Error(String(err));
  }
}

type View = Pick<Session, 'variant' | 'checkpoint' | 'report'>;

async function network(s: View, f: NetworkFacts | Error, run: RunKind): Promise<string> {
  if (!s.variant) return '';
  const rebooted = s.checkpoint?.completed('reboot-nodes') ?? false;
  const text =
    f instanceof Error
      ? `The network's state could not be read (${f.message}).`
      : describeNetwork(f, s.variant.to, s.variant.from, rebooted, run);
  return `Network now: ${text}`;
}

/**
 * A rollback refused before it took an unfinished migration over: the cluster stands where that
 * migration left it, so it is described in the migration's terms (its target, its completed steps).
 */
function migrationTakenOver(s: Session): (View & { steps: string[] }) | undefined {
  const of = s.checkpoint?.state.memory.rollbackOf as { completedSteps?: string[] } | undefined;
  if (!of) return undefined;
  const steps = of.completedSteps ?? [];
  return {
    variant: { from: 'OpenShiftSDN', to: 'OVNKubernetes' } as Session['variant'],
    checkpoint: { completed: (id: string) => steps.includes(id) } as Session['checkpoint'],
    report: s.report,
    steps,
  };
}

/** The fixed state the summary and report.json name, from the live objects and the checkpoint. */
export function standOf(
  f: NetworkFacts | Error,
  s: Pick<Session, 'variant' | 'checkpoint' | 'report'>,
): ClusterStand {
  if (f instanceof Error) return 'unknown';
  const target = s.variant?.to;
  const done = (id: string) => s.checkpoint?.completed(id) ?? false;
  if (f.liveAnnotated) return done('verify') ? 'verified-cleanup-pending' : 'live-under-way';
  // A rollback before the switch: the network type never left its target, no node needs the action's reboot.
  if (target && s.variant?.from === target) {
    if ((f.migration && f.migration !== target) || f.annotated) return 'prepared';
    return done('verify') ? 'verified-cleanup-pending' : 'rebooted-not-verified';
  }
  if (target && f.specType === target) {
    if (!done('reboot-nodes')) return 'switched-not-rebooted';
    return done('verify') ? 'verified-cleanup-pending' : 'rebooted-not-verified';
  }
  if ((target && f.migration === target) || f.annotated || f.pausedPools.length) return 'prepared';
  return 'untouched';
}

/** Read-only commands to look at first (the renderer adds the ones for nodes NotReady at the end of the run). */
const LOOK_FIRST: readonly string[] = [
  'oc get nodes -o wide',
  'oc get machineconfigpools',
  'oc get clusteroperators',
  'oc get network.config.openshift.io cluster -o yaml',
  'oc get pods -A --field-selector=status.phase!=Running,status.phase!=Succeeded',
];

/** Why a re-run goes through "Re-run failed jobs" (same inputs, same commit) rather than a new dispatch. */
const rerun = (run: RunKind) =>
  `In the failed run, use "Re-run failed jobs": it runs with exactly the same inputs, which the checkpoint requires to continue (a new dispatch with other inputs is refused while the ${run} is unfinished); dispatch anew only to change the workflow itself, with the same inputs.`;

/** This run changed nothing: say so, and whether an earlier run's migration is unfinished. */
async function refusedState(err: unknown, s: Session): Promise<Omit<FailureInfo, 'message'>> {
  const again = s.cancel.aborted
    ? `Run the workflow again with the same inputs to continue where this run stopped (${'"Re-run failed jobs"'} does that).`
    : 'Fix the cause named above, then start a new run (a new dispatch, or "Re-run failed jobs" if nothing in the workflow or its inputs has to change).';
  const u = s.report.resume;
  const taken = migrationTakenOver(s);
  if (!u && !taken && !(err instanceof CheckpointRejected))
    return { stand: 'untouched', clusterState: 'No change was made to the cluster.', nextSteps: [again] };
  const run = runKind(s);
  const inProgress = u
    ? `An unfinished ${run} by this action is in progress (started ${u.startedAt}${u.actor ? ` by ${u.actor}` : ''}, ${u.stepsDone} of ${u.stepsTotal} steps done), recorded in ConfigMap ${CHECKPOINT_REF.namespace}/${CHECKPOINT_REF.name}.`
    : taken
      ? `The unfinished migration recorded in ConfigMap ${CHECKPOINT_REF.namespace}/${CHECKPOINT_REF.name} (${taken.steps.length} step(s) done: ${taken.steps.join(', ') || 'none'}) stays as it was: this rollback did not take it over.`
      : '';
  const next =
    err instanceof LeaseHeld
      ? 'Wait for the run named above to finish (its summary says how it ended). If its runner is dead, run again once its lease has not been renewed for 5 minutes: the new run takes it over and continues.'
      : err instanceof CheckpointRejected
        ? `Inspect the checkpoint; if no migration by this action is under way, delete it (${DELETE_CHECKPOINT}) and run again.`
        : err instanceof SettingsDiffer
          ? run === 'rollback'
            ? 'Run again with the inputs the unfinished rollback was started with (see above) to continue it.'
            : `Run again with the inputs the unfinished migration was started with (see above) to continue it; to abandon it instead, ${rollbackNextStep(s)}`
          : again;
  const f = await facts(s);
  const view = taken ?? s;
  return {
    stand: standOf(f, view),
    ...(taken ? { standTerms: 'migration' as const } : {}),
    clusterState: ['This run made no change.', inProgress, await network(view, f, taken ? 'migration' : run)]
      .filter(Boolean)
      .join(' '),
    nextSteps: [next],
    commands: [...LOOK_FIRST],
  };
}

/** A live run stopped after its trigger: the operators go on, and a re-run follows them. */
function liveNote(s: Session, f: NetworkFacts | Error): string {
  if (!isLive(s.variant) || f instanceof Error || !f.liveAnnotated) return '';
  return `${s.cancel.aborted ? 'Cancelling' : 'Stopping this run'} cannot stop the network and machine-config operators: the live migration goes on on the cluster. A re-run with the same inputs attaches to it and follows it to the end.`;
}

/** The migration stopped after it started changing the cluster. */
async function stoppedState(err: unknown, s: Session): Promise<Omit<FailureInfo, 'message'>> {
  const { report, variant } = s;
  const earlierSteps = s.earlier?.state.completedSteps ?? [];
  const where =
    err instanceof StepFailure
      ? `during "${err.phase.title}" (step ${err.stepId})`
      : 'after changes were made';
  const f = await facts(s);
  const run = runKind(s);
  const state = [
    `The ${run} (procedure ${variant?.id ?? '?'}) stopped ${where}.`,
    earlierSteps.length
      ? `Earlier runs completed ${earlierSteps.length} step(s) (${earlierSteps.join(', ')}).`
      : '',
    report.changes.length
      ? `This run made ${report.changes.length} change(s); the last: ${report.changes
          .slice(-3)
          .map((c) => `${c.object} ${c.field} = ${JSON.stringify(c.to)}`)
          .join('; ')}.`
      : 'This run made no change to the network configuration.',
    await network(s, f, run),
    err instanceof VerificationFailed
      ? `Cleanup did not run: the migration annotation / spec.migration and the ${run === 'rollback' ? 'openshift-ovn-kubernetes' : 'openshift-sdn'} namespace are still in place.`
      : '',
    `The checkpoint in ConfigMap ${CHECKPOINT_REF.namespace}/${CHECKPOINT_REF.name} records what is done.`,
    liveNote(s, f),
  ]
    .filter(Boolean)
    .join(' ');
  const continueNext = s.lease?.lost
    ? `Another run holds the checkpoint lease now and continues the ${run}: follow that run.`
    : s.cancel.aborted
      ? `Re-run the workflow with the same inputs to continue where this run stopped. ${rerun(run)}`
      : `Fix the cause named above (see what happened and the node table), then continue: ${rerun(run)} It continues from the checkpoint; completed steps are not repeated and rebooted nodes are not rebooted again.`;
  return {
    stand: standOf(f, s),
    phase: err instanceof StepFailure ? err.phase.title : undefined,
    clusterState: state,
    nextSteps: [continueNext, rollbackNextStep(s)],
    commands: [...LOOK_FIRST],
  };
}

export async function describeFailure(err: unknown, s: Session): Promise<FailureInfo> {
  const message = messageOf(err, s);
  if (s.onTarget && err instanceof VerificationFailed)
    return {
      message,
      stand: 'on-target-unhealthy',
      clusterState: `The cluster is on ${s.variant?.to ?? '?'} and this run changed nothing; the failed checks are listed above.`,
      nextSteps: [
        'Fix what the failed checks name, then run again to verify (a new dispatch or "Re-run failed jobs").',
      ],
      commands: [...LOOK_FIRST],
    };
  const refused = !s.started && s.report.changes.length === 0;
  return { message, ...(await (refused ? refusedState(err, s) : stoppedState(err, s))) };
}
