// The checks issue 16 adds, each from plain objects: egress-router pods, NMState policies on the primary
// interface, PodDisruptionBudgets, foreign DaemonSets in openshift-sdn, the cluster size, and routes or
// addresses added by hand on the primary interface (parsed from the node probe's `ip -j` output).
import { describe, expect, it } from 'vitest';
import { clusterSizeCheck } from '../../src/checks/preflight/cluster-size.ts';
import { egressRouterCheck } from '../../src/checks/preflight/egress-router.ts';
import { managedInterfaces, nmstatePrimaryCheck } from '../../src/checks/preflight/nmstate-primary.ts';
import { parseDefaultRouteMtu } from '../../src/checks/preflight/node-probe.ts';
import { blocksEviction, pdbEvictionsCheck } from '../../src/checks/preflight/pdb-evictions.ts';
import { primaryExtrasCheck } from '../../src/checks/preflight/primary-extras.ts';
import { sdnDaemonSetsCheck } from '../../src/checks/preflight/sdn-daemonsets.ts';
import type { NodeProbe, PreflightFacts } from '../../src/checks/preflight/types.ts';
import { ClusterError } from '../../src/cluster/errors.ts';
import type { KObject, ListRef } from '../../src/cluster/types.ts';
import { variantB } from '../../src/procedure/variant-b.ts';
import { fakeFacts, node, type FakeFacts } from './preflight-fakes.ts';

/** Facts whose cluster answers list() from `kinds` (by kind); a kind not given is not served (404). */
function withLists(kinds: Record<string, KObject[]>, extra: FakeFacts = {}): PreflightFacts {
  const f = fakeFacts(extra);
  const lists: ListRef[] = [];
  (f.ctx as { cluster: unknown }).cluster = {
    list: async (ref: ListRef) => {
      lists.push(ref);
      const items = kinds[ref.kind];
      if (!items) throw new ClusterError(`${ref.kind} not found`, { status: 404 });
      return { items: items.filter((o) => !ref.namespace || o.metadata.namespace === ref.namespace) };
    },
  };
  return f;
}

const obj = (kind: string, name: string, namespace?: string, rest: Partial<KObject> = {}): KObject => ({
  apiVersion: 'v1',
  kind,
  ...rest,
  metadata: { name, ...(namespace ? { namespace } : {}), ...rest.metadata },
});

describe('egress-router pods', () => {
  it('blocks naming each pod with the assign-macvlan annotation, passes without one', async () => {
    const router = obj('Pod', 'egress-1', 'payments', {
      metadata: { name: 'egress-1', annotations: { 'pod.network.openshift.io/assign-macvlan': 'true' } },
    });
    const r = await egressRouterCheck.run(withLists({ Pod: [router, obj('Pod', 'web', 'payments')] }));
    expect(r).toMatchObject({ ok: false, items: ['payments/egress-1'] });
    expect(r.detail).toMatch(/EgressRouter/);
    expect(egressRouterCheck.severity).toBe('blocking');
    const ok = await egressRouterCheck.run(withLists({ Pod: [obj('Pod', 'web', 'payments')] }));
    expect(ok).toMatchObject({ ok: true, detail: expect.stringContaining('1 pods read') });
  });
});

describe('NodeNetworkConfigurationPolicy on the primary interface', () => {
  const policy = (name: string, interfaces: unknown[]) =>
    obj('NodeNetworkConfigurationPolicy', name, undefined, { spec: { desiredState: { interfaces } } });
  const probes: NodeProbe[] = [{ name: 'worker-0', iface: 'ens3', mtu: 1500 }];

  it('reads interfaces, bridge ports and bond ports a policy manages', () => {
    expect(
      managedInterfaces(
        policy('p', [
          { name: 'br1', type: 'linux-bridge', bridge: { port: [{ name: 'ens4' }] } },
          { name: 'bond0', type: 'bond', 'link-aggregation': { port: ['ens5', 'ens6'] } },
        ]),
      ),
    ).toEqual(['br1', 'ens4', 'bond0', 'ens5', 'ens6']);
  });

  it('passes when NMState is not installed (the kind is not served)', async () => {
    const r = await nmstatePrimaryCheck.run(withLists({}, { probes }));
    expect(r).toEqual({ ok: true, detail: expect.stringMatching(/NMState is not installed/) });
  });

  it('blocks naming the policy and the interface when one manages the primary interface', async () => {
    const f = withLists(
      {
        NodeNetworkConfigurationPolicy: [
          policy('vlan-on-ens4', [{ name: 'ens4.100', type: 'vlan' }]),
          policy('bridge-primary', [
            { name: 'br1', type: 'linux-bridge', bridge: { port: [{ name: 'ens3' }] } },
          ]),
        ],
      },
      { probes },
    );
    const r = await nmstatePrimaryCheck.run(f);
    expect(r).toMatchObject({ ok: false, items: ['policy bridge-primary manages interface ens3'] });
    expect(r.severity).toBeUndefined();
  });

  it('is a warning listing the policies when the primary interface could not be read', async () => {
    const f = withLists(
      { NodeNetworkConfigurationPolicy: [policy('p', [{ name: 'ens3' }])] },
      { probes: undefined },
    );
    expect(await nmstatePrimaryCheck.run(f)).toMatchObject({
      ok: false,
      severity: 'warn',
      items: ['p: ens3'],
    });
  });
});

describe('PodDisruptionBudgets', () => {
  const pdb = (name: string, spec: object, currentHealthy: number) =>
    obj('PodDisruptionBudget', name, 'shop', {
      spec,
      status: { currentHealthy, expectedPods: currentHealthy },
    });

  it('finds the budgets that allow no eviction', () => {
    expect(blocksEviction(pdb('a', { maxUnavailable: 0 }, 3))).toBe('maxUnavailable 0');
    expect(blocksEviction(pdb('b', { minAvailable: 2 }, 2))).toBe('minAvailable 2 with 2 ready pod(s)');
    expect(blocksEviction(pdb('c', { minAvailable: '100%' }, 4))).toBe('minAvailable 100% (4 ready pod(s))');
    expect(blocksEviction(pdb('d', { minAvailable: 1 }, 2))).toBeUndefined();
    expect(blocksEviction(pdb('e', { maxUnavailable: 1 }, 2))).toBeUndefined();
  });

  it('is blocking for procedure B (its MCO rollout drains) and a warning for A', async () => {
    const kinds = {
      PodDisruptionBudget: [pdb('db', { minAvailable: 3 }, 3), pdb('web', { minAvailable: 1 }, 3)],
    };
    const b = await pdbEvictionsCheck.run(withLists(kinds, { variant: variantB }));
    expect(b).toMatchObject({
      ok: false,
      severity: 'blocking',
      items: ['shop/db: minAvailable 3 with 3 ready pod(s)'],
    });
    const a = await pdbEvictionsCheck.run(withLists(kinds));
    expect(a).toMatchObject({ ok: false, severity: 'warn' });
    expect(await pdbEvictionsCheck.run(withLists({ PodDisruptionBudget: [] }))).toMatchObject({ ok: true });
  });
});

describe('DaemonSets in openshift-sdn', () => {
  const owned = obj('DaemonSet', 'sdn', 'openshift-sdn', {
    metadata: {
      name: 'sdn',
      ownerReferences: [
        { apiVersion: 'operator.openshift.io/v1', kind: 'Network', name: 'cluster', uid: 'u' },
      ],
    },
  });
  it('blocks naming a DaemonSet the network operator does not own', async () => {
    const r = await sdnDaemonSetsCheck.run(
      withLists({ DaemonSet: [owned, obj('DaemonSet', 'log-shipper', 'openshift-sdn')] }),
    );
    expect(r).toMatchObject({ ok: false, items: ['openshift-sdn/log-shipper'] });
    expect(r.detail).toMatch(/deleted at cleanup/);
    expect(await sdnDaemonSetsCheck.run(withLists({ DaemonSet: [owned] }))).toMatchObject({ ok: true });
  });
});

describe('cluster size', () => {
  const nodes = (n: number) => Array.from({ length: n }, (_, i) => node(`worker-${i}`));
  it('warns above 500 nodes with the estimate, passes at 500', async () => {
    const big = await clusterSizeCheck.run(fakeFacts({ nodes: nodes(501), pools: [] }));
    expect(big.ok).toBe(false);
    expect(big.detail).toMatch(/^501 nodes, above the 500 .* estimated \d+\.\d h \(/);
    expect(clusterSizeCheck.severity).toBe('warn');
    expect(await clusterSizeCheck.run(fakeFacts({ nodes: nodes(500), pools: [] }))).toMatchObject({
      ok: true,
    });
  });
});

describe('routes and addresses added on the primary interface', () => {
  const stdout = [
    JSON.stringify([{ dst: 'default', gateway: '10.0.0.1', dev: 'ens3', protocol: 'dhcp' }]),
    JSON.stringify([
      { ifname: 'lo', mtu: 65536 },
      { ifname: 'ens3', mtu: 1500 },
    ]),
    JSON.stringify([
      { dst: 'default', gateway: '10.0.0.1', dev: 'ens3', protocol: 'dhcp' },
      { dst: '10.0.0.0/16', dev: 'ens3', protocol: 'kernel', scope: 'link' },
      { dst: '192.168.50.0/24', gateway: '10.0.0.254', dev: 'ens3', protocol: 'static' },
      { dst: '172.16.0.0/12', gateway: '10.1.0.1', dev: 'ens4', protocol: 'static' },
    ]),
    JSON.stringify([
      {
        ifname: 'ens3',
        addr_info: [
          { family: 'inet', local: '10.0.0.10', prefixlen: 16, scope: 'global' },
          { family: 'inet', local: '10.0.9.9', prefixlen: 24, scope: 'global' },
          { family: 'inet6', local: 'fe80::1', prefixlen: 64, scope: 'link' },
        ],
      },
    ]),
  ].join('\n');

  it('parses static routes and extra addresses on the default-route interface only', () => {
    expect(parseDefaultRouteMtu(stdout)).toEqual({
      iface: 'ens3',
      mtu: 1500,
      primaryExtras: ['route 192.168.50.0/24 via 10.0.0.254 (proto static)', 'address 10.0.9.9/24'],
    });
  });

  it('warns naming node and route; passes when nothing was added', async () => {
    const probes: NodeProbe[] = [
      {
        name: 'worker-0',
        iface: 'ens3',
        mtu: 1500,
        primaryExtras: ['route 192.168.50.0/24 via 10.0.0.254 (proto static)'],
      },
      { name: 'worker-1', iface: 'ens3', mtu: 1500, primaryExtras: [] },
    ];
    const r = await primaryExtrasCheck.run(fakeFacts({ probes }));
    expect(r).toMatchObject({
      ok: false,
      items: ['worker-0 (ens3): route 192.168.50.0/24 via 10.0.0.254 (proto static)'],
    });
    expect(primaryExtrasCheck.severity).toBe('warn');
    expect(await primaryExtrasCheck.run(fakeFacts({ probes: [probes[1]] }))).toMatchObject({ ok: true });
  });
});
