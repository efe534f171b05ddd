// Optional inputs that move OVN-Kubernetes' internal subnets off addresses the cluster already uses,
// as Red Hat's "patching OVN-Kubernetes address ranges" does, instead of refusing the migration. This
// file checks what can be checked without the cluster (a CIDR of the right family and size, no overlap
// between them); the preflight network-ranges check compares them with the cluster, service and machine
// networks and the release (checks/cidr.ts ovnInternalRanges).
import { overlaps, parseCidr, type Cidr } from '../checks/cidr.ts';
import { InputError } from './input-error.ts';

export type OvnRange = 'join' | 'transit' | 'masquerade';
export type OvnSubnets = Partial<Record<`${OvnRange}V${4 | 6}`, string>>;

export const OVN_SUBNET_INPUTS = {
  joinV4: 'ovn-join-subnet-v4',
  joinV6: 'ovn-join-subnet-v6',
  transitV4: 'ovn-transit-subnet-v4',
  transitV6: 'ovn-transit-subnet-v6',
  masqueradeV4: 'ovn-masquerade-subnet-v4',
  masqueradeV6: 'ovn-masquerade-subnet-v6',
} as const satisfies Record<keyof OvnSubnets, string>;

/**
 * The longest prefix each range may have. Join and transit switches need one address per node (and
 * the network operator's API asks for room to grow: /30 is the floor it accepts for IPv4, /125 for
 * IPv6); the masquerade subnet holds a fixed set of addresses: at least /29 (IPv4) and /125 (IPv6),
 * the documented defaults' sizes (169.254.169.0/29, fd69::/125).
 */
const LONGEST_PREFIX: Record<keyof OvnSubnets, number> = {
  joinV4: 30,
  joinV6: 125,
  transitV4: 30,
  transitV6: 125,
  masqueradeV4: 29,
  masqueradeV6: 125,
};

/** Reads and validates the six inputs; `get` returns an input's text ('' when not given). */
export function readOvnSubnets(get: (name: string) => string): OvnSubnets {
  const out: OvnSubnets = {};
  const parsed: { key: keyof OvnSubnets; cidr: Cidr }[] = [];
  for (const [key, name] of Object.entries(OVN_SUBNET_INPUTS) as [keyof OvnSubnets, string][]) {
    const text = get(name).trim();
    if (!text) continue;
    const family = key.endsWith('V4') ? 4 : 6;
    const accepted = `an IPv${family} CIDR with a prefix of at most /${LONGEST_PREFIX[key]} that overlaps no other OVN-Kubernetes range nor the cluster, service or machine networks; empty = the default`;
    let cidr: Cidr;
    try {
      cidr = parseCidr(text);
    } catch (err) {
      throw new InputError(name, (err as Error).message, accepted);
    }
    if (cidr.family !== family) throw new InputError(name, `"${text}" is not an IPv${family} CIDR`, accepted);
    const prefix = Number(text.split('/')[1]);
    if (prefix > LONGEST_PREFIX[key]) throw new InputError(name, `"${text}" is too small`, accepted);
    if (!isNetworkAddress(cidr, text)) throw new InputError(name, `"${text}" has host bits set`, accepted);
    const clash = parsed.find((p) => overlaps(p.cidr, cidr));
    if (clash)
      throw new InputError(
        name,
        `"${text}" overlaps ${OVN_SUBNET_INPUTS[clash.key]} (${clash.cidr.text})`,
        accepted,
      );
    parsed.push({ key, cidr });
    out[key] = text;
  }
  return out;
}

/** True when the address as written is the network's first address (no host bits set). */
function isNetworkAddress(c: Cidr, text: string): boolean {
  const addr = text.trim().split('/')[0];
  return parseCidr(`${addr}/${c.family === 4 ? 32 : 128}`).start === c.start;
}
