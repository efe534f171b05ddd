// The OpenShift 4.5–4.7 offline migration (annotation, paused pools, manual reboots) driven straight
// against the controllers, step by step as the documented procedure runs it.
import { afterEach, describe, expect, it } from 'vitest';
import type { TwinContext } from '../context.ts';
import { MC_ANNOTATION } from './builders.ts';
import {
  bootID,
  condition,
  execStartOf,
  get,
  multusRolledOut,
  nodeReady,
  nodesSettled,
  podsInError,
  status,
} from './checks.ts';
import { MIGRATION_ANNOTATION } from './cno.ts';
import { type Controllers, startControllers } from './controllers.ts';
import { makeContext, patch, waitFor } from './harness.ts';
import { seedCluster } from './seed.ts';
import { T } from './types.ts';

const SCENARIO = {
  version: '4.6.21',
  nodes: [
    { name: 'master-0' },
    { name: 'master-1' },
    { name: 'master-2' },
    { name: 'worker-0' },
    { name: 'worker-1' },
    { name: 'infra-0', pool: 'infra' },
  ],
  pools: [{ name: 'infra' }],
  podsPerNode: 3,
};

let controllers: Controllers | undefined;
afterEach(() => controllers?.stop());

function start(): TwinContext {
  const ctx = makeContext(SCENARIO);
  seedCluster(ctx);
  controllers = startControllers(ctx);
  return ctx;
}

describe('OpenShift 4.6 offline migration', () => {
  it('runs the documented procedure to OVN-Kubernetes', async () => {
    const ctx = start();
    const c = controllers!;
    const nodes = ctx.scenario.nodes.map((n) => n.name);
    const pools = ['master', 'worker', 'infra'];
    const initialConfigs = new Map(
      pools.map((p) => [
        p,
        (get(ctx, T.pool, p).spec as { configuration: { name: string } }).configuration.name,
      ]),
    );
    expect(execStartOf(ctx, initialConfigs.get('worker')!)).toBe(
      'ExecStart=/usr/local/bin/configure-ovs.sh OpenShiftSDN',
    );

    // 2. annotate, 3. pause every pool, 4. switch the network type.
    patch(ctx, T.networkOperator, 'cluster', (o) => {
      o.metadata.annotations = { ...o.metadata.annotations, [MIGRATION_ANNOTATION]: '' };
    });
    for (const p of pools) patch(ctx, T.pool, p, (o) => ((o.spec as { paused: boolean }).paused = true));
    patch(
      ctx,
      T.networkConfig,
      'cluster',
      (o) => ((o.spec as { networkType: string }).networkType = 'OVNKubernetes'),
    );

    // 6. CNO honours it: status follows, OVN namespace and daemonset appear, multus rolls out.
    await waitFor(
      'status.networkType OVNKubernetes',
      () => status(get(ctx, T.networkConfig, 'cluster')).networkType === 'OVNKubernetes',
    );
    expect(get(ctx, T.daemonSet, 'ovnkube-node', 'openshift-ovn-kubernetes')).toBeDefined();
    expect(ctx.store.get(T.daemonSet, 'openshift-sdn', 'sdn')).toBeUndefined();
    expect(
      (get(ctx, T.networkOperator, 'cluster').spec as { defaultNetwork: { type: string } }).defaultNetwork
        .type,
    ).toBe('OVNKubernetes');
    const multusBefore = new Set(ctx.store.list(T.pod, 'openshift-multus').map((p) => p.metadata.name));
    await waitFor('multus rollout', () => multusRolledOut(ctx));
    const multusAfter = ctx.store.list(T.pod, 'openshift-multus').map((p) => p.metadata.name);
    expect(multusAfter).toHaveLength(nodes.length);
    expect(multusAfter.filter((n) => multusBefore.has(n))).toEqual([]);
    expect(condition(get(ctx, T.clusterOperator, 'network'), 'Degraded')?.status).toBe('False');

    // MCO rendered new configs, but the paused pools moved no node.
    await waitFor('new rendered configs', () =>
      pools.every(
        (p) =>
          (get(ctx, T.pool, p).spec as { configuration: { name: string } }).configuration.name !==
          initialConfigs.get(p),
      ),
    );
    for (const n of ctx.store.list(T.node))
      expect(n.metadata.annotations?.[MC_ANNOTATION.desired]).toBe(
        initialConfigs.get(ctx.scenario.nodes.find((s) => s.name === n.metadata.name)!.pool),
      );
    expect(condition(get(ctx, T.pool, 'worker'), 'Updated')?.status).toBe('False');

    // Workload pods lost their network until their node reboots.
    await waitFor('pods in error', () => podsInError(ctx).length === nodes.length * 3 + 2);

    // 7. reboot every node.
    const boots = new Map(nodes.map((n) => [n, bootID(get(ctx, T.node, n))]));
    const notReadyWhileDown: boolean[] = [];
    c.onNodeStateChange((n, up) => {
      if (!up) notReadyWhileDown.push(!nodeReady(get(ctx, T.node, n)) && !c.isUp(n));
    });
    for (const n of nodes) c.scheduleReboot(n, 3, 'sudo shutdown -r -t 3');
    await waitFor('all nodes went down', () => notReadyWhileDown.length === nodes.length);
    expect(notReadyWhileDown.every(Boolean)).toBe(true);
    await waitFor('all nodes back', () => nodes.every((n) => c.isUp(n) && nodeReady(get(ctx, T.node, n))));
    for (const n of nodes) {
      expect(c.rebootCount(n)).toBe(1);
      expect(bootID(get(ctx, T.node, n))).not.toBe(boots.get(n));
    }
    expect(podsInError(ctx)).toEqual([]);

    // 8. unpause: MCO reboots every node once more, one per pool at a time.
    for (const p of pools) patch(ctx, T.pool, p, (o) => ((o.spec as { paused: boolean }).paused = false));
    await waitFor(
      'worker pool updating',
      () => condition(get(ctx, T.pool, 'worker'), 'Updating')?.status === 'True',
    );
    await waitFor('nodes settled', () => nodesSettled(ctx) && nodes.every((n) => c.rebootCount(n) === 2));

    // 9. verify as the document does.
    for (const n of ctx.store.list(T.node)) {
      const current = n.metadata.annotations![MC_ANNOTATION.current];
      expect(execStartOf(ctx, current)).toBe('ExecStart=/usr/local/bin/configure-ovs.sh OVNKubernetes');
    }
    for (const p of pools) {
      await waitFor(`pool ${p} Updated`, () => condition(get(ctx, T.pool, p), 'Updated')?.status === 'True');
      const s = status(get(ctx, T.pool, p));
      expect(s.updatedMachineCount).toBe(s.machineCount);
      expect(s.readyMachineCount).toBe(s.machineCount);
    }
    expect(status(get(ctx, T.pool, 'infra')).machineCount).toBe(1);
    expect(status(get(ctx, T.networkConfig, 'cluster')).networkType).toBe('OVNKubernetes');
    expect(status(get(ctx, T.networkConfig, 'cluster')).clusterNetworkMTU).toBe(1400);
    expect(podsInError(ctx)).toEqual([]);
    const mcd = ctx.store
      .list(T.pod, 'openshift-machine-config-operator')
      .find(
        (p) =>
          p.metadata.name.startsWith('machine-config-daemon-') &&
          (p.spec as { nodeName: string }).nodeName === 'worker-1',
      )!;
    const log = ctx.podLogs.get(`openshift-machine-config-operator/${mcd.metadata.name}`)!.join('\n');
    const workerConfig = (get(ctx, T.pool, 'worker').spec as { configuration: { name: string } })
      .configuration.name;
    expect(log).toContain(
      `Update completed for config ${workerConfig} and node has been successfully uncordoned`,
    );
    expect(log).toContain(`In desired config ${workerConfig}`);

    // Reboots show in the timeline with both boot IDs.
    const reboots = ctx.timeline.entries.filter((e) => e.actor === 'kubelet' && e.verb === 'reboot');
    expect(reboots).toHaveLength(nodes.length * 2);
    expect(reboots[0].change).toMatch(/^bootID [0-9a-f-]{36} → [0-9a-f-]{36}$/);

    // 10. cleanup.
    patch(ctx, T.networkOperator, 'cluster', (o) => {
      delete o.metadata.annotations![MIGRATION_ANNOTATION];
    });
    ctx.store.delete(T.namespace, undefined, 'openshift-sdn', 'client:admin');
    expect(status(get(ctx, T.namespace, 'openshift-sdn')).phase).toBe('Terminating');
    await waitFor('openshift-sdn gone', () => !ctx.store.get(T.namespace, undefined, 'openshift-sdn'));
    expect(ctx.store.list(T.pod, 'openshift-sdn')).toEqual([]);
    expect(status(get(ctx, T.networkConfig, 'cluster')).networkType).toBe('OVNKubernetes');
  });
});
