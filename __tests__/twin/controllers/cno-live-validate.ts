// The network operator's refusals of a live migration, as `ValidateLiveMigration` in
// cluster-network-operator pkg/network/cluster_config.go (release-4.15 and release-4.16, identical)
// makes them: checked only while a type change is requested and not yet in progress, in this order,
// the first failure wins. The clusterconfig controller turns the error into co/network
// Degraded=True, reason `InvalidClusterConfig` ("The cluster configuration is invalid (<error>). Use
// 'oc edit network.config.openshift.io cluster' to fix.") and propagates nothing, so no migration
// step starts. Multitenant mode, overlapping ranges and egress-router pods are checked only when
// leaving OpenShift SDN (a live rollback to SDN is not refused for them).
import type { TwinContext } from '../context.ts';
import type { KObject } from '../store.ts';
import { T } from './types.ts';
import { getCondition } from './util.ts';

/** Egress router pods carry it (openshift/api network/v1 AssignMacvlanAnnotation). */
export const MACVLAN_ANNOTATION = 'pod.network.openshift.io/assign-macvlan';
export const IN_PROGRESS = 'NetworkTypeMigrationInProgress';

/** The operator's texts, word for word. */
export const REFUSAL = {
  unsupportedCni: 'network type live migration is only supported for OVNKubernetes and OpenShiftSDN CNI',
  hostedControlPlane: 'network type live migration is not supported on HyperShift clusters',
  multitenant: 'network type live migration is not supported on SDN Multitenant clusters',
  macvlan: `network type live migration is not supported for pods with "${MACVLAN_ANNOTATION}" annotation. Please remove all egress router pods`,
};

export function invalidClusterConfigMessage(cause: string): string {
  return `The cluster configuration is invalid (${cause}). Use 'oc edit network.config.openshift.io cluster' to fix.`;
}

interface OvnConfig {
  v4InternalSubnet?: string;
  v6InternalSubnet?: string;
  ipv4?: { internalJoinSubnet?: string; internalTransitSwitchSubnet?: string };
  ipv6?: { internalJoinSubnet?: string; internalTransitSwitchSubnet?: string };
  gatewayConfig?: {
    ipv4?: { internalMasqueradeSubnet?: string };
    ipv6?: { internalMasqueradeSubnet?: string };
  };
}

/** The first refusal for this cluster, or undefined when the live migration may start. */
export function liveMigrationRefusal(
  ctx: TwinContext,
  config: KObject,
  operator: KObject,
): string | undefined {
  const spec = config.spec as { networkType?: string };
  const status = config.status as { networkType?: string; conditions?: unknown };
  if (spec.networkType === status.networkType) return undefined;
  if (getCondition(status.conditions, IN_PROGRESS)?.status === 'True') return undefined;
  if (spec.networkType !== 'OpenShiftSDN' && spec.networkType !== 'OVNKubernetes')
    return REFUSAL.unsupportedCni;
  // The real operator knows it runs for a HyperShift hosted cluster from its own deployment; from the
  // guest cluster's API that shows as Infrastructure status.controlPlaneTopology External.
  const infra = ctx.store.get(T.infrastructure, undefined, 'cluster');
  if ((infra?.status as { controlPlaneTopology?: string } | undefined)?.controlPlaneTopology === 'External')
    return REFUSAL.hostedControlPlane;
  if (status.networkType !== 'OpenShiftSDN') return undefined;
  const dn = (operator.spec as { defaultNetwork?: Record<string, unknown> }).defaultNetwork ?? {};
  if ((dn.openshiftSDNConfig as { mode?: string } | null | undefined)?.mode === 'Multitenant')
    return REFUSAL.multitenant;
  const overlap = cidrOverlap(config, (dn.ovnKubernetesConfig ?? undefined) as OvnConfig | undefined);
  if (overlap) return overlap;
  const macvlan = ctx.store
    .list(T.pod)
    .some((p) => p.metadata.annotations?.[MACVLAN_ANNOTATION] !== undefined);
  return macvlan ? REFUSAL.macvlan : undefined;
}

/** `validateOVNKubernetesCIDROverlap`: every pair of cluster, service and OVN internal subnets. */
function cidrOverlap(config: KObject, ovn: OvnConfig | undefined): string | undefined {
  const spec = config.spec as { clusterNetwork?: { cidr: string }[]; serviceNetwork?: string[] };
  // The masquerade subnet's IPv6 override lands in the IPv4 slot in the operator's code
  // (GetMasqueradeSubnet); kept as it is.
  const masq4 =
    ovn?.gatewayConfig?.ipv6?.internalMasqueradeSubnet ||
    ovn?.gatewayConfig?.ipv4?.internalMasqueradeSubnet ||
    '169.254.169.0/29';
  const subnets: [string, string][] = [
    ...(spec.clusterNetwork ?? []).map((c): [string, string] => ['clusterNetwork', c.cidr]),
    ...(spec.serviceNetwork ?? []).map((c): [string, string] => ['serviceNetwork', c]),
    ['v4InternalSubnet', ovn?.ipv4?.internalJoinSubnet || ovn?.v4InternalSubnet || '100.64.0.0/16'],
    ['v6InternalSubnet', ovn?.ipv6?.internalJoinSubnet || ovn?.v6InternalSubnet || 'fd98::/64'],
    ['v4InternalTransitSwitchSubnet', ovn?.ipv4?.internalTransitSwitchSubnet || '100.88.0.0/16'],
    ['v6InternalTransitSwitchSubnet', ovn?.ipv6?.internalTransitSwitchSubnet || 'fd97::/64'],
    ['v4InternalMasqueradeSubnet', masq4],
    ['v6InternalMasqueradeSubnet', 'fd69::/125'],
  ];
  const parsed = subnets.map(([, cidr]) => parseCidr(cidr));
  for (let i = 0; i < subnets.length; i++)
    for (let j = 0; j < subnets.length; j++) {
      if (i === j) continue;
      const a = parsed[i];
      const b = parsed[j];
      if (!a) return `could not parse ${subnets[i][0]}:${subnets[i][1]}`;
      if (!b) return `could not parse ${subnets[j][0]}:${subnets[j][1]}`;
      if (contains(a, b.net) || contains(b, a.net))
        return `network ${subnets[i][0]}(${subnets[i][1]}) overlaps with network ${subnets[j][0]}(${subnets[j][1]})`;
    }
  return undefined;
}

interface Cidr {
  v6: boolean;
  /** Network address (masked). */
  net: bigint;
  prefix: number;
}

/** Whether the network `c` holds address `ip` (family-tagged: never across families). */
function contains(c: Cidr, ip: bigint): boolean {
  const bits = c.v6 ? 128 : 32;
  const shift = BigInt(bits - c.prefix);
  return ip >> shift === c.net >> shift;
}

function parseCidr(text: string): Cidr | undefined {
  const [ip, p] = text.split('/');
  const v6 = ip.includes(':');
  const bits = v6 ? 128 : 32;
  const prefix = Number(p);
  if (!Number.isInteger(prefix) || prefix < 0 || prefix > bits) return undefined;
  const value = v6 ? parseV6(ip) : parseV4(ip);
  if (value === undefined) return undefined;
  const shift = BigInt(bits - prefix);
  // Tag the address family in bit 129 so an IPv4 address never equals an IPv6 one.
  const tag = v6 ? 1n << 129n : 0n;
  return { v6, net: ((value >> shift) << shift) | tag, prefix };
}

function parseV4(ip: string): bigint | undefined {
  const parts = ip.split('.').map(Number);
  if (parts.length !== 4 || parts.some((n) => !Number.isInteger(n) || n < 0 || n > 255)) return undefined;
  return parts.reduce((acc, n) => acc * 256n + BigInt(n), 0n);
}

function parseV6(ip: string): bigint | undefined {
  const [head, tail, extra] = ip.split('::');
  if (extra !== undefined) return undefined;
  const h = head ? head.split(':') : [];
  const t = tail !== undefined ? (tail ? tail.split(':') : []) : [];
  const missing = 8 - h.length - t.length;
  if (tail === undefined ? missing !== 0 : missing < 1) return undefined;
  const groups = [...h, ...Array<string>(tail === undefined ? 0 : missing).fill('0'), ...t];
  let out = 0n;
  for (const g of groups) {
    if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return undefined;
    out = (out << 16n) | BigInt(parseInt(g, 16));
  }
  return out;
}
