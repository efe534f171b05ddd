// The overlay MTU, checked against the limits the network operator enforces: room for Geneve's 100
// bytes on the smallest node MTU; at least 1280 (IPv6's minimum link MTU) when any cluster or service
// network is IPv6; and, when mtu is not set, node MTUs that agree — the operator takes its default from
// the default-route MTU of the node it runs on, not from the smallest node, so mixed MTUs would give
// some nodes an overlay MTU larger than their link.
import type { KObject } from '../../cluster/types.ts';
import type { NodeProbe, Outcome, PreflightCheck, PreflightFacts } from './types.ts';

/** Geneve encapsulation overhead OVN-Kubernetes needs below the node MTU. */
export const GENEVE_OVERHEAD = 100;
/** VXLAN encapsulation overhead OpenShift SDN needs below the node MTU (a rollback's target). */
export const VXLAN_OVERHEAD = 50;

/** The tunnel the run moves to, and its overhead: VXLAN going back to OpenShift SDN, else Geneve. */
export function tunnelOf(to: string): { name: string; overhead: number } {
  return to === 'OpenShiftSDN'
    ? { name: 'VXLAN', overhead: VXLAN_OVERHEAD }
    : { name: 'Geneve', overhead: GENEVE_OVERHEAD };
}
/** The smallest MTU an IPv6 link may have (RFC 8200); the network operator refuses less with IPv6. */
export const IPV6_MIN_MTU = 1280;

type Measured = NodeProbe & { mtu: number };

/** The IPv6 cluster and service networks of Network.config (spec), e.g. `cluster network fd01::/48`. */
export function ipv6Networks(config: KObject | undefined): string[] {
  const spec = config?.spec ?? {};
  return [
    ...((spec.clusterNetwork ?? []) as { cidr?: string }[]).map((c) => `cluster network ${c.cidr ?? ''}`),
    ...((spec.serviceNetwork ?? []) as string[]).map((c) => `service network ${c}`),
  ].filter((n) => n.includes(':'));
}

/** `1500: master-0, worker-0` per distinct MTU, smallest first. */
function byMtu(measured: Measured[]): string[] {
  const groups = new Map<number, string[]>();
  for (const p of measured) groups.set(p.mtu, [...(groups.get(p.mtu) ?? []), p.name]);
  return [...groups.entries()]
    .sort(([a], [b]) => a - b)
    .map(
      ([mtu, names]) =>
        `MTU ${mtu}: ${names.length} node(s) — ${names.slice(0, 10).join(', ')}${names.length > 10 ? ', …' : ''}`,
    );
}

function ipv6Floor(mtu: number, ipv6: string[]): Outcome | undefined {
  if (!ipv6.length || mtu >= IPV6_MIN_MTU) return undefined;
  return {
    ok: false,
    detail: `mtu ${mtu} is below ${IPV6_MIN_MTU}, the smallest MTU the network operator accepts with an IPv6 network (${ipv6.join(', ')}) — set the mtu input to at least ${IPV6_MIN_MTU}`,
  };
}

function unsetMtu(
  measured: Measured[],
  smallest: Measured,
  ipv6: string[],
  evidence: string,
  overhead: number,
): Outcome {
  const limit = smallest.mtu - overhead;
  if (ipv6.length && limit < IPV6_MIN_MTU)
    return {
      ok: false,
      detail: `the smallest node MTU ${smallest.mtu} (${smallest.name}) leaves ${limit} for the overlay, below the ${IPV6_MIN_MTU} an IPv6 network needs (${ipv6.join(', ')}) — raise the node MTU to at least ${IPV6_MIN_MTU + overhead} first`,
    };
  if (new Set(measured.map((p) => p.mtu)).size > 1)
    return {
      ok: false,
      detail: `node MTUs differ and mtu is not set: the network operator takes its default from the node it runs on, not the smallest, so nodes with a smaller MTU would drop large packets — set the mtu input to ${limit} (smallest node MTU ${smallest.mtu} on ${smallest.name} − ${overhead})`,
      items: byMtu(measured),
    };
  return { ok: true, detail: `mtu not set; ${evidence}; the overlay MTU may be at most ${limit}` };
}

/** The network operator's own range for an OVN-Kubernetes mtu (pkg/network/mtu.go MinMTUIPv4, MaxMTU). */
const OPERATOR_MTU_RANGE = { min: 576, max: 65536 };

/**
 * The OVN-Kubernetes mtu Network.operator already carries (set by hand before the run, or left by an
 * earlier attempt). With the mtu input unset the action writes no mtu, so the network operator takes
 * this one — and refuses it only at the type switch ("invalid MTU", co/network Degraded, after the MCO
 * rollout on 4.8+). It is checked as if it were the input.
 */
export function presetOvnMtu(operator: KObject | undefined): number | undefined {
  const dn = (operator?.spec?.defaultNetwork ?? {}) as { ovnKubernetesConfig?: { mtu?: unknown } | null };
  const mtu = dn.ovnKubernetesConfig?.mtu;
  return typeof mtu === 'number' ? mtu : undefined;
}

async function evaluate(f: PreflightFacts, mtu: number | undefined): Promise<Outcome> {
  const ipv6 = ipv6Networks(await f.config());
  const tooSmall = mtu === undefined ? undefined : ipv6Floor(mtu, ipv6);
  if (tooSmall) return tooSmall;
  if (mtu !== undefined && (mtu < OPERATOR_MTU_RANGE.min || mtu > OPERATOR_MTU_RANGE.max))
    return {
      ok: false,
      detail: `mtu ${mtu} is outside ${OPERATOR_MTU_RANGE.min}–${OPERATOR_MTU_RANGE.max}, which the network operator refuses ("invalid MTU") — set the mtu input`,
    };
  const probes = await f.probes().catch(() => undefined);
  const measured = (probes ?? []).filter((p): p is Measured => p.mtu !== undefined);
  if (!measured.length) {
    return mtu === undefined
      ? { ok: true, detail: 'mtu not set (the network operator chooses it); node MTUs not read' }
      : {
          ok: false,
          severity: 'warn',
          detail: `mtu ${mtu} could not be checked: the node MTUs are read over SSH, which did not succeed`,
        };
  }
  const smallest = measured.reduce((a, p) => (p.mtu < a.mtu ? p : a));
  const { overhead } = tunnelOf(f.variant.to);
  const limit = smallest.mtu - overhead;
  const evidence = `smallest node MTU ${smallest.mtu} (${smallest.name}, ${smallest.iface}); ${measured.length} node(s) read`;
  if (mtu === undefined) return unsetMtu(measured, smallest, ipv6, evidence, overhead);
  return mtu <= limit
    ? { ok: true, detail: `mtu ${mtu} ≤ ${limit}: ${evidence}` }
    : {
        ok: false,
        detail: `mtu ${mtu} is above the smallest node MTU minus ${overhead} (${smallest.mtu} − ${overhead} = ${limit} on ${smallest.name}) — set the mtu input to at most ${limit}, or leave it empty`,
      };
}

export const mtuCheck: PreflightCheck = {
  id: 'mtu',
  title: ({ variant }) => {
    const t = tunnelOf(variant.to);
    return `Overlay MTU fits the node MTU minus the ${t.name} overhead (${t.overhead})`;
  },
  severity: 'blocking',
  run: async (f) => {
    const input = f.ctx.settings.mtu;
    const preset =
      input === undefined && f.variant.to === 'OVNKubernetes' ? presetOvnMtu(await f.operator()) : undefined;
    const outcome = await evaluate(f, input ?? preset);
    if (preset === undefined) return outcome;
    return {
      ...outcome,
      detail: `Network.operator cluster already sets ovnKubernetesConfig.mtu ${preset}, which the network operator will use (the mtu input replaces it): ${outcome.detail}`,
    };
  },
};
