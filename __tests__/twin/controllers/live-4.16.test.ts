// The 4.15–4.16 limited live migration in the twin's network operator (cno-live.ts): the steps and
// conditions in the order the real operator takes them, MCO rebooting every node exactly twice, the
// operator's refusals for each blocker, a paused pool stalling it, and the live rollback.
import { afterEach, describe, expect, it } from 'vitest';
import type { TwinContext } from '../context.ts';
import type { ScenarioInput } from '../scenario.ts';
import type { KObject } from '../store.ts';
import { condition, execStartOf, get, nodesSettled, podsInError, status } from './checks.ts';
import { INVALID_CONFIG_REASON } from './cno.ts';
import { INVALID_CLUSTER_CONFIG, LIVE_MIGRATION_ANNOTATION, MIGRATION_FAILED } from './cno-live.ts';
import { REFUSAL } from './cno-live-validate.ts';
import { type Controllers, startControllers } from './controllers.ts';
import { CLIENT, makeContext, patch, settle, waitFor } from './harness.ts';
import { seedCluster } from './seed.ts';
import { seedInventory } from './seed-inventory.ts';
import { T } from './types.ts';
import type { Condition } from './util.ts';

let controllers: Controllers | undefined;
afterEach(() => controllers?.stop());

const NODES = [
  { name: 'master-0' },
  { name: 'master-1' },
  { name: 'master-2' },
  { name: 'worker-0' },
  { name: 'worker-1' },
  { name: 'worker-2' },
];

function start(input: Partial<ScenarioInput> & { version?: string }): TwinContext {
  const ctx = makeContext({ version: '4.16.20', nodes: NODES, ...input });
  seedCluster(ctx);
  seedInventory(ctx);
  controllers = startControllers(ctx);
  return ctx;
}

/** The documented trigger: one merge patch with the annotation and the target type. */
function trigger(ctx: TwinContext, target: string): void {
  patch(ctx, T.networkConfig, 'cluster', (o) => {
    (o.metadata.annotations ??= {})[LIVE_MIGRATION_ANNOTATION] = '';
    (o.spec as { networkType: string }).networkType = target;
  });
}

const conditions = (ctx: TwinContext) =>
  (status(get(ctx, T.networkConfig, 'cluster')).conditions ?? []) as Condition[];
const cond = (ctx: TwinContext, type: string) => conditions(ctx).find((c) => c.type === type);
const networkType = (ctx: TwinContext) => status(get(ctx, T.networkConfig, 'cluster')).networkType;
const done = (ctx: TwinContext) => {
  const c = cond(ctx, 'NetworkTypeMigrationInProgress');
  return c?.status === 'False' && c.reason === 'NetworkTypeMigrationCompleted';
};

interface Seen {
  t: number;
  type: string;
  status: string;
  reason?: string;
}

/** Every change of a migration condition on Network.config, in store order, with its virtual time. */
function recordConditions(ctx: TwinContext): Seen[] {
  const seen: Seen[] = [];
  ctx.store.subscribe((e) => {
    if (e.resource !== T.networkConfig) return;
    const before = ((e.previous?.status as { conditions?: Condition[] })?.conditions ?? []) as Condition[];
    for (const c of ((e.object.status as { conditions?: Condition[] }).conditions ?? []) as Condition[]) {
      const old = before.find((b) => b.type === c.type);
      if (old?.status !== c.status || old?.reason !== c.reason)
        seen.push({ t: ctx.clock.now(), type: c.type, status: c.status, reason: c.reason });
    }
  });
  return seen;
}

/** Virtual time of the first MCO-driven reboot of each node after `from`, per boot. */
function reboots(ctx: TwinContext): { t: number; node: string }[] {
  return ctx.timeline.entries
    .filter((e) => e.actor === 'kubelet' && e.verb === 'reboot')
    .map((e) => ({ t: e.t, node: e.object.replace('Node/', '') }));
}

const firstTrue = (seen: Seen[], type: string) => seen.find((s) => s.type === type && s.status === 'True')?.t;

describe.each(['4.15.31', '4.16.20'])('OpenShift %s live migration to OVN-Kubernetes', (version) => {
  it('takes the operator steps in order and MCO reboots every node exactly twice', async () => {
    const ctx = start({
      version,
      sdnFeatures: { egressFirewalls: [{ namespace: 'workloads', name: 'fw' }] },
    });
    const seen = recordConditions(ctx);
    let maxWorkersAway = 0;
    ctx.store.subscribe(() => {
      const away = ctx.store
        .list(T.node)
        .filter((n) => n.metadata.name.startsWith('worker') && !controllers!.isUp(n.metadata.name)).length;
      maxWorkersAway = Math.max(maxWorkersAway, away);
    });
    trigger(ctx, 'OVNKubernetes');
    await waitFor('migration completed', () => done(ctx), 60_000);

    // Order of the operator's steps, as its conditions show them.
    const started = firstTrue(seen, 'NetworkTypeMigrationInProgress')!;
    const cni = firstTrue(seen, 'NetworkTypeMigrationTargetCNIAvailable')!;
    const mtu = firstTrue(seen, 'NetworkTypeMigrationMTUReady')!;
    const inUse = firstTrue(seen, 'NetworkTypeMigrationTargetCNIInUse')!;
    const end = seen.find((s) => s.reason === 'NetworkTypeMigrationCompleted')!.t;
    expect(started).toBeLessThan(cni);
    expect(cni).toBeLessThan(mtu);
    expect(mtu).toBeLessThan(inUse);
    expect(inUse).toBeLessThanOrEqual(end);
    expect(seen.filter((s) => s.type === 'NetworkTypeMigrationInProgress').map((s) => s.status)).toEqual([
      'True',
      'False',
    ]);
    // The first rollout (routable MTU) reboots every node once before the switch, the second after.
    const boots = reboots(ctx);
    expect(
      boots
        .filter((b) => b.t < mtu)
        .map((b) => b.node)
        .sort(),
    ).toEqual(NODES.map((n) => n.name));
    expect(
      boots
        .filter((b) => b.t > mtu && b.t < inUse)
        .map((b) => b.node)
        .sort(),
    ).toEqual(NODES.map((n) => n.name));
    for (const n of NODES) expect(controllers!.rebootCount(n.name), n.name).toBe(2);
    expect(maxWorkersAway).toBe(1); // the pools' maxUnavailable

    // Done: InProgress False Completed, the other four Unknown, the type switched, SDN purged.
    for (const c of conditions(ctx).filter((c) => c.type.startsWith('NetworkTypeMigration')))
      if (c.type !== 'NetworkTypeMigrationInProgress') expect(c.status, c.type).toBe('Unknown');
    expect(networkType(ctx)).toBe('OVNKubernetes');
    expect(status(get(ctx, T.networkConfig, 'cluster')).migration).toBeUndefined();
    expect(status(get(ctx, T.networkConfig, 'cluster')).clusterNetworkMTU).toBe(1400);
    expect(
      (get(ctx, T.networkOperator, 'cluster').spec as { migration?: unknown }).migration,
    ).toBeUndefined();
    expect(ctx.store.get(T.daemonSet, 'openshift-sdn', 'sdn')).toBeUndefined();
    expect(ctx.store.get(T.namespace, undefined, 'openshift-sdn')).toBeDefined(); // CNO never deletes it
    expect(get(ctx, T.daemonSet, 'ovnkube-node', 'openshift-ovn-kubernetes')).toBeDefined();
    expect(nodesSettled(ctx)).toBe(true);
    const current = get(ctx, T.node, 'worker-0').metadata.annotations![
      'machineconfiguration.openshift.io/currentConfig'
    ];
    expect(execStartOf(ctx, current)).toBe('ExecStart=/usr/local/bin/configure-ovs.sh OVNKubernetes');
    expect(podsInError(ctx)).toEqual([]); // no outage: nothing crash-looped
    expect(get(ctx, T.egressFirewall, 'default', 'workloads')).toBeDefined();
    expect(condition(get(ctx, T.clusterOperator, 'network'), 'Degraded')?.status).toBe('False');
    expect(condition(get(ctx, T.clusterOperator, 'network'), 'Upgradeable')?.status).toBe('True');
  });
});

describe('live migration, step by step (4.16)', () => {
  it('shows the MTU step in status.migration, Upgradeable=False and Progressing during it', async () => {
    const ctx = start({});
    const progressing: string[] = [];
    ctx.store.subscribe((e) => {
      if (e.resource === T.clusterOperator && e.object.metadata.name === 'network') {
        const p = condition(e.object, 'Progressing');
        if (p?.status === 'True') progressing.push(p.message ?? '');
      }
    });
    trigger(ctx, 'OVNKubernetes');
    await waitFor(
      'MTU step',
      () => !!(status(get(ctx, T.networkConfig, 'cluster')).migration as { mtu?: unknown })?.mtu,
    );
    expect(status(get(ctx, T.networkConfig, 'cluster')).migration).toEqual({
      networkType: 'OpenShiftSDN',
      mtu: { network: { from: 1450, to: 1400 }, machine: { to: 1500 } },
    });
    const up = condition(get(ctx, T.clusterOperator, 'network'), 'Upgradeable')!;
    expect([up.status, up.reason]).toEqual(['False', 'NetworkMigrationInProgress']);
    // Both plugins run side by side before the switch.
    expect(get(ctx, T.daemonSet, 'sdn', 'openshift-sdn')).toBeDefined();
    expect(get(ctx, T.daemonSet, 'ovnkube-node', 'openshift-ovn-kubernetes')).toBeDefined();
    await waitFor(
      'pools updating',
      () => cond(ctx, 'NetworkTypeMigrationMTUReady')?.reason === 'MachineConfigPoolsUpdating',
    );
    expect(networkType(ctx)).toBe('OpenShiftSDN');
    await waitFor('switch', () => networkType(ctx) === 'OVNKubernetes', 30_000);
    expect(status(get(ctx, T.networkConfig, 'cluster')).migration).toEqual({ networkType: 'OVNKubernetes' });
    await waitFor('migration completed', () => done(ctx), 60_000);
    expect(progressing.some((m) => m.includes('openshift-ovn-kubernetes/ovnkube-node'))).toBe(true);
  });

  it('a degraded pool fails the migration: co/network Degraded NetworkTypeMigrationFailed', async () => {
    const ctx = start({ faults: [{ kind: 'pool-degraded', pool: 'worker', reason: 'failed to drain' }] });
    trigger(ctx, 'OVNKubernetes');
    await waitFor(
      'Degraded',
      () => condition(get(ctx, T.clusterOperator, 'network'), 'Degraded')?.reason === MIGRATION_FAILED,
      30_000,
    );
    const d = condition(get(ctx, T.clusterOperator, 'network'), 'Degraded')!;
    expect(d.message).toBe(
      "Failed to process SDN live migration (MCP is degraded, network type migration cannot proceed). Use 'oc edit network.config.openshift.io cluster' to fix.",
    );
    expect(cond(ctx, 'NetworkTypeMigrationMTUReady')).toMatchObject({
      status: 'False',
      reason: 'MachineConfigPoolDegraded',
      message: 'MachineConfig Pool worker is degraded',
    });
  });
});

/** Controller writes since timeline index `from`, other than co/network and Network.operator status. */
function writesBesidesDegraded(ctx: TwinContext, from: number): string[] {
  return ctx.timeline.entries
    .slice(from)
    .filter((e) => !e.actor.startsWith('client:') && e.actor !== 'operators')
    .map((e) => e.object)
    .filter(
      (o) =>
        o !== 'ClusterOperator.config.openshift.io/network' && o !== 'Network.operator.openshift.io/cluster',
    );
}

const EGRESS_ROUTER: KObject = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: {
    name: 'egress-router',
    namespace: 'egress',
    annotations: { 'pod.network.openshift.io/assign-macvlan': 'true' },
  },
  spec: { containers: [{ name: 'egress-router', image: 'registry.redhat.io/openshift4/ose-egress-router' }] },
  status: { phase: 'Running' },
};

describe('the network operator refuses a live migration it cannot do', () => {
  it.each([
    ['Multitenant isolation mode', { network: { sdnMode: 'Multitenant' as const } }, REFUSAL.multitenant],
    ['an egress router pod', { objects: [EGRESS_ROUTER as never] }, REFUSAL.macvlan],
    ['a hosted control plane', { hostedControlPlane: true }, REFUSAL.hostedControlPlane],
    [
      'a cluster network over the join subnet',
      { network: { clusterNetwork: [{ cidr: '100.64.0.0/14', hostPrefix: 23 }] } },
      'network clusterNetwork(100.64.0.0/14) overlaps with network v4InternalSubnet(100.64.0.0/16)',
    ],
    [
      'a service network over the transit switch subnet',
      { network: { serviceNetwork: ['100.88.0.0/16'] } },
      'network serviceNetwork(100.88.0.0/16) overlaps with network v4InternalTransitSwitchSubnet(100.88.0.0/16)',
    ],
  ])('%s: Degraded InvalidClusterConfig, no step taken', async (_name, input, cause) => {
    const ctx = start(input as Partial<ScenarioInput>);
    const from = ctx.timeline.entries.length;
    trigger(ctx, 'OVNKubernetes');
    const degraded = () => condition(get(ctx, T.clusterOperator, 'network'), 'Degraded');
    await waitFor('Degraded', () => degraded()?.status === 'True');
    expect(degraded()!.reason).toBe(INVALID_CLUSTER_CONFIG);
    expect(degraded()!.message).toBe(
      `The cluster configuration is invalid (${cause}). Use 'oc edit network.config.openshift.io cluster' to fix.`,
    );
    expect(condition(get(ctx, T.networkOperator, 'cluster'), 'Degraded')?.reason).toBe(
      INVALID_CLUSTER_CONFIG,
    );
    await settle(ctx, 120);
    expect(cond(ctx, 'NetworkTypeMigrationInProgress')).toBeUndefined();
    expect(networkType(ctx)).toBe('OpenShiftSDN');
    expect(ctx.store.get(T.namespace, undefined, 'openshift-ovn-kubernetes')).toBeUndefined();
    expect(writesBesidesDegraded(ctx, from)).toEqual([]);
    for (const n of NODES) expect(controllers!.rebootCount(n.name)).toBe(0);
  });

  it('starts once the egress router pod is gone', async () => {
    const ctx = start({ objects: [EGRESS_ROUTER as never] });
    trigger(ctx, 'OVNKubernetes');
    await waitFor(
      'Degraded',
      () => condition(get(ctx, T.clusterOperator, 'network'), 'Degraded')?.status === 'True',
    );
    ctx.store.delete(T.pod, 'egress', 'egress-router', CLIENT);
    await waitFor('started', () => cond(ctx, 'NetworkTypeMigrationInProgress')?.status === 'True');
    expect(condition(get(ctx, T.clusterOperator, 'network'), 'Degraded')?.status).toBe('False');
  });

  it('withdrawing the trigger (annotation and type) clears Degraded', async () => {
    const ctx = start({ network: { sdnMode: 'Multitenant' } });
    trigger(ctx, 'OVNKubernetes');
    const degraded = () => condition(get(ctx, T.clusterOperator, 'network'), 'Degraded');
    await waitFor('Degraded', () => degraded()?.status === 'True');
    patch(ctx, T.networkConfig, 'cluster', (o) => {
      delete o.metadata.annotations![LIVE_MIGRATION_ANNOTATION];
      (o.spec as { networkType: string }).networkType = 'OpenShiftSDN';
    });
    await waitFor('Degraded cleared', () => degraded()?.status === 'False');
    expect(condition(get(ctx, T.networkOperator, 'cluster'), 'Degraded')?.status).toBe('False');
  });

  it('4.14 has no live migration: the annotation is ignored and the type change refused', async () => {
    const ctx = start({ version: '4.14.12' });
    trigger(ctx, 'OVNKubernetes');
    await waitFor(
      'Degraded',
      () => condition(get(ctx, T.clusterOperator, 'network'), 'Degraded')?.status === 'True',
    );
    expect(condition(get(ctx, T.clusterOperator, 'network'), 'Degraded')?.reason).toBe(INVALID_CONFIG_REASON);
    await settle(ctx, 30);
    expect(cond(ctx, 'NetworkTypeMigrationInProgress')).toBeUndefined();
  });
});

describe('a paused pool stalls the live migration', () => {
  it('stops after the unpaused pools rolled, without Degraded; unpausing lets it finish', async () => {
    const ctx = start({ pools: [{ name: 'worker', paused: true }] });
    trigger(ctx, 'OVNKubernetes');
    await waitFor(
      'masters rolled once',
      () => ['master-0', 'master-1', 'master-2'].every((n) => controllers!.rebootCount(n) === 1),
      30_000,
    );
    await settle(ctx, 600);
    expect(cond(ctx, 'NetworkTypeMigrationInProgress')?.status).toBe('True');
    expect(cond(ctx, 'NetworkTypeMigrationMTUReady')).toMatchObject({
      status: 'False',
      reason: 'MachineConfigNotApplied',
    });
    expect(networkType(ctx)).toBe('OpenShiftSDN');
    for (const n of ['worker-0', 'worker-1', 'worker-2']) expect(controllers!.rebootCount(n)).toBe(0);
    for (const n of ['master-0', 'master-1', 'master-2']) expect(controllers!.rebootCount(n)).toBe(1);
    expect(condition(get(ctx, T.clusterOperator, 'network'), 'Degraded')?.status).toBe('False');
    const pool = condition(get(ctx, T.pool, 'worker'), 'Updating')!;
    expect(pool.message).toMatch(/^Pool is paused; will not update to rendered-worker-/);

    patch(ctx, T.pool, 'worker', (o) => ((o.spec as { paused: boolean }).paused = false));
    await waitFor('migration completed', () => done(ctx), 60_000);
    for (const n of NODES) expect(controllers!.rebootCount(n.name), n.name).toBe(2);
  });
});

describe('live rollback to OpenShift SDN', () => {
  it('switches the type before the first rollout, reboots every node twice and purges OVN-Kubernetes', async () => {
    const ctx = start({ network: { type: 'OVNKubernetes', mtu: 1400 } });
    const seen = recordConditions(ctx);
    trigger(ctx, 'OpenShiftSDN');
    await waitFor('migration completed', () => done(ctx), 60_000);
    const mtu = firstTrue(seen, 'NetworkTypeMigrationMTUReady')!;
    const switched = ctx.timeline.entries.find(
      (e) => e.object === 'Network.config.openshift.io/cluster' && e.change.includes('status.networkType'),
    )!;
    expect(switched.t).toBeLessThan(mtu); // before the first rollout, unlike the forward migration
    for (const n of NODES) expect(controllers!.rebootCount(n.name), n.name).toBe(2);
    expect(networkType(ctx)).toBe('OpenShiftSDN');
    expect(status(get(ctx, T.networkConfig, 'cluster')).clusterNetworkMTU).toBe(1450);
    expect(ctx.store.get(T.daemonSet, 'openshift-ovn-kubernetes', 'ovnkube-node')).toBeUndefined();
    expect(ctx.store.get(T.namespace, undefined, 'openshift-ovn-kubernetes')).toBeDefined();
    expect(get(ctx, T.daemonSet, 'sdn', 'openshift-sdn')).toBeDefined();
    const current = get(ctx, T.node, 'master-0').metadata.annotations![
      'machineconfiguration.openshift.io/currentConfig'
    ];
    expect(execStartOf(ctx, current)).toBe('ExecStart=/usr/local/bin/configure-ovs.sh OpenShiftSDN');
  });
});

describe('FeatureGate cluster', () => {
  it.each([
    ['4.14.12', false],
    ['4.15.31', true],
    ['4.16.20', true],
  ])('%s lists NetworkLiveMigration enabled: %s', (version, listed) => {
    const ctx = makeContext({ version, nodes: [{ name: 'master-0' }] });
    seedCluster(ctx);
    const gates = (
      get(ctx, T.featureGate, 'cluster').status as {
        featureGates: { version: string; enabled: { name: string }[] }[];
      }
    ).featureGates;
    expect(gates.map((g) => g.version)).toEqual([version]);
    expect(gates[0].enabled.some((g) => g.name === 'NetworkLiveMigration')).toBe(listed);
  });
});
