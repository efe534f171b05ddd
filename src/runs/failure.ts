// How a run that stopped early is described: the result, what happened, where the cluster stands
// and what to do next.
import { StepFailure, VerificationFailed } from '../procedure/engine.ts';
import { CHECKPOINT_REF } from '../procedure/checkpoint.ts';
import type { FailureInfo, RunReport } from '../report/model.ts';
import type { Session } from './session.ts';

export function resultOf(s: Session, cancelled: boolean): RunReport['result'] {
  const earlierSteps = s.earlier?.state.completedSteps ?? [];
  if (cancelled) return 'cancelled';
  return s.report.changes.length || earlierSteps.length ? 'failed' : 'refused';
}

export function describeFailure(err: unknown, s: Session, o: { cancelled: boolean }): FailureInfo {
  const { report, variant } = s;
  const earlierSteps = s.earlier?.state.completedSteps ?? [];
  const cause = err instanceof StepFailure && err.cause instanceof Error ? err.cause : err;
  const phase = err instanceof StepFailure ? err.phase.title : undefined;
  const message = o.cancelled
    ? `cancelled${phase ? ` during "${phase}"` : ''}`
    : cause instanceof Error
      ? cause.message
      : String(cause);
  if (report.changes.length === 0 && earlierSteps.length === 0) {
    return {
      message,
      clusterState: 'No change was made to the cluster.',
      nextSteps: [
        o.cancelled
          ? 'Re-run the workflow with the same inputs to continue where this run stopped.'
          : 'Fix the cause named above and run the workflow again.',
      ],
    };
  }
  const where =
    err instanceof StepFailure
      ? `during "${err.phase.title}" (step ${err.stepId})`
      : 'after changes were made';
  const last = report.changes.slice(-3).map((c) => `${c.object} ${c.field} = ${JSON.stringify(c.to)}`);
  const paused = report.changes
    .filter((c) => c.field === 'spec.paused')
    .reduce<Record<string, boolean>>((acc, c) => ({ ...acc, [c.object]: c.to === true }), {});
  const stillPaused = Object.entries(paused)
    .filter(([, p]) => p)
    .map(([o]) => o);
  const state = [
    `The migration (procedure ${variant?.id ?? '?'}) stopped ${where}.`,
    earlierSteps.length
      ? `Earlier runs completed ${earlierSteps.length} step(s) (${earlierSteps.join(', ')}).`
      : '',
    report.changes.length
      ? `This run made ${report.changes.length} change(s); the last: ${last.join('; ')}.`
      : 'This run made no change.',
    stillPaused.length ? `Still paused: ${stillPaused.join(', ')}.` : '',
    err instanceof VerificationFailed
      ? 'Cleanup did not run: the migration annotation / spec.migration and the openshift-sdn namespace are still in place.'
      : '',
    `The checkpoint in ConfigMap ${CHECKPOINT_REF.namespace}/${CHECKPOINT_REF.name} records what is done.`,
  ]
    .filter(Boolean)
    .join(' ');
  return {
    message,
    clusterState: state,
    nextSteps: [
      o.cancelled
        ? 'Re-run the workflow with the same inputs to continue where this run stopped.'
        : 'Fix the cause named above (see the checks and the node table).',
      ...(o.cancelled
        ? []
        : [
            'Run the workflow again with the same inputs: it continues from the checkpoint; completed steps are not repeated and rebooted nodes are not rebooted again.',
          ]),
      'To go back to OpenShift SDN instead, follow the rollback procedure; the original configuration is in the artifact (backup/cluster-openshift-sdn.yaml).',
    ],
  };
}
