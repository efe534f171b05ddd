// `ip` (iproute2) as a node answers it: a loopback and one primary interface, `ens3`, carrying the
// node's scenario MTU (what the action reads to bound the overlay MTU), and a default route over it.
import type { NodeSpec } from '../scenario.ts';
import type { CommandResult } from './shell.ts';

/** The primary interface name every twin node uses. */
export const PRIMARY_INTERFACE = 'ens3';

interface Link {
  ifindex: number;
  ifname: string;
  flags: string[];
  mtu: number;
  qdisc: string;
  operstate: string;
  linkmode: string;
  group: string;
  txqlen: number;
  link_type: string;
  address: string;
  broadcast: string;
}

export function linksOf(node: NodeSpec, nodeIndex: number): Link[] {
  const hi = (nodeIndex >> 8) & 0xff;
  const lo = nodeIndex & 0xff;
  const mac = `52:54:00:${hex(hi)}:${hex(lo)}:${hex((nodeIndex * 7 + 1) & 0xff)}`;
  return [
    {
      ifindex: 1,
      ifname: 'lo',
      flags: ['LOOPBACK', 'UP', 'LOWER_UP'],
      mtu: 65536,
      qdisc: 'noqueue',
      operstate: 'UNKNOWN',
      linkmode: 'DEFAULT',
      group: 'default',
      txqlen: 1000,
      link_type: 'loopback',
      address: '00:00:00:00:00:00',
      broadcast: '00:00:00:00:00:00',
    },
    {
      ifindex: 2,
      ifname: PRIMARY_INTERFACE,
      flags: ['BROADCAST', 'MULTICAST', 'UP', 'LOWER_UP'],
      mtu: node.mtu,
      qdisc: 'fq_codel',
      operstate: 'UP',
      linkmode: 'DEFAULT',
      group: 'default',
      txqlen: 1000,
      link_type: 'ether',
      address: mac,
      broadcast: 'ff:ff:ff:ff:ff:ff',
    },
  ];
}

function hex(n: number): string {
  return n.toString(16).padStart(2, '0');
}

function linkText(l: Link, oneline: boolean): string {
  const head = `${l.ifindex}: ${l.ifname}: <${l.flags.join(',')}> mtu ${l.mtu} qdisc ${l.qdisc} state ${l.operstate} mode ${l.linkmode} group ${l.group} qlen ${l.txqlen}`;
  const tail = `    link/${l.link_type} ${l.address} brd ${l.broadcast}`;
  return oneline ? `${head}\\${tail}\n` : `${head}\n${tail}\n`;
}

const GATEWAY = '10.0.0.1';

/** `ip [-j] [-p] [-o] link|route [show|list] [dev] ...`, the forms the action and operators use. */
export function ipCommand(args: string[], node: NodeSpec, nodeIndex: number): CommandResult {
  let json = false;
  let pretty = false;
  let oneline = false;
  let i = 0;
  for (; i < args.length && args[i].startsWith('-'); i++) {
    const opt = args[i];
    if (opt === '-j' || opt === '-json' || opt === '--json') json = true;
    else if (opt === '-p' || opt === '-pretty') pretty = true;
    else if (opt === '-o' || opt === '-oneline') oneline = true;
    else if (/^-[jpo]+$/.test(opt)) {
      json ||= opt.includes('j');
      pretty ||= opt.includes('p');
      oneline ||= opt.includes('o');
    } else return { stdout: '', stderr: `Option "${opt}" is unknown, try "ip -help".\n`, code: 255 };
  }
  const object = args[i++] ?? '';
  let rest = args.slice(i);
  if (rest[0] === 'show' || rest[0] === 'list' || rest[0] === 'ls') rest = rest.slice(1);
  else if (rest.length && !['dev', 'default'].includes(rest[0]) && object !== 'link')
    return { stdout: '', stderr: `Command "${rest[0]}" is unknown, try "ip ${object} help".\n`, code: 255 };
  const out = (v: unknown) => `${JSON.stringify(v, null, pretty ? 4 : undefined)}\n`;
  if (object && 'link'.startsWith(object)) {
    if (rest[0] === 'dev') rest = rest.slice(1);
    let links = linksOf(node, nodeIndex);
    if (rest[0]) {
      links = links.filter((l) => l.ifname === rest[0]);
      if (!links.length) return { stdout: '', stderr: `Device "${rest[0]}" does not exist.\n`, code: 1 };
    }
    return {
      stdout: json ? out(links) : links.map((l) => linkText(l, oneline)).join(''),
      stderr: '',
      code: 0,
    };
  }
  if (object && 'route'.startsWith(object)) {
    const routes = [
      { dst: 'default', gateway: GATEWAY, dev: PRIMARY_INTERFACE, protocol: 'dhcp', metric: 100, flags: [] },
      {
        dst: '10.0.0.0/16',
        dev: PRIMARY_INTERFACE,
        protocol: 'kernel',
        scope: 'link',
        prefsrc: '10.0.0.10',
        metric: 100,
        flags: [],
      },
      // Routes an administrator added on the primary interface (NetworkManager marks them `static`).
      ...(node.staticRoutes ?? []).map((r) => ({
        dst: r.dst,
        gateway: r.via,
        dev: PRIMARY_INTERFACE,
        protocol: 'static',
        metric: 100,
        flags: [],
      })),
    ];
    const shown = rest[0] === 'default' ? routes.slice(0, 1) : routes;
    const text = shown
      .map((r) =>
        r.dst === 'default'
          ? `default via ${GATEWAY} dev ${r.dev} proto ${r.protocol} metric ${r.metric} \n`
          : r.protocol === 'static'
            ? `${r.dst} via ${r.gateway} dev ${r.dev} proto static metric ${r.metric} \n`
            : `${r.dst} dev ${r.dev} proto kernel scope link src 10.0.0.10 metric ${r.metric} \n`,
      )
      .join('');
    return { stdout: json ? out(shown) : text, stderr: '', code: 0 };
  }
  if (object && 'address'.startsWith(object)) {
    if (rest[0] === 'dev') rest = rest.slice(1);
    let links = linksOf(node, nodeIndex).map((l) => ({ ...l, addr_info: addressesOf(node, l.ifname) }));
    if (rest[0]) {
      links = links.filter((l) => l.ifname === rest[0]);
      if (!links.length) return { stdout: '', stderr: `Device "${rest[0]}" does not exist.\n`, code: 1 };
    }
    const text = links
      .map(
        (l) =>
          linkText(l, false) +
          l.addr_info
            .map((a) => `    ${a.family} ${a.local}/${a.prefixlen} scope ${a.scope} ${l.ifname}\n`)
            .join(''),
      )
      .join('');
    return { stdout: json ? out(links) : text, stderr: '', code: 0 };
  }
  return { stdout: '', stderr: `Object "${object}" is unknown, try "ip help".\n`, code: 1 };
}

interface AddrInfo {
  family: 'inet' | 'inet6';
  local: string;
  prefixlen: number;
  scope: string;
}

/** `ip addr` addresses: the loopback's, the primary interface's own and any the scenario adds to it. */
function addressesOf(node: NodeSpec, ifname: string): AddrInfo[] {
  if (ifname === 'lo') return [{ family: 'inet', local: '127.0.0.1', prefixlen: 8, scope: 'host' }];
  const extra = (node.extraAddresses ?? []).map((cidr): AddrInfo => {
    const [local, prefix] = cidr.split('/');
    return {
      family: local.includes(':') ? 'inet6' : 'inet',
      local,
      prefixlen: Number(prefix),
      scope: 'global',
    };
  });
  return [{ family: 'inet', local: '10.0.0.10', prefixlen: 16, scope: 'global' }, ...extra];
}
