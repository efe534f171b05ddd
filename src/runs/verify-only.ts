// A cluster already on the target network, with no migration of ours unfinished: verify it, change
// nothing.
import * as core from '@actions/core';
import { verifyMigration } from '../checks/verify.ts';
import { VerificationFailed } from '../procedure/engine.ts';
import type { Prepared } from './prepare.ts';
import type { Session } from './session.ts';

export async function runVerifyOnly(s: Session, p: Prepared): Promise<void> {
  const { report } = s;
  await core.group(
    `Verify (the cluster is already on ${p.variant.to === 'OVNKubernetes' ? 'OVN-Kubernetes' : p.variant.to})`,
    async () => {
      p.ctx.memory.bootIdsBefore = {};
      await verifyMigration(p.ctx);
    },
  );
  // Without a migration of ours there is nothing to compare boot IDs with.
  report.checks = report.checks.filter((c) => c.id !== 'nodes-rebooted');
  report.cluster.networkTypeAfter = p.variant.to;
  const failed = report.failedChecks();
  if (failed.length)
    throw new VerificationFailed(
      `the cluster is on ${p.variant.to} but verification failed: ${failed.map((c) => c.title).join('; ')}`,
    );
  report.result = 'already-migrated';
}
