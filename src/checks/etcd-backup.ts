// The document's prerequisite "a recent backup of the etcd database is available", taken rather than
// assumed: `sudo -E /usr/local/bin/cluster-backup.sh /home/core/assets/backup-<run id>-<attempt>` on one Ready
// control-plane node (through NodeAccess: SSH or the MCD pod), after the preflight checks pass and before the first change. The files
// are then checked on the node (`ls`, `test -s`); their paths go to the report (report.etcdBackup).
// A failed backup stops the run before any change.
import { type KObject, NODES } from '../cluster/types.ts';
import { nodeReady } from '../openshift/objects.ts';
import type { StepContext } from '../procedure/types.ts';
import type { EtcdBackupRecord } from '../report/model.ts';
import { internalIPs, type NodeAccess, type NodeTarget, shellQuote } from '../nodes/access.ts';

export const BACKUP_SCRIPT = '/usr/local/bin/cluster-backup.sh';

export const NO_BACKUP_NODE =
  'no Ready control-plane node to run cluster-backup.sh on — bring a master back to Ready, or set etcd-backup: false after taking a backup yourself';

/** Nodes the backup can run on: Ready control-plane nodes (etcd runs only there). */
export function backupCandidates(nodes: KObject[]): KObject[] {
  return nodes.filter(
    (n) => CONTROL_PLANE_LABELS.some((l) => n.metadata.labels?.[l] !== undefined) && nodeReady(n),
  );
}

export class EtcdBackupFailed extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EtcdBackupFailed';
  }
}

export const CONTROL_PLANE_LABELS = [
  'node-role.kubernetes.io/master',
  'node-role.kubernetes.io/control-plane',
];

/**
 * The directory on the node: one per workflow run attempt, so a re-run never mixes its files with
 * another run's or an earlier attempt's.
 */
export function backupDirectory(env: NodeJS.ProcessEnv = process.env): string {
  const safe = (v: string) => v.replace(/[^A-Za-z0-9_-]/g, '');
  const run = safe(env.GITHUB_RUN_ID || 'local');
  const attempt = safe(env.GITHUB_RUN_ATTEMPT || '');
  return `/home/core/assets/backup-${run}${attempt ? `-${attempt}` : ''}`;
}

/** Where the backup runs and what a failure message tells the administrator to do. */
interface BackupRun {
  ctx: StepContext;
  shell: NodeAccess;
  target: NodeTarget;
  name: string;
  dir: string;
  fix: string;
}

/** Takes the backup; returns (and records in ctx.report.etcdBackup) where it is. Throws EtcdBackupFailed. */
export async function takeEtcdBackup(
  ctx: StepContext,
  opts: { env?: NodeJS.ProcessEnv } = {},
): Promise<EtcdBackupRecord | undefined> {
  if (!ctx.settings.etcdBackup) {
    ctx.log.warn('etcd-backup is false: no etcd backup is taken (the document requires a recent one)');
    return undefined;
  }
  const master = backupCandidates((await ctx.cluster.list(NODES)).items)[0];
  if (!master) throw new EtcdBackupFailed(`etcd backup: ${NO_BACKUP_NODE}`);
  const name = master.metadata.name;
  const addresses = internalIPs(master);
  const dir = backupDirectory(opts.env);
  const { access: shell } = await ctx.nodes();
  const how =
    shell.kind === 'ssh'
      ? `ssh ${ctx.settings.ssh.user}@${addresses[0] ?? name}; sudo`
      : `oc debug node/${name} -- chroot /host`;
  const fix = `check the node (${how} ${BACKUP_SCRIPT} ${dir}) and run again, or set etcd-backup: false after taking a backup yourself`;
  const b: BackupRun = { ctx, shell, target: { name, addresses }, name, dir, fix };
  const saved = await runBackupScript(b);
  const { snapshot, staticResources } = await backupFiles(b, saved);
  const record: EtcdBackupRecord = {
    node: name,
    directory: dir,
    snapshot,
    staticResources,
    takenAt: new Date().toISOString(),
  };
  ctx.report.etcdBackup = record;
  ctx.log.info(`  etcd backup saved on ${name}: ${snapshot}, ${staticResources}`);
  return record;
}

/** Runs cluster-backup.sh; returns the snapshot path it says it saved, if it says so. */
async function runBackupScript(b: BackupRun): Promise<string | undefined> {
  const { ctx, name, dir, fix } = b;
  ctx.log.info(`  etcd backup: sudo -E ${BACKUP_SCRIPT} ${dir} on ${name}`);
  let run;
  try {
    run = await b.shell.exec(b.target, `sudo -E ${BACKUP_SCRIPT} ${shellQuote(dir)}`, {
      timeoutMs: Math.min(ctx.settings.waitTimeoutMs, 30 * 60_000),
      signal: ctx.signal,
    });
  } catch (err) {
    throw new EtcdBackupFailed(`etcd backup on ${name} failed: ${(err as Error).message} — ${fix}`);
  }
  if (run.code !== 0) {
    ctx.log.block(
      `  ${BACKUP_SCRIPT} on ${name} exited with ${run.code ?? run.signal}; its output:`,
      `${run.stdout}\n${run.stderr}`.trim(),
    );
    const tail = `${run.stdout}\n${run.stderr}`.trim().split('\n').slice(-3).join(' | ');
    throw new EtcdBackupFailed(
      `etcd backup on ${name} failed: ${BACKUP_SCRIPT} exited with ${run.code ?? run.signal}: ${tail} — ${fix}`,
    );
  }
  return /Snapshot saved at (\S+)/.exec(run.stdout)?.[1];
}

/**
 * The snapshot and static resources in the backup directory, checked on the node: both present
 * (the script names the snapshot it saved; the static resources share its timestamp) and not empty.
 */
async function backupFiles(
  b: BackupRun,
  saved: string | undefined,
): Promise<{ snapshot: string; staticResources: string }> {
  const { name, dir, fix } = b;
  const list = await b.shell.exec(b.target, `ls ${shellQuote(dir)}`, { timeoutMs: 60_000 });
  const files =
    list.code === 0
      ? list.stdout
          .split('\n')
          .map((l) => l.trim())
          .filter(Boolean)
      : [];
  const latest = (pattern: RegExp) =>
    files
      .filter((f) => pattern.test(f))
      .sort()
      .pop();
  const stamp = saved ? /snapshot_(.+)\.db$/.exec(saved)?.[1] : undefined;
  const snapshotName = saved?.split('/').pop() ?? latest(/^snapshot_.+\.db$/);
  const resourcesName = stamp
    ? files.find((f) => f === `static_kuberesources_${stamp}.tar.gz`)
    : latest(/^static_kuberesources_.+\.tar\.gz$/);
  if (!snapshotName || !files.includes(snapshotName) || !resourcesName)
    throw new EtcdBackupFailed(
      `etcd backup on ${name}: ${dir} does not hold both snapshot_<time>.db and static_kuberesources_<time>.tar.gz (found: ${files.join(', ') || 'nothing'}) — ${fix}`,
    );
  const snapshot = `${dir}/${snapshotName}`;
  const staticResources = `${dir}/${resourcesName}`;
  const sizes = await b.shell.exec(
    b.target,
    `sudo -n test -s ${shellQuote(snapshot)} && sudo -n test -s ${shellQuote(staticResources)}`,
    { timeoutMs: 60_000 },
  );
  if (sizes.code !== 0)
    throw new EtcdBackupFailed(`etcd backup on ${name}: ${snapshot} or ${staticResources} is empty — ${fix}`);
  return { snapshot, staticResources };
}
