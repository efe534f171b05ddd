// mode: plan — read-only: every step still to do, with the changes it would make, in order. A plan
// that migrate would refuse is written in full and then fails as refused, so the approval job that
// `needs` it never asks anyone to approve it.
import * as core from '@actions/core';
import { planVariant } from '../procedure/engine.ts';
import { CHECKPOINT_REF } from '../procedure/checkpoint.ts';
import type { Prepared } from './prepare.ts';
import type { Session } from './session.ts';

export async function runPlan(s: Session, p: Prepared): Promise<void> {
  const { report, log } = s;
  await core.group(`Plan (procedure ${p.variant.title})`, async () => {
    await planVariant(p.variant, p.ctx, { completed: (id) => p.checkpoint.completed(id) });
    report.plan.push({
      phase: 'Throughout',
      step: 'Keep a checkpoint so that an interrupted run can be continued',
      changes: [
        `ConfigMap ${CHECKPOINT_REF.namespace}/${CHECKPOINT_REF.name}: created after the backup, updated after every step, deleted when the migration completes`,
      ],
    });
    for (const [i, e] of report.plan.entries())
      log.info(`${i + 1}. [${e.phase}] ${e.step}\n     ${e.changes.join('\n     ')}`);
  });
  if (p.refusal) throw p.refusal;
  report.result = 'planned';
}
