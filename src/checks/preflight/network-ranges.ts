// OVN-Kubernetes reserves address ranges of its own (join, transit and masquerade subnets); a cluster,
// service or machine network on them cannot run it. Where the release lets a range move (the
// ovn-*-subnet-* inputs, cidr.ts ovnInternalRanges), an overlap is resolved by choosing another range;
// only an overlap the release cannot move refuses the migration.
import { ovnInternalRanges, reservedOverlaps } from '../cidr.ts';
import { OVN_SUBNET_INPUTS } from '../../inputs/ovn-internal-subnets.ts';
import type { PreflightCheck, PreflightFacts } from './types.ts';

async function clusterNetworks(f: PreflightFacts): Promise<{ kind: string; cidr: string }[]> {
  const config = await f.config();
  if (!config) throw new Error('Network.config.openshift.io cluster not found');
  const spec = config.spec ?? {};
  return [
    ...((spec.clusterNetwork ?? []) as { cidr: string }[]).map((c) => ({
      kind: 'cluster network',
      cidr: c.cidr,
    })),
    ...((spec.serviceNetwork ?? []) as string[]).map((c) => ({ kind: 'service network', cidr: c })),
    ...((await f.machineNetworks()).cidrs ?? []).map((c) => ({ kind: 'machine network', cidr: c })),
  ];
}

export const networkRangesCheck: PreflightCheck = {
  id: 'network-ranges',
  title: "Cluster, service and machine networks clear of OVN-Kubernetes' internal ranges",
  severity: 'blocking',
  run: async (f) => {
    const networks = await clusterNetworks(f);
    const ranges = ovnInternalRanges(f.minor, f.ctx.settings.ovnSubnets);
    const unsupported = ranges
      .filter((r) => r.chosen && !r.field)
      .map(
        (r) =>
          `${OVN_SUBNET_INPUTS[r.key]} cannot be set on OpenShift 4.${f.minor}: the ${r.use} range is not configurable in this release`,
      );
    if (unsupported.length)
      return {
        ok: false,
        detail: 'an input chooses a range this release cannot move — leave it empty',
        items: unsupported,
      };
    const r = reservedOverlaps(networks, ranges);
    const bad = [...r.overlaps, ...r.unreadable];
    const chosen = ranges
      .filter((x) => x.chosen)
      .map((x) => `${x.use} ${x.cidr} (${OVN_SUBNET_INPUTS[x.key]})`);
    if (!bad.length)
      return {
        ok: true,
        detail: `no overlap: ${networks.map((n) => `${n.kind} ${n.cidr}`).join(', ')}${chosen.length ? `; chosen: ${chosen.join(', ')}` : ''}`,
      };
    const hit = ranges.filter((x) => bad.some((b) => b.includes(` overlaps ${x.cidr} `)));
    const movable = hit.filter((x) => x.field);
    const fixed = hit.filter((x) => !x.field);
    return {
      ok: false,
      detail: !fixed.length
        ? `a network overlaps a range OVN-Kubernetes uses internally — choose a free range with ${movable.map((x) => OVN_SUBNET_INPUTS[x.key]).join(', ')} (the action sets it on Network.operator before the switch; the cluster and service networks cannot be changed by this migration)`
        : `a network overlaps a range OVN-Kubernetes uses internally that OpenShift 4.${f.minor} does not let you move (${fixed.map((x) => `${x.use} ${x.cidr}`).join(', ')}) — the cluster and service networks cannot be changed by this migration, so this cluster needs a different path (contact Red Hat support)`,
      items: bad,
    };
  },
};
