// OpenShift's /usr/local/bin/cluster-backup.sh on a control-plane node: an etcd snapshot plus the
// latest static pod resources, written to the directory given. It takes scenario.timing
// .etcdBackupSeconds of virtual time; its output follows the real script (etcdctl's JSON log lines,
// "Snapshot saved at ...", and the final success line) so the action's parsing meets the real thing.
import { posix } from 'node:path';
import { findType } from '../resources.ts';
import type { TwinContext } from '../context.ts';
import type { NodeSpec } from '../scenario.ts';
import type { NodeFilesystem } from './node-fs.ts';
import type { CommandResult } from './shell.ts';

export const BACKUP_SCRIPT = '/usr/local/bin/cluster-backup.sh';

function stamp(d: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getUTCFullYear()}-${p(d.getUTCMonth() + 1)}-${p(d.getUTCDate())}_${p(d.getUTCHours())}${p(d.getUTCMinutes())}${p(d.getUTCSeconds())}`;
}

/** Snapshot size grows with what the store holds, as a real etcd database does. */
function snapshotBytes(ctx: TwinContext): number {
  let objects = 0;
  for (const plural of ['nodes', 'pods', 'namespaces', 'configmaps', 'secrets']) {
    const t = findType('', plural);
    if (t) objects += ctx.store.count(t);
  }
  return 48 * 1024 * 1024 + objects * 6 * 1024;
}

export async function clusterBackup(
  ctx: TwinContext,
  node: NodeSpec,
  fs: NodeFilesystem,
  args: string[],
  root: boolean,
): Promise<CommandResult> {
  if (!root) return { stdout: 'This script must be run as root\n', stderr: '', code: 1 };
  const rest = args[0] === '--force' ? args.slice(1) : args;
  const target = rest[0];
  if (!target || fs.stat(target)?.kind === 'file') {
    return {
      stdout: 'Path to backup dir required: ./cluster-backup.sh [--force] <path-to-backup-dir>\n',
      stderr: '',
      code: 1,
    };
  }
  const dir = fs.resolve(target);
  fs.mkdirp(dir);
  const started = new Date();
  await ctx.clock.sleep(ctx.scenario.timing.etcdBackupSeconds);
  const ts = stamp(started);
  const snapshot = posix.join(dir, `snapshot_${ts}.db`);
  const resources = posix.join(dir, `static_kuberesources_${ts}.tar.gz`);
  const size = snapshotBytes(ctx);
  const now = new Date();
  fs.writeFile(snapshot, { size, mtime: now, mode: '-rw-------', owner: 'root' });
  fs.writeFile(resources, { size: 81_234, mtime: now, mode: '-rw-------', owner: 'root' });
  ctx.timeline.record('ssh:core', 'backup', `Node/${node.name}`, `etcd snapshot ${snapshot}`);
  const endpoint = `https://${node.addresses[0]}:2379`;
  const epoch = started.getTime() / 1000;
  const iso = started.toISOString();
  const tookSeconds = ctx.scenario.timing.etcdBackupSeconds;
  const mb = Math.round(size / 1_000_000);
  const stdout = [
    'found latest kube-apiserver: /etc/kubernetes/static-pod-resources/kube-apiserver-pod-12',
    'found latest kube-controller-manager: /etc/kubernetes/static-pod-resources/kube-controller-manager-pod-8',
    'found latest kube-scheduler: /etc/kubernetes/static-pod-resources/kube-scheduler-pod-7',
    'found latest etcd: /etc/kubernetes/static-pod-resources/etcd-pod-4',
    'etcdctl is already installed',
    `{"level":"info","ts":${epoch.toFixed(7)},"caller":"snapshot/v3_snapshot.go:65","msg":"created temporary db file","path":"${snapshot}.part"}`,
    `{"level":"info","ts":"${iso}","caller":"clientv3/maintenance.go:211","msg":"opened snapshot stream; downloading"}`,
    `{"level":"info","ts":${epoch.toFixed(7)},"caller":"snapshot/v3_snapshot.go:73","msg":"fetching snapshot","endpoint":"${endpoint}"}`,
    `{"level":"info","ts":"${now.toISOString()}","caller":"clientv3/maintenance.go:219","msg":"completed snapshot read; closing"}`,
    `{"level":"info","ts":${(now.getTime() / 1000).toFixed(7)},"caller":"snapshot/v3_snapshot.go:88","msg":"fetched snapshot","endpoint":"${endpoint}","size":"${mb} MB","took":"${tookSeconds}s"}`,
    `{"level":"info","ts":${(now.getTime() / 1000).toFixed(7)},"caller":"snapshot/v3_snapshot.go:97","msg":"saved","path":"${snapshot}"}`,
    `Snapshot saved at ${snapshot}`,
    `{"hash":${(size * 2654435761) % 4294967296},"revision":${ctx.store.currentRV()},"totalKey":${Math.round(size / 5300)},"totalSize":${size}}`,
    `snapshot db and kube resources are successfully saved to ${dir}`,
    '',
  ].join('\n');
  return { stdout, stderr: '', code: 0 };
}
