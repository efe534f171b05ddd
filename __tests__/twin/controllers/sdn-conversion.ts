// What the network operator converts when an offline migration switches OpenShift SDN to OVN-Kubernetes
// on 4.12+ (spec.migration.features, each on unless set false): EgressNetworkPolicy → EgressFirewall
// `default` in the same namespace with the same rules in order; NetNamespace egressIPs → an EgressIP
// selecting the namespace; nodes with HostSubnet egressIPs/egressCIDRs → label
// k8s.ovn.org/egress-assignable; multicast NetNamespaces → namespace annotation
// k8s.ovn.org/multicast-enabled. Before 4.12 nothing is converted. The `conversion-drops` fault leaves one
// object out, as a buggy conversion would.
import type { TwinContext } from '../context.ts';
import type { KObject } from '../store.ts';
import { ACTOR, T } from './types.ts';

export const SDN_MULTICAST = 'netnamespace.network.openshift.io/multicast-enabled';
export const OVN_MULTICAST = 'k8s.ovn.org/multicast-enabled';
export const EGRESS_ASSIGNABLE = 'k8s.ovn.org/egress-assignable';

interface Features {
  egressIP?: boolean;
  egressFirewall?: boolean;
  multicast?: boolean;
}

const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x) => typeof x === 'string') : []);

export function convertSdnFeatures(ctx: TwinContext, minor: number, features: Features = {}): void {
  if (minor < 12) return;
  const dropped = (object: string) => {
    const hit = ctx.faults.find('conversion-drops', (f) => f.object === object);
    if (hit) ctx.faults.fire('conversion-drops');
    return !!hit;
  };
  if (features.egressFirewall !== false) convertFirewalls(ctx, dropped);
  if (features.egressIP !== false) convertEgressIPs(ctx, dropped);
  if (features.multicast !== false) convertMulticast(ctx, dropped);
}

function convertFirewalls(ctx: TwinContext, dropped: (o: string) => boolean): void {
  const store = ctx.store;
  for (const p of store.list(T.egressNetworkPolicy)) {
    const ns = p.metadata.namespace!;
    if (dropped(`EgressFirewall/${ns}/default`) || store.get(T.egressFirewall, ns, 'default')) continue;
    const rules = ((p.spec as { egress?: { type: string; to: Record<string, string> }[] })?.egress ?? []).map(
      (r) => ({ type: r.type, to: { ...r.to } }),
    );
    store.create(
      {
        apiVersion: 'k8s.ovn.org/v1',
        kind: 'EgressFirewall',
        metadata: { name: 'default', namespace: ns },
        spec: { egress: rules },
      },
      ACTOR.cno,
    );
  }
}

function convertEgressIPs(ctx: TwinContext, dropped: (o: string) => boolean): void {
  const store = ctx.store;
  for (const n of store.list(T.netNamespace)) {
    const ips = strings(n.egressIPs);
    const name = `egressip-${n.metadata.name}`;
    if (!ips.length || dropped(`EgressIP/${name}`) || store.get(T.egressIP, undefined, name)) continue;
    store.create(
      {
        apiVersion: 'k8s.ovn.org/v1',
        kind: 'EgressIP',
        metadata: { name },
        spec: {
          egressIPs: ips,
          namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': n.metadata.name } },
        },
      },
      ACTOR.cno,
    );
  }
  for (const s of store.list(T.hostSubnet)) {
    if (!strings(s.egressIPs).length && !strings(s.egressCIDRs).length) continue;
    if (dropped(`Node/${s.metadata.name}`)) continue;
    store.mutate(T.node, undefined, s.metadata.name, ACTOR.cno, (node: KObject) => {
      node.metadata.labels = { ...node.metadata.labels, [EGRESS_ASSIGNABLE]: '' };
    });
  }
}

function convertMulticast(ctx: TwinContext, dropped: (o: string) => boolean): void {
  const store = ctx.store;
  for (const n of store.list(T.netNamespace)) {
    if (n.metadata.annotations?.[SDN_MULTICAST] !== 'true') continue;
    if (dropped(`Namespace/${n.metadata.name}`)) continue;
    store.mutate(T.namespace, undefined, n.metadata.name, ACTOR.cno, (ns: KObject) => {
      ns.metadata.annotations = { ...ns.metadata.annotations, [OVN_MULTICAST]: 'true' };
    });
  }
}
