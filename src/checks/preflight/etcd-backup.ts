// Known before any change: the etcd backup needs a Ready control-plane node; without the backup the
// approver is told that none will be taken.
import { backupCandidates, NO_BACKUP_NODE } from '../etcd-backup.ts';
import type { PreflightCheck } from './types.ts';

export const etcdBackupCheck: PreflightCheck = {
  id: 'etcd-backup',
  title: 'etcd backup before the first change',
  severity: 'warn',
  applies: { when: (f) => f.opts.mode === 'migrate' || f.ctx.settings.etcdBackup },
  run: async (f) => {
    const nodes = await f.nodes();
    const wanted = f.ctx.settings.etcdBackup;
    const candidates = nodes ? backupCandidates(nodes) : undefined;
    if (!wanted)
      return {
        ok: false,
        detail:
          'etcd-backup is false: no etcd backup will be taken — the document requires a recent one; take it yourself first',
      };
    if (candidates !== undefined && candidates.length === 0)
      return { ok: false, severity: 'blocking', detail: NO_BACKUP_NODE };
    return {
      ok: true,
      detail: `mode migrate runs cluster-backup.sh on a Ready control-plane node (${candidates?.[0]?.metadata.name ?? 'chosen at run time'}) before the first change`,
    };
  },
};
