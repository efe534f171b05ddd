// Each fault the controllers implement, and the kubelet's reboot bookkeeping.
import { afterEach, describe, expect, it } from 'vitest';
import type { TwinContext } from '../context.ts';
import type { Fault } from '../scenario.ts';
import { MC_ANNOTATION } from './builders.ts';
import { bootID, condition, get, multusRolledOut, nodeReady, podsInError, status } from './checks.ts';
import { MIGRATION_ANNOTATION } from './cno.ts';
import { type Controllers, startControllers } from './controllers.ts';
import { makeContext, patch, settle, waitFor } from './harness.ts';
import { seedCluster } from './seed.ts';
import { T } from './types.ts';

let controllers: Controllers | undefined;
afterEach(() => controllers?.stop());

const NODES = [{ name: 'master-0' }, { name: 'worker-0' }, { name: 'worker-1' }, { name: 'worker-2' }];

function start(version: string, faults: Fault[] = []): TwinContext {
  const ctx = makeContext({ version, nodes: NODES, faults, timing: { rebootSeconds: 20 } });
  seedCluster(ctx);
  controllers = startControllers(ctx);
  return ctx;
}

/** The 4.6 trigger: annotation, paused pools (so MCO reboots nothing), network type. */
function migrate46(ctx: TwinContext): void {
  for (const p of ['master', 'worker'])
    patch(ctx, T.pool, p, (o) => ((o.spec as { paused: boolean }).paused = true));
  patch(ctx, T.networkOperator, 'cluster', (o) => {
    o.metadata.annotations = { ...o.metadata.annotations, [MIGRATION_ANNOTATION]: '' };
  });
  patch(
    ctx,
    T.networkConfig,
    'cluster',
    (o) => ((o.spec as { networkType: string }).networkType = 'OVNKubernetes'),
  );
}

function onNode(ctx: TwinContext, node: string) {
  return ctx.store.list(T.pod).filter((p) => (p.spec as { nodeName: string }).nodeName === node);
}

describe('kubelet reboots', () => {
  it('reboots once, reports down/up, ignores a second request while one is pending', async () => {
    const ctx = start('4.14.12');
    const c = controllers!;
    const events: string[] = [];
    let readyWhileDown: ReturnType<typeof condition>;
    c.onNodeStateChange((node, up) => {
      events.push(`${node} ${up ? 'up' : 'down'}`);
      if (up) return;
      // Read at the moment the node goes down (polling could miss a short reboot).
      readyWhileDown = condition(get(ctx, T.node, node), 'Ready');
      c.scheduleReboot(node, 0, 'sudo reboot'); // down: ignored
    });
    const before = bootID(get(ctx, T.node, 'worker-0'));
    c.scheduleReboot('worker-0', 5, 'sudo shutdown -r -t 5');
    c.scheduleReboot('worker-0', 1, 'sudo shutdown -r now'); // pending: ignored
    expect(c.isUp('worker-0')).toBe(true);
    await waitFor('down', () => events.length > 0);
    expect(readyWhileDown).toMatchObject({
      status: 'Unknown',
      reason: 'NodeStatusUnknown',
      message: 'Kubelet stopped posting node status.',
    });
    await waitFor('up and Ready', () => c.isUp('worker-0') && nodeReady(get(ctx, T.node, 'worker-0')));
    await settle(ctx, 30);
    expect(c.rebootCount('worker-0')).toBe(1);
    expect(events).toEqual(['worker-0 down', 'worker-0 up']);
    const after = bootID(get(ctx, T.node, 'worker-0'));
    expect(after).not.toBe(before);
    const entry = ctx.timeline.entries.find((e) => e.verb === 'reboot')!;
    expect(entry).toMatchObject({
      actor: 'kubelet',
      object: 'Node/worker-0',
      change: `bootID ${before} → ${after}`,
    });
    expect(c.isUp('no-such-node')).toBe(false);
  });
});

describe('faults', () => {
  it('node-never-returns: the node stays down', async () => {
    const ctx = start('4.14.12', [{ kind: 'node-never-returns', node: 'worker-1' }]);
    const c = controllers!;
    const before = bootID(get(ctx, T.node, 'worker-1'));
    c.scheduleReboot('worker-1', 0, 'sudo reboot');
    c.scheduleReboot('worker-2', 0, 'sudo reboot');
    await waitFor(
      'worker-2 back',
      () => c.rebootCount('worker-2') === 1 && nodeReady(get(ctx, T.node, 'worker-2')),
    );
    await settle(ctx, 60);
    expect(c.isUp('worker-1')).toBe(false);
    expect(c.rebootCount('worker-1')).toBe(1);
    expect(nodeReady(get(ctx, T.node, 'worker-1'))).toBe(false);
    expect(bootID(get(ctx, T.node, 'worker-1'))).toBe(before);
    expect(ctx.faults.fired.get('node-never-returns')).toBe(1);
  });

  it('node-never-returns, then an administrator powers it on: it boots with a new bootID, Ready, and reboots normally after', async () => {
    const ctx = start('4.14.12', [{ kind: 'node-never-returns', node: 'worker-1' }]);
    const c = controllers!;
    const before = bootID(get(ctx, T.node, 'worker-1'));
    expect(() => c.powerOn('worker-1')).toThrow(/worker-1 is running, not powered off/);
    c.scheduleReboot('worker-1', 0, 'sudo reboot');
    await waitFor('worker-1 down', () => !c.isUp('worker-1'));
    await settle(ctx, 40);
    expect(c.isUp('worker-1')).toBe(false);
    const powered = c.powerOn('worker-1');
    // Not at once: the node boots for its usual time.
    expect(c.isUp('worker-1')).toBe(false);
    await powered;
    const node = get(ctx, T.node, 'worker-1');
    expect(c.isUp('worker-1')).toBe(true);
    expect(nodeReady(node)).toBe(true);
    const after = bootID(node);
    expect(after).not.toBe(before);
    expect(ctx.faults.forNode('node-never-returns', 'worker-1')).toBeUndefined();
    expect(ctx.timeline.entries.filter((e) => e.object === 'Node/worker-1').map((e) => e.verb)).toEqual(
      expect.arrayContaining(['reboot', 'power-on']),
    );
    expect(ctx.timeline.clientWrites()).toEqual([]);
    // Fixed: its next reboot comes back as any other.
    c.scheduleReboot('worker-1', 0, 'sudo reboot');
    await waitFor('rebooted again', () => c.rebootCount('worker-1') === 2 && c.isUp('worker-1'));
    expect(bootID(get(ctx, T.node, 'worker-1'))).not.toBe(after);
    expect(() => c.powerOn('master-0')).toThrow(/master-0 is running/);
  });

  it('node-never-returns during an MCO update: powered on, it boots the config the daemon wrote and the pool finishes', async () => {
    const ctx = start('4.14.12', [{ kind: 'node-never-returns', node: 'worker-0' }]);
    const c = controllers!;
    patch(ctx, T.networkOperator, 'cluster', (o) => {
      (o.spec as { migration: unknown }).migration = { networkType: 'OVNKubernetes' };
    });
    await waitFor('worker-0 down in its MCO update', () => c.rebootCount('worker-0') === 1);
    const target = get(ctx, T.pool, 'worker').spec as { configuration: { name: string } };
    await settle(ctx, 120);
    // The pool is stuck behind it (maxUnavailable 1): nothing else of it moved.
    expect(c.rebootCount('worker-1')).toBe(0);
    let a = get(ctx, T.node, 'worker-0').metadata.annotations!;
    expect(a[MC_ANNOTATION.state]).toBe('Working');
    expect(a[MC_ANNOTATION.desired]).toBe(target.configuration.name);
    await c.powerOn('worker-0');
    await waitFor('worker-0 Done', () => {
      a = get(ctx, T.node, 'worker-0').metadata.annotations!;
      return a[MC_ANNOTATION.state] === 'Done';
    });
    expect(a[MC_ANNOTATION.current]).toBe(target.configuration.name);
    expect((get(ctx, T.node, 'worker-0').spec as { unschedulable?: boolean }).unschedulable).toBeUndefined();
    await waitFor(
      'worker pool Updated',
      () => condition(get(ctx, T.pool, 'worker'), 'Updated')?.status === 'True',
      60_000,
    );
    // Booting the written config completed the update: no second boot for it.
    expect(c.rebootCount('worker-0')).toBe(1);
    expect(c.rebootCount('worker-2')).toBe(1);
  });

  it('node-returns-notready: reachable again with a new bootID but Ready=False', async () => {
    const ctx = start('4.14.12', [{ kind: 'node-returns-notready', node: 'worker-0' }]);
    const c = controllers!;
    const before = bootID(get(ctx, T.node, 'worker-0'));
    c.scheduleReboot('worker-0', 0, 'sudo reboot');
    await waitFor('back up', () => c.rebootCount('worker-0') === 1 && c.isUp('worker-0'));
    const node = get(ctx, T.node, 'worker-0');
    expect(bootID(node)).not.toBe(before);
    expect(condition(node, 'Ready')).toMatchObject({ status: 'False', reason: 'KubeletNotReady' });
    expect(ctx.faults.fired.get('node-returns-notready')).toBe(1);
  });

  it('pool-degraded: the pool turns Degraded when MCO starts it and moves no further', async () => {
    const ctx = start('4.14.12', [
      { kind: 'pool-degraded', pool: 'worker', reason: 'unexpected on-disk state' },
    ]);
    const c = controllers!;
    patch(ctx, T.networkOperator, 'cluster', (o) => {
      (o.spec as { migration: unknown }).migration = { networkType: 'OVNKubernetes' };
    });
    await waitFor(
      'worker pool Degraded',
      () => condition(get(ctx, T.pool, 'worker'), 'Degraded')?.status === 'True',
    );
    const pool = get(ctx, T.pool, 'worker');
    expect(condition(pool, 'NodeDegraded')?.message).toContain('unexpected on-disk state');
    expect(status(pool).degradedMachineCount).toBe(1);
    await waitFor(
      'master updated',
      () => condition(get(ctx, T.pool, 'master'), 'Updated')?.status === 'True',
    );
    await settle(ctx, 200);
    for (const n of ['worker-0', 'worker-1', 'worker-2']) expect(c.rebootCount(n)).toBe(0);
    const degraded = ctx.store
      .list(T.node)
      .filter((n) => n.metadata.annotations![MC_ANNOTATION.state] === 'Degraded');
    expect(degraded.map((n) => [n.metadata.name, n.metadata.annotations![MC_ANNOTATION.reason]])).toEqual([
      ['worker-0', 'unexpected on-disk state'],
    ]);
    expect(condition(get(ctx, T.pool, 'worker'), 'Updated')?.status).toBe('False');
  });

  it('scenario pool degraded from the start', async () => {
    const ctx = makeContext({
      version: '4.14.12',
      nodes: NODES,
      pools: [{ name: 'worker', degraded: 'failed to drain' }],
    });
    seedCluster(ctx);
    const pool = get(ctx, T.pool, 'worker');
    expect(condition(pool, 'Degraded')?.status).toBe('True');
    expect(condition(pool, 'NodeDegraded')?.message).toContain('failed to drain');
    controllers = startControllers(ctx);
    await settle(ctx, 10);
    expect(condition(get(ctx, T.pool, 'worker'), 'Degraded')?.status).toBe('True');
    expect(condition(get(ctx, T.pool, 'master'), 'Degraded')?.status).toBe('False');
  });

  it('multus-stuck: the rollout halts after afterPods pods, resumes when cleared', async () => {
    const ctx = start('4.6.21', [{ kind: 'multus-stuck', afterPods: 2 }]);
    migrate46(ctx);
    const updated = () => status(get(ctx, T.daemonSet, 'multus', 'openshift-multus')).updatedNumberScheduled;
    await waitFor('two pods updated', () => updated() === 2);
    await settle(ctx, 60);
    expect(updated()).toBe(2);
    expect(multusRolledOut(ctx)).toBe(false);
    expect(ctx.faults.fired.get('multus-stuck')).toBe(1);
    expect(condition(get(ctx, T.clusterOperator, 'network'), 'Progressing')?.status).toBe('True');
    ctx.faults.clear('multus-stuck');
    await waitFor('rollout completes', () => multusRolledOut(ctx));
  });

  it('pods-error-persist: pods on that node stay in error after its reboot', async () => {
    const ctx = start('4.6.21', [{ kind: 'pods-error-persist', node: 'worker-1' }]);
    const c = controllers!;
    migrate46(ctx);
    await waitFor('pods in error', () => podsInError(ctx).length === 4 * 2 + 2);
    for (const n of NODES) c.scheduleReboot(n.name, 0, 'sudo reboot');
    await waitFor('all back', () =>
      NODES.every((n) => c.rebootCount(n.name) === 1 && nodeReady(get(ctx, T.node, n.name))),
    );
    const errored = podsInError(ctx);
    expect(errored.length).toBe(2);
    expect(errored.every((p) => (p.spec as { nodeName: string }).nodeName === 'worker-1')).toBe(true);
    const s = errored[0].status as {
      containerStatuses: { restartCount: number; state: { waiting?: { reason: string } } }[];
    };
    expect(s.containerStatuses[0].state.waiting?.reason).toBe('CrashLoopBackOff');
    expect(s.containerStatuses[0].restartCount).toBeGreaterThan(0);
    // ovnkube-node becomes Ready realism.ovnkubeNodeReadySeconds after the boot; the rest at once.
    await waitFor('worker-0 pods Ready', () =>
      onNode(ctx, 'worker-0').every((p) => condition(p, 'Ready')?.status === 'True'),
    );
    expect(podsInError(ctx).length).toBe(2);
  });
});
