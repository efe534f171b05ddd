// The controllers' bad-day behaviour: MCO picks a change up late (the pool keeps its old Updated=True,
// Updating=False and observedGeneration meanwhile), co/network stays Progressing until every
// ovnkube-node pod is Ready, paused pools on 4.7+ say so in Updating, and other operators flap after
// reboots. Each is recorded from store events, so the assertions are on what a watcher would see.
import { afterEach, describe, expect, it } from 'vitest';
import type { TwinContext } from '../context.ts';
import type { Realism } from '../realism.ts';
import type { KObject } from '../store.ts';
import { condition, get, status } from './checks.ts';
import { MIGRATION_ANNOTATION } from './cno.ts';
import { type Controllers, startControllers } from './controllers.ts';
import { makeContext, patch, settle, waitFor } from './harness.ts';
import { NS, seedCluster } from './seed.ts';
import { T } from './types.ts';

let controllers: Controllers | undefined;
afterEach(() => controllers?.stop());

const NODES = [{ name: 'master-0' }, { name: 'master-1' }, { name: 'master-2' }, { name: 'worker-0' }];

function start(version: string, realism: Partial<Realism> = {}, paused = false): TwinContext {
  const ctx = makeContext({
    version,
    nodes: NODES,
    podsPerNode: 1,
    timing: { rebootSeconds: 20, mcoUpdateSeconds: 10 },
    realism,
    pools: paused
      ? [
          { name: 'master', paused: true },
          { name: 'worker', paused: true },
        ]
      : [],
  });
  seedCluster(ctx);
  controllers = startControllers(ctx);
  return ctx;
}

interface PoolSample {
  t: number;
  spec: string;
  generation: number;
  observed: number;
  updated?: string;
  updating?: string;
  message?: string;
}

function sample(pool: KObject): PoolSample {
  const st = status(pool);
  return {
    t: performance.now(),
    spec: (pool.spec as { configuration: { name: string } }).configuration.name,
    generation: pool.metadata.generation ?? 0,
    observed: Number(st.observedGeneration ?? 0),
    updated: condition(pool, 'Updated')?.status,
    updating: condition(pool, 'Updating')?.status,
    message: condition(pool, 'Updating')?.message,
  };
}

/** Every state of pool `name` as a watcher sees it, from now on. */
function recordPool(ctx: TwinContext, name: string): PoolSample[] {
  const seen = [sample(get(ctx, T.pool, name))];
  ctx.store.subscribe((e) => {
    if (e.resource === T.pool && e.object.metadata.name === name) seen.push(sample(e.object));
  });
  return seen;
}

const startMigration414 = (ctx: TwinContext) =>
  patch(ctx, T.networkOperator, 'cluster', (o) => {
    (o.spec as { migration: unknown }).migration = { networkType: 'OVNKubernetes' };
  });

describe('controller latency', () => {
  it('MCO: after the change the pool reports its old Updated=True, Updating=False, observedGeneration for a while', async () => {
    const ctx = start('4.14.12', { mcoReactionSeconds: 30, operatorFlapping: false });
    const seen = recordPool(ctx, 'worker');
    const before = seen[0];
    startMigration414(ctx);
    await waitFor('worker Updating=True', () => seen.some((s) => s.updating === 'True'));
    // The render controller pointed the pool at the new config while the status still said
    // "Updated, not Updating, generation observed" of the old spec.
    const stale = seen.filter(
      (s) => s.spec !== before.spec && s.updated === 'True' && s.updating === 'False',
    );
    expect(stale.length).toBeGreaterThan(0);
    expect(stale.every((s) => s.observed < s.generation)).toBe(true);
    const firstUpdating = seen.find((s) => s.updating === 'True')!;
    const changedAt = seen.find((s) => s.spec !== before.spec)!.t;
    expect(firstUpdating.t - changedAt).toBeGreaterThanOrEqual(ctx.clock.toMs(30) * 0.8);
    expect(firstUpdating.observed).toBe(firstUpdating.generation);
    // ...and the spec itself changed only a reaction time after the migration was accepted.
    await waitFor('rolled out', () => seen.at(-1)!.updated === 'True' && seen.at(-1)!.spec !== before.spec);
  });

  it('mcoReactionSeconds 0: the pool is Updating as soon as it has a new config', async () => {
    const ctx = start('4.14.12', { mcoReactionSeconds: 0, operatorFlapping: false });
    const seen = recordPool(ctx, 'worker');
    startMigration414(ctx);
    await waitFor('worker Updating=True', () => seen.some((s) => s.updating === 'True'));
    // The spec write and the status write come from the same reconcile: the next event is Updating.
    const i = seen.findIndex((s) => s.spec !== seen[0].spec);
    expect(seen[i + 1]).toMatchObject({ spec: seen[i].spec, updating: 'True' });
  });

  it('co/network stays Progressing=True until every ovnkube-node pod is Ready', async () => {
    const ctx = start('4.6.21', { ovnkubeNodeReadySeconds: 40, operatorFlapping: false }, true);
    const transitions: { t: number; status: string }[] = [];
    let lastOvnReadyAt = 0;
    ctx.store.subscribe((e) => {
      if (e.resource === T.clusterOperator && e.object.metadata.name === 'network') {
        const s = condition(e.object, 'Progressing')?.status ?? '';
        if (transitions.at(-1)?.status !== s) transitions.push({ t: performance.now(), status: s });
      }
      if (
        e.resource === T.pod &&
        e.object.metadata.namespace === NS.ovn &&
        condition(e.object, 'Ready')?.status === 'True'
      )
        lastOvnReadyAt = performance.now();
    });
    patch(ctx, T.networkOperator, 'cluster', (o) => {
      o.metadata.annotations = { ...o.metadata.annotations, [MIGRATION_ANNOTATION]: '' };
    });
    patch(
      ctx,
      T.networkConfig,
      'cluster',
      (o) => ((o.spec as { networkType: string }).networkType = 'OVNKubernetes'),
    );
    await waitFor(
      'Progressing back to False',
      () => transitions.length >= 2 && transitions.at(-1)!.status === 'False',
    );
    expect(transitions.map((x) => x.status)).toEqual(['True', 'False']);
    const ovnPods = ctx.store.list(T.pod).filter((p) => p.metadata.namespace === NS.ovn);
    expect(ovnPods).toHaveLength(NODES.length);
    expect(ovnPods.every((p) => condition(p, 'Ready')?.status === 'True')).toBe(true);
    expect(transitions[1].t).toBeGreaterThanOrEqual(lastOvnReadyAt);
    expect(transitions[1].t - transitions[0].t).toBeGreaterThanOrEqual(ctx.clock.toMs(40) * 0.8);
  });
});

describe('paused pools', () => {
  it.each([
    ['4.7.60', 'False', /^Pool is paused; will not update to rendered-worker-/],
    ['4.6.21', 'True', /^All nodes are updating to rendered-worker-/],
  ])('%s: a paused pool with a new config reports Updating=%s', async (version, updating, message) => {
    const ctx = start(version, { mcoReactionSeconds: 5, operatorFlapping: false }, true);
    patch(ctx, T.networkOperator, 'cluster', (o) => {
      o.metadata.annotations = { ...o.metadata.annotations, [MIGRATION_ANNOTATION]: '' };
    });
    patch(
      ctx,
      T.networkConfig,
      'cluster',
      (o) => ((o.spec as { networkType: string }).networkType = 'OVNKubernetes'),
    );
    const pool = () => get(ctx, T.pool, 'worker');
    await waitFor('worker not Updated', () => condition(pool(), 'Updated')?.status === 'False');
    expect(condition(pool(), 'Updating')?.status).toBe(updating);
    expect(condition(pool(), 'Updating')?.message).toMatch(message);
    await settle(ctx, 30);
    expect(Number(status(pool()).updatedMachineCount)).toBe(0);
  });
});

describe('operators flap after reboots', () => {
  const health = (ctx: TwinContext, name: string) => {
    const co = get(ctx, T.clusterOperator, name);
    return `${condition(co, 'Progressing')?.status}/${condition(co, 'Degraded')?.status}`;
  };

  it('a master reboot: etcd Degraded while it is down, Progressing after, then all settle one by one', async () => {
    const ctx = start('4.14.12', { flapSeconds: 20 });
    const changes: { t: number; name: string; state: string }[] = [];
    ctx.store.subscribe((e) => {
      if (e.resource !== T.clusterOperator) return;
      const state = `${condition(e.object, 'Progressing')?.status}/${condition(e.object, 'Degraded')?.status}`;
      changes.push({ t: ctx.clock.now(), name: e.object.metadata.name, state });
    });
    controllers!.scheduleReboot('master-0', 0, 'test');
    await waitFor('master-0 down', () => !controllers!.isUp('master-0'));
    expect(health(ctx, 'etcd')).toBe('False/True');
    expect(condition(get(ctx, T.clusterOperator, 'etcd'), 'Degraded')?.message).toContain('master-0');
    expect(health(ctx, 'kube-apiserver')).toBe('False/True');
    expect(health(ctx, 'machine-config')).toBe('False/False');
    await waitFor('master-0 up', () => controllers!.isUp('master-0'));
    expect(health(ctx, 'etcd')).toBe('True/False');
    const flapping = [
      'etcd',
      'kube-apiserver',
      'authentication',
      'openshift-apiserver',
      'console',
      'ingress',
      'dns',
      'monitoring',
    ];
    await waitFor('all settled', () => flapping.every((n) => health(ctx, n) === 'False/False'));
    // They settled at different times: between two settlings the cluster was only partly green.
    const settledAt = flapping.map(
      (n) => changes.filter((c) => c.name === n && c.state === 'False/False').at(-1)!.t,
    );
    expect(new Set(settledAt.map((t) => Math.round(t / 5))).size).toBeGreaterThan(3);
    expect(Math.min(...settledAt)).toBeGreaterThanOrEqual(20 + 20 * 0.8);
  });

  it('kube-apiserver goes Progressing once more after a green gap: one healthy pass is not enough', async () => {
    const ctx = start('4.14.12', { flapSeconds: 20 });
    const states: { t: number; allHealthy: boolean; kas: string }[] = [];
    ctx.store.subscribe((e) => {
      if (e.resource !== T.clusterOperator) return;
      const cos = ctx.store.list(T.clusterOperator);
      const allHealthy = cos.every(
        (co) =>
          condition(co, 'Progressing')?.status === 'False' && condition(co, 'Degraded')?.status === 'False',
      );
      states.push({ t: ctx.clock.now(), allHealthy, kas: health(ctx, 'kube-apiserver') });
    });
    controllers!.scheduleReboot('master-0', 0, 'test');
    const waves = () =>
      states
        .map((s) => s.kas)
        .filter((k, i, all) => i === 0 || all[i - 1] !== k)
        .filter((k, i) => i > 0 || k !== 'False/False');
    await waitFor('the second wave to end', () => waves().length >= 5, 20_000);
    const kas = waves();
    expect(kas).toEqual(['False/True', 'True/False', 'False/False', 'True/False', 'False/False']);
    // Between the waves every operator was healthy for a while: a single pass there would pass.
    const firstUnhealthy = states.findIndex((s) => !s.allHealthy);
    const gapStart = states.findIndex((s, i) => s.allHealthy && i > firstUnhealthy);
    expect(gapStart).toBeGreaterThan(0);
    expect(states.slice(gapStart).some((s) => !s.allHealthy)).toBe(true);
  });

  it('operatorFlapping: false leaves the other operators alone', async () => {
    const ctx = start('4.14.12', { operatorFlapping: false });
    const touched: string[] = [];
    ctx.store.subscribe((e) => {
      if (e.resource === T.clusterOperator) touched.push(e.object.metadata.name);
    });
    controllers!.scheduleReboot('master-0', 0, 'test');
    await waitFor(
      'master-0 back',
      () => controllers!.rebootCount('master-0') === 1 && controllers!.isUp('master-0'),
    );
    await settle(ctx, 40);
    expect(touched.filter((n) => n !== 'network')).toEqual([]);
  });
});
