// CIDR arithmetic for the address-range check: OVN-Kubernetes reserves a few ranges for its own use
// (join, transit and masquerade subnets), and the cluster, service and machine networks must not
// overlap any of them (procedures.md, "Facts that checks need").
import net from 'node:net';
import type { OvnSubnets } from '../inputs/ovn-internal-subnets.ts';

/** The ranges OVN-Kubernetes reserves, with what each is for. */
export const OVN_RESERVED: { cidr: string; use: string }[] = [
  { cidr: '100.64.0.0/16', use: 'join switch (v4InternalSubnet)' },
  { cidr: '100.88.0.0/16', use: 'transit switch' },
  { cidr: '169.254.169.0/29', use: 'masquerade' },
  { cidr: 'fd98::/64', use: 'join switch (IPv6)' },
  { cidr: 'fd69::/125', use: 'masquerade (IPv6)' },
  { cidr: 'fd97::/64', use: 'transit switch (IPv6)' },
];

export interface Cidr {
  text: string;
  family: 4 | 6;
  /** First address of the range. */
  start: bigint;
  /** Last address of the range. */
  end: bigint;
}

function ipv4ToBigInt(ip: string): bigint {
  return ip.split('.').reduce((acc, part) => (acc << 8n) | BigInt(Number(part)), 0n);
}

function ipv6ToBigInt(ip: string): bigint {
  let text = ip;
  // An embedded IPv4 tail (::ffff:10.0.0.1) becomes two hextets.
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (v4) {
    const n = ipv4ToBigInt(v4[1]);
    text = `${text.slice(0, -v4[1].length)}${(n >> 16n).toString(16)}:${(n & 0xffffn).toString(16)}`;
  }
  const [head, tail] = text.includes('::') ? text.split('::') : [text, undefined];
  const h = head ? head.split(':') : [];
  const t = tail !== undefined ? (tail ? tail.split(':') : []) : [];
  const groups = tail !== undefined ? [...h, ...Array<string>(8 - h.length - t.length).fill('0'), ...t] : h;
  return groups.reduce((acc, g) => (acc << 16n) | BigInt(parseInt(g || '0', 16)), 0n);
}

/** Parses `10.128.0.0/14` or `fd01::/48`; throws with the text when it is not a CIDR. */
export function parseCidr(text: string): Cidr {
  const m = /^([^/]+)\/(\d{1,3})$/.exec(text.trim());
  const family = m ? net.isIP(m[1]) : 0;
  if (!m || (family !== 4 && family !== 6)) throw new Error(`"${text}" is not a CIDR`);
  const bits = family === 4 ? 32 : 128;
  const prefix = Number(m[2]);
  if (prefix > bits) throw new Error(`"${text}" has a prefix longer than ${bits} bits`);
  const addr = family === 4 ? ipv4ToBigInt(m[1]) : ipv6ToBigInt(m[1]);
  const hostBits = BigInt(bits - prefix);
  const mask = (1n << hostBits) - 1n;
  const start = addr & ~mask & ((1n << BigInt(bits)) - 1n);
  return { text: text.trim(), family, start, end: start | mask };
}

export function overlaps(a: Cidr, b: Cidr): boolean {
  return a.family === b.family && a.start <= b.end && b.start <= a.end;
}

/** Each named network that overlaps a reserved range: `cluster network 100.64.0.0/14 overlaps 100.64.0.0/16 (join switch …)`. */
export function reservedOverlaps(
  networks: { kind: string; cidr: string }[],
  ranges: { cidr: string; use: string }[] = OVN_RESERVED,
): {
  overlaps: string[];
  unreadable: string[];
} {
  const reserved = ranges.map((r) => ({ ...r, parsed: parseCidr(r.cidr) }));
  const found: string[] = [];
  const unreadable: string[] = [];
  for (const n of networks) {
    let c: Cidr;
    try {
      c = parseCidr(n.cidr);
    } catch (err) {
      unreadable.push(`${n.kind} ${(err as Error).message}`);
      continue;
    }
    for (const r of reserved)
      if (overlaps(c, r.parsed))
        found.push(`${n.kind} ${n.cidr} overlaps ${r.cidr} (OVN-Kubernetes ${r.use})`);
  }
  return { overlaps: found, unreadable };
}

/** One of OVN-Kubernetes' internal ranges as this run will have it: the default or the input. */
export interface OvnInternalRange {
  key: keyof OvnSubnets;
  cidr: string;
  use: string;
  /** True when an input chose it. */
  chosen: boolean;
  /** Its field under spec.defaultNetwork.ovnKubernetesConfig in this release; undefined = not configurable. */
  field?: string;
}

// Where each range is set on Network.operator.openshift.io, by release: read from openshift/api's
// release-4.x branches, operator/v1/types_network.go (a field the release's CRD lacks is pruned by the
// API server without an error, so a wrong boundary would silently change nothing):
// - join switch: `v4InternalSubnet`/`v6InternalSubnet` from release-4.12 (PR #1207, merged 2022-07;
//   release-4.11 does not have it); `ipv4.internalJoinSubnet`/`ipv6.internalJoinSubnet` in release-4.16
//   (PR #1626), which deprecates v4InternalSubnet.
// - transit switch: `ipv4.internalTransitSwitchSubnet`/`ipv6.…` in release-4.16 (PR #1626; "can be
//   changed after installation", default 100.88.0.0/16). It was backported to release-4.15 (PR #1872,
//   2024-06) and release-4.14 (PR #1962, 2024-09), i.e. to later z-streams only, so 4.14/4.15 are
//   treated as not configurable (the default range).
// - masquerade: `gatewayConfig.ipv4.internalMasqueradeSubnet`/`gatewayConfig.ipv6.…` from release-4.14
//   (PR #1410, merged 2023-08); earlier releases use the default.
// The transit range is reserved on every release: a cluster migrated before 4.14 meets it at upgrade.
function fieldFor(key: keyof OvnSubnets, minor: number): string | undefined {
  const v = key.endsWith('V4') ? 'ipv4' : 'ipv6';
  if (key.startsWith('join')) {
    if (minor >= 16) return `${v}.internalJoinSubnet`;
    return minor >= 12 ? `${v === 'ipv4' ? 'v4' : 'v6'}InternalSubnet` : undefined;
  }
  if (key.startsWith('transit')) return minor >= 16 ? `${v}.internalTransitSwitchSubnet` : undefined;
  return minor >= 14 ? `gatewayConfig.${v}.internalMasqueradeSubnet` : undefined;
}

const DEFAULT_KEYS: (keyof OvnSubnets)[] = [
  'joinV4',
  'transitV4',
  'masqueradeV4',
  'joinV6',
  'masqueradeV6',
  'transitV6',
];

/** OVN-Kubernetes' internal ranges for release 4.`minor` with the inputs applied (defaults: OVN_RESERVED). */
export function ovnInternalRanges(minor: number, given: OvnSubnets = {}): OvnInternalRange[] {
  return DEFAULT_KEYS.map((key, i) => {
    const d = OVN_RESERVED[i];
    const field = fieldFor(key, minor);
    return {
      key,
      cidr: given[key] ?? d.cidr,
      use: d.use,
      chosen: given[key] !== undefined,
      ...(field ? { field } : {}),
    };
  });
}
