// mode: plan — read-only: every step still to do, with the changes it would make, in order. Continuing
// an unfinished migration, only the remaining steps are listed. A plan that migrate would refuse is
// written in full and then fails as refused, so the approval job that `needs` it never asks anyone to
// approve it.
import * as core from '@actions/core';
import { planVariant } from '../procedure/engine.ts';
import { CHECKPOINT_REF } from '../procedure/checkpoint.ts';
import { ROLLBACK_RECORD_REF } from '../procedure/rollback-record.ts';
import type { Variant } from '../procedure/types.ts';
import type { Prepared } from './prepare.ts';
import type { Session } from './session.ts';

/** The variant without the steps an earlier run completed. */
export function remaining(variant: Variant, done: (id: string) => boolean): Variant {
  return {
    ...variant,
    phases: variant.phases
      .map((p) => ({ ...p, steps: p.steps.filter((st) => !done(st.id)) }))
      .filter((p) => p.steps.length > 0),
  };
}

export async function runPlan(s: Session, p: Prepared): Promise<void> {
  const { report, log } = s;
  const done = (id: string) => p.checkpoint.completed(id);
  await core.group(`Plan (procedure ${p.variant.title})`, async () => {
    if (report.strategy) log.info(`Strategy — ${report.strategy.line}`);
    await planVariant(remaining(p.variant, done), p.ctx);
    report.plan.push({
      phase: 'Throughout',
      step: 'Keep a checkpoint (the lease of the run doing the migration) so that an interrupted run can be continued',
      changes: [
        `ConfigMap ${CHECKPOINT_REF.namespace}/${CHECKPOINT_REF.name}: ${s.earlier ? 'taken over' : 'created after the etcd backup'}, updated after every step and renewed every 30 s, deleted when the migration completes`,
        `ConfigMap ${ROLLBACK_RECORD_REF.namespace}/${ROLLBACK_RECORD_REF.name}: the original backup, written when the migration completes, so that a later mode: rollback restores the OpenShift SDN settings (deleted by that rollback)`,
      ],
    });
    if (s.settings.onFailure === 'rollback')
      report.plan.push({
        phase: 'On failure',
        step: 'on-failure: rollback — roll back to OpenShift SDN in the same job if the migration fails after its first change',
        changes: [
          'a failed verification, a node that does not come back or a timeout starts mode: rollback at once (never when the API server is unreachable, after a cancel, or before the first change); both reports go into the artifact',
        ],
      });
    for (const [i, e] of report.plan.entries())
      log.info(`${i + 1}. [${e.phase}] ${e.step}\n     ${e.changes.join('\n     ')}`);
  });
  if (p.refusal) throw p.refusal;
  report.result = 'planned';
}
