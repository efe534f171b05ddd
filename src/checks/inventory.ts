// The OpenShift SDN features that change form in the migration: egress IPs (NetNamespace and
// HostSubnet egressIPs), egress firewalls (EgressNetworkPolicy) and multicast-enabled namespaces.
// 4.12+ converts them (spec.migration.features); earlier releases need them re-created by hand as
// OVN-Kubernetes objects (EgressIP, EgressFirewall, the namespace multicast annotation).
import type { Cluster } from '../cluster/client.ts';
import type { ListRef } from '../cluster/types.ts';
import type { InventoryRecord } from '../report/model.ts';
import { listOrEmpty } from './preflight/list-or-absent.ts';

export const MULTICAST_ANNOTATION = 'netnamespace.network.openshift.io/multicast-enabled';

const NET_NAMESPACES: ListRef = { apiVersion: 'network.openshift.io/v1', kind: 'NetNamespace' };
const HOST_SUBNETS: ListRef = { apiVersion: 'network.openshift.io/v1', kind: 'HostSubnet' };
const EGRESS_FIREWALLS: ListRef = { apiVersion: 'network.openshift.io/v1', kind: 'EgressNetworkPolicy' };

function strings(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string' && x !== '') : [];
}

export async function readInventory(cluster: Cluster): Promise<InventoryRecord> {
  const [netns, subnets, firewalls] = await Promise.all([
    listOrEmpty(cluster, NET_NAMESPACES),
    listOrEmpty(cluster, HOST_SUBNETS),
    listOrEmpty(cluster, EGRESS_FIREWALLS),
  ]);
  const egressIPs: string[] = [];
  const multicastNamespaces: string[] = [];
  for (const n of netns) {
    const ips = strings(n.egressIPs);
    if (ips.length) egressIPs.push(`NetNamespace ${n.metadata.name}: ${ips.join(', ')}`);
    if (n.metadata.annotations?.[MULTICAST_ANNOTATION] === 'true') multicastNamespaces.push(n.metadata.name);
  }
  for (const s of subnets) {
    const ips = strings(s.egressIPs);
    const cidrs = strings(s.egressCIDRs);
    if (ips.length || cidrs.length)
      egressIPs.push(
        `HostSubnet ${s.metadata.name}: ${[...ips, ...cidrs.map((c) => `${c} (egressCIDRs)`)].join(', ')}`,
      );
  }
  return {
    egressIPs,
    egressFirewalls: firewalls.map((f) => `${f.metadata.namespace}/${f.metadata.name}`),
    multicastNamespaces,
  };
}

/** One EgressNetworkPolicy rule: Allow/Deny to a cidrSelector or a dnsName. */
export interface EgressRule {
  type: string;
  to: { cidrSelector?: string; dnsName?: string };
}

/** The SDN features as objects, for the after-migration comparison and the manifests before 4.12. */
export interface SdnObjects {
  firewalls: { namespace: string; name: string; egress: EgressRule[] }[];
  /** NetNamespace egressIPs per namespace. */
  namespaceEgressIPs: { namespace: string; ips: string[] }[];
  /** Nodes whose HostSubnet has egressIPs or egressCIDRs. */
  egressNodes: string[];
  multicastNamespaces: string[];
}

export async function readSdnObjects(cluster: Cluster): Promise<SdnObjects> {
  const [netns, subnets, firewalls] = await Promise.all([
    listOrEmpty(cluster, NET_NAMESPACES),
    listOrEmpty(cluster, HOST_SUBNETS),
    listOrEmpty(cluster, EGRESS_FIREWALLS),
  ]);
  return {
    firewalls: firewalls.map((f) => ({
      namespace: f.metadata.namespace ?? '',
      name: f.metadata.name,
      egress: ((f.spec?.egress ?? []) as EgressRule[]).map((r) => ({ type: r.type, to: { ...r.to } })),
    })),
    namespaceEgressIPs: netns
      .map((n) => ({ namespace: n.metadata.name, ips: strings(n.egressIPs) }))
      .filter((n) => n.ips.length),
    egressNodes: subnets
      .filter((s) => strings(s.egressIPs).length || strings(s.egressCIDRs).length)
      .map((s) => s.metadata.name),
    multicastNamespaces: netns
      .filter((n) => n.metadata.annotations?.[MULTICAST_ANNOTATION] === 'true')
      .map((n) => n.metadata.name),
  };
}
