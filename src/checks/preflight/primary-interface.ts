// What an administrator added on the primary interface: configure-ovs moves the interface into br-ex
// during the migration and carries over its connection profile, not routes or addresses added by hand
// (`ip route add`, a dispatcher script): they are lost or end up on the wrong device. Read from the
// node probe's `ip -j route show` and `ip -j addr show` output.

interface Route {
  dst?: string;
  dev?: string;
  gateway?: string;
  protocol?: string;
}
interface AddrInfo {
  family?: string;
  local?: string;
  prefixlen?: number;
  scope?: string;
}
interface Link {
  ifname?: string;
  addr_info?: AddrInfo[];
}

/** Protocols the system installs itself: connected subnets, DHCP and router advertisements. */
const SYSTEM_PROTOCOLS = new Set(['kernel', 'dhcp', 'ra']);

/** Routes on `iface` that no DHCP server or kernel put there: `10.20.0.0/16 via 10.0.0.254 (proto static)`. */
export function staticRoutesOn(routes: Route[], iface: string): string[] {
  return routes
    .filter((r) => r.dev === iface && r.dst !== 'default' && !SYSTEM_PROTOCOLS.has(r.protocol ?? 'kernel'))
    .map((r) => `route ${r.dst}${r.gateway ? ` via ${r.gateway}` : ''} (proto ${r.protocol})`);
}

/** Global addresses on `iface` beyond the first of each family: `address 10.0.5.9/24`. */
export function extraAddressesOn(links: Link[], iface: string): string[] {
  const link = links.find((l) => l.ifname === iface);
  const seen = new Set<string>();
  const extra: string[] = [];
  for (const a of link?.addr_info ?? []) {
    if (a.scope !== 'global' || !a.family) continue;
    if (seen.has(a.family)) extra.push(`address ${a.local}/${a.prefixlen}`);
    seen.add(a.family);
  }
  return extra;
}
