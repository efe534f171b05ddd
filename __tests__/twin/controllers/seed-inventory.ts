// What the installer and the cluster's users leave that preflight checks read: the install-config
// ConfigMap (kube-system/cluster-config-v1, with networking.machineNetwork from the scenario) and the
// OpenShift SDN features that change form in the migration — egress IPs on NetNamespaces and
// HostSubnets, EgressNetworkPolicy objects and multicast-enabled NetNamespaces (scenario.sdnFeatures).
import { stringify } from 'yaml';
import { findType } from '../resources.ts';
import type { TwinContext } from '../context.ts';
import type { KObject } from '../store.ts';
import { namespaceObject } from './builders.ts';
import { ACTOR, T } from './types.ts';
import { minorVersion } from '../scenario.ts';

export const MULTICAST_ANNOTATION = 'netnamespace.network.openshift.io/multicast-enabled';

/** The install-config the installer stores, as much of it as a migration reads (no pull secret). */
export function installConfigText(ctx: TwinContext): string {
  const s = ctx.scenario;
  const masters = s.nodes.filter((n) => n.pool === 'master').length;
  const workers = s.nodes.length - masters;
  return stringify({
    apiVersion: 'v1',
    baseDomain: 'twin.example.com',
    metadata: { name: s.name },
    compute: [{ name: 'worker', replicas: workers, platform: {} }],
    controlPlane: { name: 'master', replicas: masters, platform: {} },
    networking: {
      clusterNetwork: s.network.clusterNetwork.map((c) => ({ cidr: c.cidr, hostPrefix: c.hostPrefix })),
      machineNetwork: s.network.machineNetwork.map((cidr) => ({ cidr })),
      networkType: s.network.type,
      serviceNetwork: [...s.network.serviceNetwork],
    },
    platform: { [s.platform === 'BareMetal' ? 'baremetal' : s.platform.toLowerCase()]: {} },
    pullSecret: '',
    sshKey: 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHdpbnR3aW50d2ludHdpbnR3aW50d2ludHdpbnR3aW50 twin',
  });
}

/** The scenario's own objects, as a user created them (their namespace is created when missing). */
function seedObjects(ctx: TwinContext): void {
  const [, minor] = minorVersion(ctx.scenario.version);
  for (const o of ctx.scenario.objects ?? []) {
    const ns = o.metadata.namespace;
    if (ns && !ctx.store.get(T.namespace, undefined, ns))
      ctx.store.create(namespaceObject(ns, minor), ACTOR.seed);
    ctx.store.create(structuredClone(o) as KObject, ACTOR.seed);
  }
}

export function seedInventory(ctx: TwinContext): void {
  const s = ctx.scenario;
  const store = ctx.store;
  const configMaps = findType('', 'configmaps');
  if (configMaps && s.installConfig !== false)
    store.create(
      {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'cluster-config-v1', namespace: 'kube-system' },
        data: { 'install-config': installConfigText(ctx) },
      },
      ACTOR.seed,
    );

  seedObjects(ctx);
  const f = s.sdnFeatures;
  if (!f || s.network.type !== 'OpenShiftSDN') return;
  const [, minor] = minorVersion(s.version);
  const netns = (name: string) => {
    if (!store.get(T.namespace, undefined, name)) store.create(namespaceObject(name, minor), ACTOR.seed);
    const existing = store.get(T.netNamespace, undefined, name);
    if (existing) return existing;
    return store.create(
      {
        apiVersion: 'network.openshift.io/v1',
        kind: 'NetNamespace',
        metadata: { name },
        netname: name,
        netid: 5000 + store.count(T.netNamespace),
      },
      ACTOR.seed,
    );
  };
  for (const e of f.egressIPs ?? []) {
    const n = netns(e.namespace);
    store.update({ ...n, egressIPs: [...e.ips] }, ACTOR.seed);
  }
  for (const m of f.multicastNamespaces ?? []) {
    const n = netns(m);
    store.update(
      {
        ...n,
        metadata: {
          ...n.metadata,
          annotations: { ...n.metadata.annotations, [MULTICAST_ANNOTATION]: 'true' },
        },
      },
      ACTOR.seed,
    );
  }
  for (const h of f.hostSubnetEgressIPs ?? []) {
    const subnet = store.get(T.hostSubnet, undefined, h.node);
    if (!subnet) throw new Error(`scenario sdnFeatures: no HostSubnet for node ${h.node}`);
    store.update({ ...subnet, egressIPs: [...h.ips] }, ACTOR.seed);
  }
  for (const fw of f.egressFirewalls ?? []) {
    netns(fw.namespace);
    store.create(
      {
        apiVersion: 'network.openshift.io/v1',
        kind: 'EgressNetworkPolicy',
        metadata: { name: fw.name, namespace: fw.namespace },
        spec: {
          egress: [
            ...(fw.deny ?? []).map((cidr) => ({ type: 'Deny', to: { cidrSelector: cidr } })),
            { type: 'Allow', to: { cidrSelector: '0.0.0.0/0' } },
          ],
        },
      },
      ACTOR.seed,
    );
  }
}
