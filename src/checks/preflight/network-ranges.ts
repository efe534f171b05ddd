// OVN-Kubernetes reserves address ranges of its own; a cluster, service or machine network on them
// cannot run it.
import { reservedOverlaps } from '../cidr.ts';
import type { PreflightCheck } from './types.ts';

export const networkRangesCheck: PreflightCheck = {
  id: 'network-ranges',
  title: "Cluster, service and machine networks clear of OVN-Kubernetes' reserved ranges",
  severity: 'blocking',
  run: async (f) => {
    const config = await f.config();
    if (!config) throw new Error('Network.config.openshift.io cluster not found');
    const spec = config.spec ?? {};
    const networks = [
      ...((spec.clusterNetwork ?? []) as { cidr: string }[]).map((c) => ({
        kind: 'cluster network',
        cidr: c.cidr,
      })),
      ...((spec.serviceNetwork ?? []) as string[]).map((c) => ({ kind: 'service network', cidr: c })),
      ...((await f.machineNetworks()).cidrs ?? []).map((c) => ({ kind: 'machine network', cidr: c })),
    ];
    const r = reservedOverlaps(networks);
    const bad = [...r.overlaps, ...r.unreadable];
    return bad.length
      ? {
          ok: false,
          detail:
            'a network overlaps a range OVN-Kubernetes reserves (100.64.0.0/16, 100.88.0.0/16, 169.254.169.0/29, fd98::/64, fd69::/125, fd97::/64) — OVN-Kubernetes cannot run on these addresses; the cluster network and service network cannot be changed by this migration, so this cluster needs a different path (contact Red Hat support)',
          items: bad,
        }
      : { ok: true, detail: `no overlap: ${networks.map((n) => `${n.kind} ${n.cidr}`).join(', ')}` };
  },
};
