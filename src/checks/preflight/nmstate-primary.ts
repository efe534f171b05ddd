// configure-ovs moves the node's primary interface into br-ex during the migration; a kubernetes-nmstate
// NodeNetworkConfigurationPolicy that manages that interface fights it (nmstate re-applies its desired
// state), and the node can lose its network. Only when the NMState CRD is installed.
import { listOrAbsent } from './list-or-absent.ts';
import type { PreflightCheck } from './types.ts';

export const NNCP = { apiVersion: 'nmstate.io/v1', kind: 'NodeNetworkConfigurationPolicy' } as const;

interface DesiredInterface {
  name?: string;
  type?: string;
  bridge?: { port?: { name?: string }[] };
  'link-aggregation'?: { port?: string[]; slaves?: string[] };
}

/** The interfaces a policy manages, directly or as a port of a bridge or bond it declares. */
export function managedInterfaces(policy: { spec?: unknown }): string[] {
  const spec = policy.spec as { desiredState?: { interfaces?: DesiredInterface[] } } | undefined;
  const out = new Set<string>();
  for (const i of spec?.desiredState?.interfaces ?? []) {
    if (i.name) out.add(i.name);
    for (const p of i.bridge?.port ?? []) if (p.name) out.add(p.name);
    for (const p of [...(i['link-aggregation']?.port ?? []), ...(i['link-aggregation']?.slaves ?? [])])
      out.add(p);
  }
  return [...out];
}

export const nmstatePrimaryCheck: PreflightCheck = {
  id: 'nmstate-primary-interface',
  title: 'No NodeNetworkConfigurationPolicy on the primary interface',
  severity: 'blocking',
  run: async (f) => {
    const policies = await listOrAbsent(f.ctx, NNCP);
    if (!policies)
      return { ok: true, detail: 'NMState is not installed (no NodeNetworkConfigurationPolicy kind)' };
    if (!policies.length)
      return { ok: true, detail: 'NMState is installed; no NodeNetworkConfigurationPolicy' };
    const probes = await f.probes().catch(() => undefined);
    const primary = new Set(
      (probes ?? []).map((p) => p.iface).filter((i): i is string => !!i && !i.startsWith('(')),
    );
    if (!primary.size) {
      return {
        ok: false,
        severity: 'warn',
        detail: `${policies.length} NodeNetworkConfigurationPolicy object(s), and the primary interface is not known (it is read over SSH, which did not succeed) — make sure none manages the default-route interface: configure-ovs moves it into br-ex`,
        items: policies.map(
          (p) => `${p.metadata.name}: ${managedInterfaces(p).join(', ') || '(no interfaces)'}`,
        ),
      };
    }
    const hits = policies.flatMap((p) =>
      managedInterfaces(p)
        .filter((i) => primary.has(i))
        .map((i) => `policy ${p.metadata.name} manages interface ${i}`),
    );
    return hits.length
      ? {
          ok: false,
          detail: `a NodeNetworkConfigurationPolicy manages the primary interface (${[...primary].join(', ')}) that configure-ovs moves into br-ex — remove the interface from the policy (or delete the policy) before migrating, and re-create it on br-ex afterwards`,
          items: hits,
        }
      : {
          ok: true,
          detail: `${policies.length} policy/policies; none manages the primary interface (${[...primary].join(', ')})`,
        };
  },
};
