// The network operator's validation of its spec (cno-validation.ts), on the twin's controllers alone:
// what a real CNO refuses degrades co/network with its message and renders nothing; what it accepts
// (reserved ports, a genevePort equal to the vxlanPort) goes through; an unset MTU comes from the
// master CNO runs on, not from the smallest node.
import { afterEach, describe, expect, it } from 'vitest';
import type { TwinContext } from '../context.ts';
import type { ScenarioInput } from '../scenario.ts';
import { condition, get, status } from './checks.ts';
import { MIGRATION_ANNOTATION } from './cno.ts';
import { cnoHost, invalidConfigMessage } from './cno-validation.ts';
import { type Controllers, startControllers } from './controllers.ts';
import { makeContext, patch, settle, waitFor } from './harness.ts';
import { seedCluster } from './seed.ts';
import { T } from './types.ts';

let controllers: Controllers | undefined;
afterEach(() => controllers?.stop());

const DUAL_STACK: ScenarioInput['network'] = {
  clusterNetwork: [
    { cidr: '10.128.0.0/14', hostPrefix: 23 },
    { cidr: 'fd01::/48', hostPrefix: 64 },
  ],
  serviceNetwork: ['172.30.0.0/16', 'fd02::/112'],
};

function start(version: string, extra: Partial<ScenarioInput> = {}): TwinContext {
  const ctx = makeContext({
    version,
    nodes: [{ name: 'master-0' }, { name: 'worker-0' }, { name: 'worker-1' }],
    ...extra,
  });
  seedCluster(ctx);
  controllers = startControllers(ctx);
  return ctx;
}

type Ovn = { mtu?: number; genevePort?: number };
function setOvn(ctx: TwinContext, ovn: Ovn, migration = true): void {
  patch(ctx, T.networkOperator, 'cluster', (o) => {
    const spec = o.spec as { defaultNetwork: { ovnKubernetesConfig?: Ovn }; migration?: unknown };
    spec.defaultNetwork.ovnKubernetesConfig = ovn;
    if (migration) spec.migration = { networkType: 'OVNKubernetes' };
  });
}
function annotate(ctx: TwinContext): void {
  patch(ctx, T.networkOperator, 'cluster', (o) => {
    o.metadata.annotations = { ...o.metadata.annotations, [MIGRATION_ANNOTATION]: '' };
  });
}
function setType(ctx: TwinContext, type: string): void {
  patch(ctx, T.networkConfig, 'cluster', (o) => ((o.spec as { networkType: string }).networkType = type));
}
const degraded = (ctx: TwinContext) => condition(get(ctx, T.clusterOperator, 'network'), 'Degraded');
const networkStatus = (ctx: TwinContext) =>
  status(get(ctx, T.networkConfig, 'cluster')) as { networkType: string; clusterNetworkMTU: number };

describe('CNO validates its spec', () => {
  it('4.14 dual-stack, mtu 1200: nothing until spec.networkType asks for OVN, then Degraded "invalid MTU"; a valid mtu lets it through', async () => {
    const ctx = start('4.14.12', { network: DUAL_STACK });
    setOvn(ctx, { mtu: 1200 });
    // While the default network is still OpenShift SDN, the OVN settings are not validated.
    await waitFor('status.migration', () => !!(networkStatus(ctx) as { migration?: unknown }).migration);
    await settle(ctx, 10);
    expect(degraded(ctx)?.status).toBe('False');

    setType(ctx, 'OVNKubernetes');
    await waitFor('co/network Degraded', () => degraded(ctx)?.status === 'True');
    const message =
      "The operator configuration is invalid (invalid configuration: [invalid MTU 1200]). Use 'oc edit network.operator.openshift.io cluster' to fix.";
    expect(invalidConfigMessage(['invalid MTU 1200'])).toBe(message);
    expect(degraded(ctx)).toMatchObject({ reason: 'InvalidOperatorConfig', message });
    expect(condition(get(ctx, T.networkOperator, 'cluster'), 'Degraded')?.message).toBe(message);
    await settle(ctx, 20);
    expect(networkStatus(ctx).networkType).toBe('OpenShiftSDN');
    expect(ctx.store.get(T.namespace, undefined, 'openshift-ovn-kubernetes')).toBeUndefined();
    expect(get(ctx, T.daemonSet, 'multus', 'openshift-multus').metadata.generation).toBe(1);

    setOvn(ctx, { mtu: 1400 });
    await waitFor('switched', () => networkStatus(ctx).networkType === 'OVNKubernetes');
    await waitFor('Degraded cleared', () => degraded(ctx)?.status === 'False');
    expect(networkStatus(ctx).clusterNetworkMTU).toBe(1400);
  });

  it('IPv4 only: 1200 is accepted (floor 576); 575 and 65537 are not', async () => {
    const ctx = start('4.14.12');
    setOvn(ctx, { mtu: 575 });
    setType(ctx, 'OVNKubernetes');
    await waitFor('Degraded', () => degraded(ctx)?.message?.includes('[invalid MTU 575]') === true);
    setOvn(ctx, { mtu: 65537 });
    await waitFor('Degraded', () => degraded(ctx)?.message?.includes('[invalid MTU 65537]') === true);
    setOvn(ctx, { mtu: 1200 });
    await waitFor('switched', () => networkStatus(ctx).networkType === 'OVNKubernetes');
    expect(networkStatus(ctx).clusterNetworkMTU).toBe(1200);
  });

  it('4.6 (before release-4.10) has no IPv6 floor: mtu 1200 on a dual-stack spec is accepted', async () => {
    const ctx = start('4.6.21', { network: DUAL_STACK });
    annotate(ctx);
    setOvn(ctx, { mtu: 1200 }, false);
    setType(ctx, 'OVNKubernetes');
    await waitFor('switched', () => networkStatus(ctx).networkType === 'OVNKubernetes');
    expect(networkStatus(ctx).clusterNetworkMTU).toBe(1200);
    expect(degraded(ctx)?.status).toBe('False');
  });

  it('genevePort: only the range 1–65535 is checked (4789, the VXLAN port, passes as on a real CNO)', async () => {
    const ctx = start('4.6.21');
    annotate(ctx);
    setOvn(ctx, { genevePort: 70000, mtu: 50 }, false);
    setType(ctx, 'OVNKubernetes');
    // Every error in one message, in validateOVNKubernetes' order.
    await waitFor('Degraded', () => degraded(ctx)?.status === 'True');
    expect(degraded(ctx)?.message).toBe(invalidConfigMessage(['invalid MTU 50', 'invalid GenevePort 70000']));
    setOvn(ctx, { genevePort: 4789 }, false);
    await waitFor('switched', () => networkStatus(ctx).networkType === 'OVNKubernetes');
    expect(degraded(ctx)?.status).toBe('False');
  });

  it('openshiftSDNConfig on the way back: vxlanPort and mtu ranges, mode', async () => {
    const ctx = start('4.6.21');
    annotate(ctx);
    setType(ctx, 'OVNKubernetes');
    await waitFor('switched', () => networkStatus(ctx).networkType === 'OVNKubernetes');
    patch(ctx, T.networkOperator, 'cluster', (o) => {
      (o.spec as { defaultNetwork: { openshiftSDNConfig: unknown } }).defaultNetwork.openshiftSDNConfig = {
        mode: 'Flat',
        vxlanPort: 0,
        mtu: 70000,
      };
    });
    setType(ctx, 'OpenShiftSDN');
    await waitFor('Degraded', () => degraded(ctx)?.status === 'True');
    expect(degraded(ctx)?.message).toBe(
      invalidConfigMessage(['invalid openshift-sdn mode "Flat"', 'invalid VXLANPort 0', 'invalid MTU 70000']),
    );
    expect(networkStatus(ctx).networkType).toBe('OVNKubernetes');
    patch(ctx, T.networkOperator, 'cluster', (o) => {
      (o.spec as { defaultNetwork: { openshiftSDNConfig: unknown } }).defaultNetwork.openshiftSDNConfig = {
        mode: 'NetworkPolicy',
        vxlanPort: 6081,
      };
    });
    await waitFor('back on SDN', () => networkStatus(ctx).networkType === 'OpenShiftSDN');
    // No SDN mtu: the host CNO runs on (1500) minus VXLAN's 50.
    expect(networkStatus(ctx).clusterNetworkMTU).toBe(1450);
  });

  it("mtu unset: the default-route MTU of CNO's master minus 100, not the smallest node's (mixed MTUs give a wrong MTU)", async () => {
    const ctx = start('4.14.12', {
      nodes: [
        { name: 'master-0', mtu: 9000 },
        { name: 'worker-0', mtu: 9000 },
        { name: 'worker-1', mtu: 1500 },
      ],
    });
    expect(cnoHost(ctx)).toBe('master-0');
    patch(ctx, T.networkOperator, 'cluster', (o) => {
      (o.spec as { migration: unknown }).migration = { networkType: 'OVNKubernetes' };
    });
    setType(ctx, 'OVNKubernetes');
    await waitFor('switched', () => networkStatus(ctx).networkType === 'OVNKubernetes');
    // 8900 on every node, though worker-1's link carries 1500: the operator does not look at it.
    expect(networkStatus(ctx).clusterNetworkMTU).toBe(8900);
  });
});
