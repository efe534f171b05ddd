// Static routes and extra addresses on the primary interface: configure-ovs moves the interface into
// br-ex, and what was added by hand does not follow. A warning naming node and route, not a refusal:
// the administrator re-creates them on br-ex (a NodeNetworkConfigurationPolicy or a MachineConfig).
import type { PreflightCheck } from './types.ts';

export const primaryExtrasCheck: PreflightCheck = {
  id: 'primary-interface-extras',
  title: 'No static routes or extra addresses on the primary interface',
  severity: 'warn',
  applies: { when: (f) => !!f.ctx.settings.ssh.privateKey },
  run: async (f) => {
    const probes = (await f.probes()) ?? [];
    const read = probes.filter((p) => p.primaryExtras !== undefined);
    if (!read.length) return { ok: false, detail: 'not checked: no node answered the probe' };
    const items = read.flatMap((p) => p.primaryExtras!.map((e) => `${p.name} (${p.iface}): ${e}`));
    return items.length
      ? {
          ok: false,
          detail: `${items.length} route(s)/address(es) added on the primary interface — configure-ovs moves the interface into br-ex and they do not follow it; re-create them on br-ex after the migration (NodeNetworkConfigurationPolicy or a MachineConfig)`,
          items,
        }
      : {
          ok: true,
          detail: `${read.length} node(s) read; only the system's routes and one address per family`,
        };
  },
};
