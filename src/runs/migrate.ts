// mode: migrate — the etcd backup, then the procedure step by step, saving the checkpoint after each
// step so that any later run continues where this one stopped.
import * as core from '@actions/core';
import { readFile } from 'node:fs/promises';
import { takeEtcdBackup } from '../checks/etcd-backup.ts';
import { runVariant } from '../procedure/engine.ts';
import type { Prepared } from './prepare.ts';
import type { Session } from './session.ts';

export async function runMigrate(s: Session, p: Prepared): Promise<void> {
  if (p.refusal) throw p.refusal;
  const { report, log, backupDir } = s;
  const { checkpoint } = p;
  // The checkpoint is first written once the backup is taken (before the first change).
  let active = s.earlier !== undefined;
  s.saveProgress = async () => {
    if (active) await checkpoint.save();
  };
  const hooks = {
    completed: (id: string) => checkpoint.completed(id),
    onStepDone: async (_phase: unknown, id: string) => {
      checkpoint.markDone(id);
      if (id === 'backup' && !checkpoint.backup.size) {
        for (const f of report.backup.files)
          checkpoint.backup.set(f.slice(backupDir.length + 1), await readFile(f, 'utf8'));
        active = true;
      }
      await s.saveProgress();
    },
  };
  if (!s.earlier) await core.group('etcd backup', () => takeEtcdBackup(p.ctx));
  log.info(`Running procedure ${p.variant.title}`);
  await runVariant(p.variant, p.ctx, hooks);
  await checkpoint.clear();
  report.result = 'migrated';
}
