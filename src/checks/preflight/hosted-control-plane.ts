// A hosted control plane (HyperShift: Infrastructure status.controlPlaneTopology External) runs its
// control plane outside the cluster, where the network operator cannot migrate it live: the operator
// refuses the live migration there (procedures.md "Variant C"). Only a live run checks it.
import { INFRASTRUCTURE } from '../../cluster/types.ts';
import { isLive } from '../../procedure/variant-live.ts';
import { oneLine } from '../../util/untrusted-text.ts';
import type { PreflightCheck } from './types.ts';

export const hostedControlPlaneCheck: PreflightCheck = {
  id: 'hosted-control-plane',
  title: 'Not a hosted control plane (live migration)',
  severity: 'blocking',
  applies: { when: (f) => isLive(f.variant) },
  run: async ({ ctx }) => {
    const infra = await ctx.cluster.get(INFRASTRUCTURE);
    if (!infra) throw new Error('Infrastructure "cluster" could not be read');
    const topology = oneLine(infra.status?.controlPlaneTopology ?? '(not set)', 100);
    return topology === 'External'
      ? {
          ok: false,
          detail:
            'Infrastructure status.controlPlaneTopology is External: a hosted control plane, where the network operator refuses the live migration — migrate this hosted cluster through its management cluster (the HostedCluster networkType), not with strategy live',
          items: [`controlPlaneTopology: ${topology}`],
        }
      : { ok: true, detail: `controlPlaneTopology ${topology}` };
  },
};
