// Egress IPs, egress firewalls and multicast change form in the migration: 4.12+ converts them,
// earlier releases lose them unless they are re-created by hand.
import { readInventory } from '../inventory.ts';
import type { PreflightCheck } from './types.ts';

export const sdnFeaturesCheck: PreflightCheck = {
  id: 'sdn-features',
  title: 'Egress IPs, egress firewalls and multicast namespaces inventoried',
  severity: 'warn',
  run: async ({ ctx, minor }) => {
    const inv = await readInventory(ctx.cluster);
    ctx.report.inventory = inv;
    const items = [
      ...inv.egressIPs.map((e) => `egress IP: ${e}`),
      ...inv.egressFirewalls.map((e) => `EgressNetworkPolicy ${e}`),
      ...inv.multicastNamespaces.map((n) => `multicast enabled: namespace ${n}`),
    ];
    const counts = `${inv.egressIPs.length} egress IP assignment(s), ${inv.egressFirewalls.length} egress firewall(s), ${inv.multicastNamespaces.length} multicast namespace(s)`;
    if (!items.length) return { ok: true, detail: `none found (${counts})` };
    if (minor >= 12)
      return {
        ok: true,
        detail: `${counts}: OpenShift 4.${minor} converts them during the migration; compare after`,
        items,
      };
    return {
      ok: false,
      detail: `${counts}: OpenShift 4.${minor} does not convert them — after the migration re-create them as EgressIP, EgressFirewall objects and the k8s.ovn.org/multicast-enabled namespace annotation, or their traffic rules are lost`,
      items,
    };
  },
};
