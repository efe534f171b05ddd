// The OpenShift 4.8–4.16 offline migration (spec.migration first, MCO rolls the new host
// configuration out, then the network type switch and a reboot of every node), and its rollback.
import { afterEach, describe, expect, it } from 'vitest';
import type { TwinContext } from '../context.ts';
import type { ScenarioInput } from '../scenario.ts';
import { MC_ANNOTATION } from './builders.ts';
import {
  condition,
  execStartOf,
  get,
  multusRolledOut,
  nodeReady,
  nodesSettled,
  podsInError,
  status,
} from './checks.ts';
import { type Controllers, startControllers } from './controllers.ts';
import { makeContext, patch, settle, waitFor } from './harness.ts';
import { seedCluster } from './seed.ts';
import { T } from './types.ts';

let controllers: Controllers | undefined;
afterEach(() => controllers?.stop());

function start(input: ScenarioInput): TwinContext {
  const ctx = makeContext(input);
  seedCluster(ctx);
  controllers = startControllers(ctx);
  return ctx;
}

const NODES = [
  { name: 'master-0' },
  { name: 'master-1' },
  { name: 'master-2' },
  { name: 'worker-0' },
  { name: 'worker-1' },
  { name: 'worker-2' },
];

type Spec = { migration?: { networkType: string } | null; defaultNetwork: Record<string, unknown> };

function migrationStatus(ctx: TwinContext): string | undefined {
  return (status(get(ctx, T.networkConfig, 'cluster')).migration as { networkType?: string } | undefined)
    ?.networkType;
}

function poolConfig(ctx: TwinContext, pool: string): string {
  return (get(ctx, T.pool, pool).spec as { configuration: { name: string } }).configuration.name;
}

describe.each(['4.14.12', '4.16.3'])('OpenShift %s offline migration', (version) => {
  it('runs spec.migration, the MCO rollout, the type switch, reboots and cleanup', async () => {
    const ctx = start({ version, nodes: NODES, podsPerNode: 2 });
    const c = controllers!;
    const nodes = NODES.map((n) => n.name);
    const upgradeable = condition(get(ctx, T.clusterOperator, 'network'), 'Upgradeable');
    if (version.startsWith('4.16')) {
      expect(upgradeable?.status).toBe('False');
      expect(upgradeable?.reason).toBe('OpenShiftSDNConfigured');
    } else expect(upgradeable?.status).toBe('True');

    // 2. clear a stale migration, 3. start this one.
    patch(ctx, T.networkOperator, 'cluster', (o) => ((o.spec as Spec).migration = null));
    patch(
      ctx,
      T.networkOperator,
      'cluster',
      (o) => ((o.spec as Spec).migration = { networkType: 'OVNKubernetes' }),
    );
    await waitFor('status.migration', () => migrationStatus(ctx) === 'OVNKubernetes');
    // MCO renders the OVN host configuration and rolls it out: one reboot per node.
    await waitFor(
      'master pool updating',
      () => condition(get(ctx, T.pool, 'master'), 'Updating')?.status === 'True',
    );
    expect(execStartOf(ctx, poolConfig(ctx, 'worker'))).toBe(
      'ExecStart=/usr/local/bin/configure-ovs.sh OVNKubernetes',
    );
    // Never more than maxUnavailable (1) worker away at once: watched on every node change.
    let worst = 0;
    const away = new Set<string>();
    const unwatch = ctx.store.subscribe((e) => {
      if (e.resource !== T.node || !e.object.metadata.name.startsWith('worker')) return;
      const gone = !nodeReady(e.object) || e.object.metadata.annotations![MC_ANNOTATION.state] !== 'Done';
      if (gone) away.add(e.object.metadata.name);
      else away.delete(e.object.metadata.name);
      worst = Math.max(worst, away.size);
    });
    await waitFor(
      'rollout done',
      () =>
        nodesSettled(ctx) &&
        ['master', 'worker'].every((p) => condition(get(ctx, T.pool, p), 'Updated')?.status === 'True'),
    );
    unwatch();
    expect(worst).toBe(1);
    for (const n of nodes) expect(c.rebootCount(n)).toBe(1);
    expect(status(get(ctx, T.networkConfig, 'cluster')).networkType).toBe('OpenShiftSDN');
    expect(podsInError(ctx)).toEqual([]);

    // 6. switch the type: honoured now.
    patch(
      ctx,
      T.networkConfig,
      'cluster',
      (o) => ((o.spec as { networkType: string }).networkType = 'OVNKubernetes'),
    );
    await waitFor(
      'status.networkType',
      () => status(get(ctx, T.networkConfig, 'cluster')).networkType === 'OVNKubernetes',
    );
    await waitFor('multus rollout', () => multusRolledOut(ctx));
    await waitFor('pods in error', () => podsInError(ctx).length > 0);
    // 7. reboot every node.
    for (const n of nodes) c.scheduleReboot(n, 60, 'chroot /rootfs shutdown -r +1');
    await waitFor('every node rebooted twice and Ready', () =>
      nodes.every((n) => c.rebootCount(n) === 2 && c.isUp(n) && nodeReady(get(ctx, T.node, n))),
    );
    expect(nodesSettled(ctx)).toBe(true);
    expect(podsInError(ctx)).toEqual([]);
    const ok = condition(get(ctx, T.clusterOperator, 'network'), 'Upgradeable');
    expect(ok?.status).toBe('True');
    await waitFor(
      'co/network settles',
      () => condition(get(ctx, T.clusterOperator, 'network'), 'Progressing')?.status === 'False',
    );
    expect(condition(get(ctx, T.clusterOperator, 'network'), 'Degraded')?.status).toBe('False');

    // 9. cleanup changes no host configuration: no further rollout, no reboot.
    const configs = ['master', 'worker'].map((p) => poolConfig(ctx, p));
    patch(ctx, T.networkOperator, 'cluster', (o) => {
      const spec = o.spec as Spec;
      spec.migration = null;
      spec.defaultNetwork.openshiftSDNConfig = null;
    });
    ctx.store.delete(T.namespace, undefined, 'openshift-sdn', 'client:admin');
    await waitFor('status.migration cleared', () => migrationStatus(ctx) === undefined);
    await waitFor('openshift-sdn gone', () => !ctx.store.get(T.namespace, undefined, 'openshift-sdn'));
    await settle(ctx, 60);
    expect(['master', 'worker'].map((p) => poolConfig(ctx, p))).toEqual(configs);
    for (const n of nodes) expect(c.rebootCount(n)).toBe(2);
    expect(status(get(ctx, T.networkConfig, 'cluster')).networkType).toBe('OVNKubernetes');
  });
});

describe('OpenShift 4.14 rollback to OpenShift SDN', () => {
  it('runs the documented rollback', async () => {
    const ctx = start({ version: '4.14.12', nodes: NODES, network: { type: 'OVNKubernetes', mtu: 1400 } });
    const c = controllers!;
    const nodes = NODES.map((n) => n.name);
    expect(ctx.store.get(T.namespace, undefined, 'openshift-sdn')).toBeUndefined();
    for (const p of ['master', 'worker'])
      patch(ctx, T.pool, p, (o) => ((o.spec as { paused: boolean }).paused = true));
    patch(ctx, T.networkOperator, 'cluster', (o) => ((o.spec as Spec).migration = null));
    patch(
      ctx,
      T.networkOperator,
      'cluster',
      (o) => ((o.spec as Spec).migration = { networkType: 'OpenShiftSDN' }),
    );
    await waitFor('status.migration', () => migrationStatus(ctx) === 'OpenShiftSDN');
    patch(
      ctx,
      T.networkConfig,
      'cluster',
      (o) => ((o.spec as { networkType: string }).networkType = 'OpenShiftSDN'),
    );
    await waitFor(
      'status.networkType',
      () => status(get(ctx, T.networkConfig, 'cluster')).networkType === 'OpenShiftSDN',
    );
    expect(get(ctx, T.daemonSet, 'sdn', 'openshift-sdn')).toBeDefined();
    expect(status(get(ctx, T.networkConfig, 'cluster')).clusterNetworkMTU).toBe(1450);
    for (const n of nodes) c.scheduleReboot(n, 1, 'sudo shutdown -r now');
    await waitFor('multus rollout', () => multusRolledOut(ctx));
    await waitFor('nodes back', () =>
      nodes.every((n) => c.rebootCount(n) === 1 && nodeReady(get(ctx, T.node, n))),
    );
    expect(nodes.every((n) => c.rebootCount(n) === 1)).toBe(true);
    for (const p of ['master', 'worker'])
      patch(ctx, T.pool, p, (o) => ((o.spec as { paused: boolean }).paused = false));
    await waitFor('nodes settled', () => nodesSettled(ctx) && nodes.every((n) => c.rebootCount(n) === 2));
    for (const n of ctx.store.list(T.node))
      expect(execStartOf(ctx, n.metadata.annotations![MC_ANNOTATION.current])).toBe(
        'ExecStart=/usr/local/bin/configure-ovs.sh OpenShiftSDN',
      );
    expect(podsInError(ctx)).toEqual([]);
    ctx.store.delete(T.namespace, undefined, 'openshift-ovn-kubernetes', 'client:admin');
    await waitFor(
      'openshift-ovn-kubernetes gone',
      () => !ctx.store.get(T.namespace, undefined, 'openshift-ovn-kubernetes'),
    );
  });
});
