// takeEtcdBackup against the twin's control-plane nodes: cluster-backup.sh over SSH, the files
// checked on the node, their paths in the report; every failure a clear EtcdBackupFailed.
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { backupDirectory, EtcdBackupFailed, takeEtcdBackup } from '../../src/checks/etcd-backup.ts';
import { startTwin, type Twin } from '../twin/index.ts';
import type { ScenarioInput } from '../twin/scenario.ts';
import { contextFor, type TestContext } from './support.ts';

const scenario = (over: Partial<ScenarioInput> = {}): ScenarioInput => ({
  version: '4.14.12',
  nodes: [{ name: 'master-0' }, { name: 'master-1' }, { name: 'worker-0' }],
  podsPerNode: 1,
  timing: { msPerSecond: 1, etcdBackupSeconds: 3 },
  ...over,
});

const twins: Twin[] = [];
const open: TestContext[] = [];
afterEach(async () => Promise.all(open.splice(0).map((t) => t.close())));
afterAll(async () => Promise.all(twins.map((t) => t.stop())));
async function setup(over: Partial<ScenarioInput> = {}, settings: Parameters<typeof contextFor>[1] = {}) {
  const twin = await startTwin(scenario(over));
  twins.push(twin);
  const t = contextFor(twin, settings);
  open.push(t);
  return { twin, ctx: t.ctx };
}

describe('backupDirectory', () => {
  it('is one directory per workflow run attempt under /home/core/assets', () => {
    expect(backupDirectory({ GITHUB_RUN_ID: '987654' })).toBe('/home/core/assets/backup-987654');
    expect(backupDirectory({ GITHUB_RUN_ID: '987654', GITHUB_RUN_ATTEMPT: '2' })).toBe(
      '/home/core/assets/backup-987654-2',
    );
    expect(backupDirectory({})).toBe('/home/core/assets/backup-local');
    expect(backupDirectory({ GITHUB_RUN_ID: '1; rm -rf /' })).toBe('/home/core/assets/backup-1rm-rf');
  });
});

describe('takeEtcdBackup', () => {
  it('runs cluster-backup.sh on the first Ready master and records the snapshot and static resources', async () => {
    const { twin, ctx } = await setup({
      nodes: [{ name: 'master-0', ready: false }, { name: 'master-1' }, { name: 'worker-0' }],
    });
    const rec = await takeEtcdBackup(ctx, { env: { GITHUB_RUN_ID: '4242' } });
    expect(rec).toBeDefined();
    expect(rec!.node).toBe('master-1');
    expect(rec!.directory).toBe('/home/core/assets/backup-4242');
    expect(rec!.snapshot).toMatch(/^\/home\/core\/assets\/backup-4242\/snapshot_\d{4}-\d\d-\d\d_\d{6}\.db$/);
    const stamp = /snapshot_(.+)\.db$/.exec(rec!.snapshot)![1];
    expect(rec!.staticResources).toBe(`/home/core/assets/backup-4242/static_kuberesources_${stamp}.tar.gz`);
    expect(ctx.report.etcdBackup).toEqual(rec);
    expect(ctx.report.toJSON().etcdBackup).toEqual(rec);
    const backups = twin.timeline.entries.filter((e) => e.verb === 'backup');
    expect(backups).toEqual([
      expect.objectContaining({ object: 'Node/master-1', change: `etcd snapshot ${rec!.snapshot}` }),
    ]);
    expect(twin.timeline.clientWrites()).toEqual([]);
  });

  it('does nothing when etcd-backup is false', async () => {
    const { twin, ctx } = await setup({}, { etcdBackup: false });
    expect(await takeEtcdBackup(ctx)).toBeUndefined();
    expect(ctx.report.etcdBackup).toBeUndefined();
    expect(twin.timeline.entries.filter((e) => e.verb === 'backup')).toEqual([]);
  });

  it('fails clearly when no control-plane node is Ready', async () => {
    const { ctx } = await setup({ nodes: [{ name: 'master-0', ready: false }, { name: 'worker-0' }] });
    await expect(takeEtcdBackup(ctx)).rejects.toThrow(/no Ready control-plane node .* etcd-backup: false/);
  });

  it('fails with the reason when sudo asks for a password on the master', async () => {
    const { ctx } = await setup({ faults: [{ kind: 'sudo-password', node: 'master-0' }] });
    const err = await takeEtcdBackup(ctx).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EtcdBackupFailed);
    expect((err as Error).message).toMatch(/^etcd backup on master-0 failed: sudo asked for a password/);
    expect(ctx.report.etcdBackup).toBeUndefined();
  });
});
