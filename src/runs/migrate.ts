// mode: migrate — the etcd backup (or, continuing, confirming the recorded one), then the lease on the
// checkpoint, then the procedure step by step, saving the checkpoint after each step so that any
// later run continues where this one stopped.
import { readFile } from 'node:fs/promises';
import type { EngineHooks } from '../procedure/engine.ts';
import type { Checkpoint } from '../procedure/checkpoint.ts';
import type { StepContext, Variant } from '../procedure/types.ts';
import { runVariantRestoringPools } from './restore-after-stop.ts';
import { saveRollbackRecord } from '../procedure/rollback-record.ts';
import { ensureEtcdBackup } from './etcd.ts';
import { LeaseKeeper, thisRun } from './lease.ts';
import type { Prepared } from './prepare.ts';
import type { Session } from './session.ts';

/** The engine's hooks: skip what is done, save the checkpoint (with the original backup) after each step. */
function checkpointHooks(s: Session, checkpoint: Checkpoint): EngineHooks {
  return {
    completed: (id: string) => checkpoint.completed(id),
    onStepDone: async (_phase: unknown, id: string) => {
      checkpoint.markDone(id);
      if (id === 'backup' && !checkpoint.backup.size)
        for (const f of s.report.backup.files)
          checkpoint.backup.set(f.slice(s.backupDir.length + 1), await readFile(f, 'utf8'));
      await s.saveProgress();
    },
  };
}

/** cleanup: false — the cleanup steps still to do, as the commands a person runs. */
export async function cleanupLeft(variant: Variant, ctx: StepContext): Promise<string[]> {
  const phase = variant.phases.find((p) => p.id === variant.cleanupPhase);
  const out: string[] = [];
  for (const step of phase?.steps ?? [])
    if (!(await step.isDone(ctx))) out.push(...(step.commands?.(ctx) ?? []));
  return out;
}

/**
 * Attaching to a live migration someone else started: the cluster is already half-migrated and the
 * operators reboot its masters, so a backup now would be no "before" — none is taken, and it says so.
 */
function noEtcdBackupWhenAttaching(s: Session): undefined {
  const msg =
    'No etcd backup is taken: this run attaches to a live migration that was started outside it, so the cluster is already part-way through (take one yourself before starting a migration).';
  s.log.warn(msg);
  s.report.warnings.push(msg);
  return undefined;
}

export async function runMigrate(s: Session, p: Prepared): Promise<void> {
  if (p.refusal) throw p.refusal;
  const { checkpoint } = p;
  const etcd = s.attachLive
    ? noEtcdBackupWhenAttaching(s)
    : await ensureEtcdBackup(p.ctx, checkpoint.state.etcdBackup, s.earlier !== undefined);
  if (etcd) checkpoint.state.etcdBackup = etcd;
  // The first write: the checkpoint, as this run's lease. A run that raced us here gets a 409.
  const lease = new LeaseKeeper(checkpoint, thisRun(s.report.context), s.log, s.stop);
  await lease.acquire();
  s.lease = lease;
  s.started = true;
  s.saveProgress = () => lease.save();
  s.log.info(`Running procedure ${p.variant.title}`);
  await runVariantRestoringPools(s, p.variant, p.ctx, checkpoint, checkpointHooks(s, checkpoint));
  lease.end();
  // The checkpoint goes; the original backup stays for a later mode: rollback.
  await saveRollbackRecord(s.cluster.withCancelGate(s.signal), checkpoint.backup).catch((e: unknown) =>
    s.report.warnings.push(
      `could not keep the original backup for a later rollback: ${e instanceof Error ? e.message : String(e)} (it is in the artifact)`,
    ),
  );
  await checkpoint.clear();
  if (!s.settings.cleanup) s.report.cleanupLeft = await cleanupLeft(p.variant, p.ctx);
  s.report.result = 'migrated';
}
