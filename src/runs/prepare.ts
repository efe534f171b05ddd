// The decision every kind of run shares, made by one piece of code so that a plan and a migrate on
// the same cluster decide the same way: is there an unfinished migration (checkpoint) and may this run
// continue it; is the cluster already on the target; and would migrate refuse (blocking preflight
// checks, with the relaxations a resumed run gets).
import * as core from '@actions/core';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { refusalFor, runPreflight } from '../checks/preflight.ts';
import { Checkpoint, CHECKPOINT_REF, identityDifferences, identityOf } from '../procedure/checkpoint.ts';
import type { RunMemory, StepContext, Variant } from '../procedure/types.ts';
import { stepContext, type Session } from './session.ts';

/** Checks that still block a run that continues an unfinished migration. */
// SSH is not among them: mid-migration a node may be down for its reboot. The reboot step names any
// node it cannot reach, and a host key mismatch still stops it before a command is sent.
const RESUME_BLOCKING = new Set(
  ['permissions', 'no-migration-in-progress', 'runner-outside-cluster'].map((id) => `preflight-${id}`),
);

export interface Prepared {
  variant: Variant;
  ctx: StepContext;
  /** The checkpoint this run keeps: the earlier run's, or a fresh one (not yet written). */
  checkpoint: Checkpoint;
  /** The cluster is already on the target network and no migration of ours is unfinished. */
  onTarget: boolean;
  /** Why mode migrate would refuse, if it would. */
  refusal?: Error;
}

/** Describes who started the unfinished migration, for logs and messages. */
export function startedByText(cp: Checkpoint): string {
  const by = cp.state.startedBy;
  return `started ${by.startedAt}${by.actor ? ` by ${by.actor}` : ''}${by.runUrl ? ` (${by.runUrl})` : ''}`;
}

/** An unfinished run of this action left a checkpoint: continue it (same settings) or refuse. */
async function continueEarlier(s: Session, variant: Variant, earlier: Checkpoint): Promise<void> {
  const identity = identityOf(variant, s.settings.mtu, s.settings.genevePort);
  const diff = identityDifferences(earlier.state.identity, identity);
  const who = startedByText(earlier);
  if (diff.length) {
    throw new Error(
      `a migration by this action is in progress (${who}; variant ${earlier.state.identity.variant}, ${earlier.state.completedSteps.length} step(s) done) with other settings — ${diff.join('; ')}. ` +
        `To continue it, run again with the same inputs; to abandon it, roll the cluster back and delete ConfigMap ${CHECKPOINT_REF.namespace}/${CHECKPOINT_REF.name}.`,
    );
  }
  s.log.info(
    `Continuing the migration ${who}: ${earlier.state.completedSteps.length} step(s) already done (${earlier.state.completedSteps.join(', ')}).`,
  );
  s.report.warnings.push(`This run continues an unfinished migration ${who}.`);
  // The original backup, from before the first change, byte for byte.
  if (earlier.backup.size) {
    await mkdir(s.backupDir, { recursive: true });
    for (const [name, text] of earlier.backup)
      await writeFile(join(s.backupDir, name), text, { mode: 0o600 });
    s.report.backup = {
      directory: s.backupDir,
      files: [...earlier.backup.keys()].map((n) => join(s.backupDir, n)),
    };
  }
}

/** Preflight; mid-migration only what the next steps need still blocks. */
async function preflight(s: Session, variant: Variant, ctx: StepContext): Promise<Error | undefined> {
  const resuming = s.earlier !== undefined;
  const checks = await core.group('Preflight checks', () =>
    runPreflight(ctx, variant, { mode: s.settings.mode, ownRunInProgress: resuming }),
  );
  if (resuming) {
    // Mid-migration the cluster is expected to look unhealthy (nodes rebooting, pools paused, the
    // network type already switched).
    for (const c of checks) if (!RESUME_BLOCKING.has(c.id) && c.severity === 'blocking') c.severity = 'warn';
  }
  return refusalFor(checks);
}

export async function prepare(s: Session, variant: Variant): Promise<Prepared> {
  const earlier = await Checkpoint.load(s.cluster, s.log);
  if (earlier) await continueEarlier(s, variant, earlier);
  s.earlier = earlier;
  const memory: RunMemory = earlier?.state.memory ?? {};
  const checkpoint =
    earlier ??
    Checkpoint.fresh(
      s.cluster,
      s.log,
      identityOf(variant, s.settings.mtu, s.settings.genevePort),
      {
        repository: s.report.context.repository,
        runUrl: s.report.context.runUrl,
        actor: s.report.context.actor,
        startedAt: new Date().toISOString(),
      },
      memory,
    );
  const ctx = stepContext(s, variant, memory);
  const onTarget = !earlier && s.report.cluster.networkTypeBefore === variant.to;
  const refusal = onTarget ? undefined : await preflight(s, variant, ctx);
  return { variant, ctx, checkpoint, onTarget, refusal };
}
