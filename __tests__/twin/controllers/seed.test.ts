// The seeded cluster: objects shaped like a real cluster's, consistent with the scenario, and fast
// enough to build at scale.
import { afterEach, describe, expect, it } from 'vitest';
import { MC_ANNOTATION } from './builders.ts';
import { condition, execStartOf, get, status } from './checks.ts';
import { type Controllers, startControllers } from './controllers.ts';
import { makeContext, settle } from './harness.ts';
import { seedCluster } from './seed.ts';
import { T } from './types.ts';

let controllers: Controllers | undefined;
afterEach(() => controllers?.stop());

describe('seedCluster', () => {
  it('builds a 4.6 SDN cluster as the installer leaves it', () => {
    const ctx = makeContext({
      version: '4.6.21',
      nodes: [
        { name: 'master-0', addresses: ['127.0.9.2', '::1'] },
        { name: 'master-1' },
        { name: 'master-2' },
        { name: 'worker-0', mtu: 9000 },
        { name: 'worker-1', ready: false },
        { name: 'infra-0', pool: 'infra' },
      ],
      pools: [{ name: 'infra', maxUnavailable: 2, paused: true }],
      podsPerNode: 4,
    });
    seedCluster(ctx);

    const netConfig = get(ctx, T.networkConfig, 'cluster');
    expect(netConfig.spec).toMatchObject({ networkType: 'OpenShiftSDN', serviceNetwork: ['172.30.0.0/16'] });
    expect(status(netConfig)).toMatchObject({
      networkType: 'OpenShiftSDN',
      clusterNetworkMTU: 1450,
      clusterNetwork: [{ cidr: '10.128.0.0/14', hostPrefix: 23 }],
    });
    const op = get(ctx, T.networkOperator, 'cluster');
    expect((op.spec as { defaultNetwork: unknown }).defaultNetwork).toEqual({
      type: 'OpenShiftSDN',
      openshiftSDNConfig: { mode: 'NetworkPolicy', mtu: 1450, vxlanPort: 4789 },
    });
    expect(condition(op, 'Available')?.status).toBe('True');
    const cv = get(ctx, T.clusterVersion, 'version');
    expect(status(cv)).toMatchObject({
      desired: { version: '4.6.21' },
      history: [{ state: 'Completed', version: '4.6.21' }],
    });
    expect(status(get(ctx, T.infrastructure, 'cluster'))).toMatchObject({
      platform: 'BareMetal',
      platformStatus: { type: 'BareMetal' },
      controlPlaneTopology: 'HighlyAvailable',
    });
    const cos = ctx.store.list(T.clusterOperator);
    expect(cos.length).toBe(ctx.scenario.clusterOperators.length);
    for (const co of cos) {
      for (const type of ['Available', 'Progressing', 'Degraded', 'Upgradeable'])
        expect(condition(co, type)).toMatchObject({
          lastTransitionTime: expect.any(String),
          reason: expect.any(String),
        });
      expect(status(co).versions).toEqual([{ name: 'operator', version: '4.6.21' }]);
    }

    // Pools, base and rendered configs.
    const infra = get(ctx, T.pool, 'infra');
    expect(infra.spec).toMatchObject({
      paused: true,
      maxUnavailable: 2,
      nodeSelector: { matchLabels: { 'node-role.kubernetes.io/infra': '' } },
      machineConfigSelector: { matchLabels: { 'machineconfiguration.openshift.io/role': 'infra' } },
    });
    const rendered = (infra.spec as { configuration: { name: string } }).configuration.name;
    expect(rendered).toMatch(/^rendered-infra-[0-9a-f]{32}$/);
    expect(execStartOf(ctx, rendered)).toBe('ExecStart=/usr/local/bin/configure-ovs.sh OpenShiftSDN');
    expect(get(ctx, T.machineConfig, '00-infra')).toBeDefined();
    expect(status(infra)).toMatchObject({
      machineCount: 1,
      updatedMachineCount: 1,
      configuration: { name: rendered },
    });
    const worker = get(ctx, T.pool, 'worker');
    expect(status(worker)).toMatchObject({
      machineCount: 2,
      readyMachineCount: 1,
      unavailableMachineCount: 1,
      degradedMachineCount: 0,
    });
    expect(condition(worker, 'Updated')?.status).toBe('True');
    expect(condition(worker, 'Degraded')?.status).toBe('False');
    expect(
      ctx.store
        .list(T.machineConfig)
        .map((m) => m.metadata.name)
        .filter((n) => n.startsWith('rendered-')),
    ).toHaveLength(3);
    const mcOwner = (get(ctx, T.machineConfig, rendered).metadata.ownerReferences as { uid: string }[])[0];
    expect(mcOwner.uid).toBe(infra.metadata.uid);

    // Nodes.
    const m0 = get(ctx, T.node, 'master-0');
    expect(m0.metadata.labels).toMatchObject({
      'kubernetes.io/hostname': 'master-0',
      'node-role.kubernetes.io/master': '',
      'node-role.kubernetes.io/control-plane': '',
    });
    expect(status(m0).addresses).toEqual([
      { type: 'InternalIP', address: '127.0.9.2' },
      { type: 'InternalIP', address: '::1' },
      { type: 'Hostname', address: 'master-0' },
    ]);
    expect((status(m0).nodeInfo as { bootID: string; kubeletVersion: string }).bootID).toMatch(
      /^[0-9a-f-]{36}$/,
    );
    expect((status(m0).nodeInfo as { kubeletVersion: string }).kubeletVersion).toMatch(/^v1\.19\./);
    expect(m0.metadata.annotations).toMatchObject({
      [MC_ANNOTATION.state]: 'Done',
      [MC_ANNOTATION.reason]: '',
      [MC_ANNOTATION.current]: (get(ctx, T.pool, 'master').spec as { configuration: { name: string } })
        .configuration.name,
    });
    expect(condition(m0, 'Ready')?.status).toBe('True');
    expect(condition(get(ctx, T.node, 'worker-1'), 'Ready')?.status).toBe('False');
    expect(get(ctx, T.node, 'infra-0').metadata.labels?.['node-role.kubernetes.io/infra']).toBe('');

    // Namespaces, daemonsets, pods.
    for (const ns of [
      'openshift-sdn',
      'openshift-multus',
      'openshift-machine-config-operator',
      'openshift-network-operator',
      'workloads',
      'default',
      'kube-system',
    ])
      expect(status(get(ctx, T.namespace, ns)).phase).toBe('Active');
    expect(ctx.store.get(T.namespace, undefined, 'openshift-ovn-kubernetes')).toBeUndefined();
    for (const [ns, name] of [
      ['openshift-multus', 'multus'],
      ['openshift-sdn', 'sdn'],
      ['openshift-machine-config-operator', 'machine-config-daemon'],
    ]) {
      expect(status(get(ctx, T.daemonSet, name, ns))).toEqual({
        currentNumberScheduled: 6,
        desiredNumberScheduled: 6,
        numberAvailable: 6,
        numberMisscheduled: 0,
        numberReady: 6,
        observedGeneration: 1,
        updatedNumberScheduled: 6,
      });
    }
    const mcdPods = ctx.store
      .list(T.pod, 'openshift-machine-config-operator')
      .filter((p) => /^machine-config-daemon-[a-z0-9]{5}$/.test(p.metadata.name));
    expect(mcdPods).toHaveLength(6);
    expect((mcdPods[0].spec as { containers: unknown[] }).containers).toHaveLength(2);
    expect(status(mcdPods[0])).toMatchObject({
      phase: 'Running',
      containerStatuses: [{ ready: true, state: { running: {} } }, { ready: true }],
    });
    const mcdOnM0 = mcdPods.find((p) => (p.spec as { nodeName: string }).nodeName === 'master-0')!;
    const log = ctx.podLogs.get(`openshift-machine-config-operator/${mcdOnM0.metadata.name}`)!.join('\n');
    expect(log).toContain('Starting MachineConfigDaemon');
    expect(log).toMatch(
      /Update completed for config rendered-master-[0-9a-f]{32} and node has been successfully uncordoned/,
    );
    expect(log).toMatch(/In desired config rendered-master-[0-9a-f]{32}/);
    expect(
      ctx.store.list(T.pod, 'openshift-multus').every((p) => /^multus-[a-z0-9]{5}$/.test(p.metadata.name)),
    ).toBe(true);
    expect(ctx.store.list(T.pod, 'workloads')).toHaveLength(6 * 4);
    const mcc = ctx.store
      .list(T.pod, 'openshift-machine-config-operator')
      .filter((p) => p.metadata.name.startsWith('machine-config-controller-'));
    expect(mcc).toHaveLength(1);
    expect(ctx.store.list(T.hostSubnet)).toHaveLength(6);
    expect(get(ctx, T.netNamespace, 'workloads')).toBeDefined();
  });

  it('4.16 on SDN is not upgradeable; a degraded pool starts degraded', () => {
    const ctx = makeContext({
      version: '4.16.3',
      nodes: [{ name: 'master-0' }, { name: 'worker-0' }, { name: 'worker-1' }],
      pools: [{ name: 'worker', degraded: 'disk full' }],
    });
    seedCluster(ctx);
    expect(condition(get(ctx, T.clusterOperator, 'network'), 'Upgradeable')).toMatchObject({
      status: 'False',
      reason: 'OpenShiftSDNConfigured',
    });
    const worker = get(ctx, T.pool, 'worker');
    expect(condition(worker, 'Degraded')?.status).toBe('True');
    expect(status(worker).degradedMachineCount).toBe(1);
    expect(get(ctx, T.node, 'worker-0').metadata.annotations?.[MC_ANNOTATION.state]).toBe('Degraded');
  });

  it('seeds an OVN cluster with OVN objects', () => {
    const ctx = makeContext({
      version: '4.14.12',
      nodes: [{ name: 'master-0' }],
      network: { type: 'OVNKubernetes', mtu: 1400 },
    });
    seedCluster(ctx);
    expect(
      (get(ctx, T.networkOperator, 'cluster').spec as { defaultNetwork: unknown }).defaultNetwork,
    ).toEqual({
      type: 'OVNKubernetes',
      ovnKubernetesConfig: { mtu: 1400, genevePort: 6081 },
    });
    expect(get(ctx, T.daemonSet, 'ovnkube-node', 'openshift-ovn-kubernetes')).toBeDefined();
    expect(ctx.store.get(T.namespace, undefined, 'openshift-sdn')).toBeUndefined();
    expect(ctx.store.list(T.hostSubnet)).toEqual([]);
    const rendered = (get(ctx, T.pool, 'master').spec as { configuration: { name: string } }).configuration
      .name;
    expect(execStartOf(ctx, rendered)).toBe('ExecStart=/usr/local/bin/configure-ovs.sh OVNKubernetes');
  });

  it('seeds 500 nodes (15,000 pods) and the controllers start on it with nothing to do', async () => {
    const ctx = makeContext({
      version: '4.14.12',
      nodeSets: [
        { prefix: 'master-', count: 3, pool: 'master' },
        { prefix: 'worker-', count: 497, pool: 'worker' },
      ],
      podsPerNode: 30,
    });
    const t0 = performance.now();
    seedCluster(ctx);
    const seeded = performance.now() - t0;
    controllers = startControllers(ctx);
    const started = performance.now() - t0;
    console.log(
      `seed 500 nodes / 15,000 pods: ${Math.round(seeded)} ms; with controllers started: ${Math.round(started)} ms`,
    );
    // How fast is measured by the bench (scripts/bench.ts), not asserted: timed assertions fail on a
    // loaded machine for reasons that are not the twin's.
    expect(ctx.store.count(T.node)).toBe(500);
    expect(ctx.store.count(T.pod)).toBe(500 * 30 + 500 * 3 + 3);
    await settle(ctx, 5);
    // Controllers find nothing to do on a healthy seed.
    expect(ctx.timeline.entries.filter((e) => e.actor !== 'seed')).toEqual([]);
  });
});
