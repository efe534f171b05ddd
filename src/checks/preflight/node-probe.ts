// One round trip per node (SSH or API exec, through NodeAccess), shared by the node-access, MTU and
// primary-interface checks: `sudo -n true` proves passwordless sudo, and the same command reads the
// default route's interface and its MTU, and every route and address (what was added by hand on the
// primary interface).
import type { KObject } from '../../cluster/types.ts';
import { internalIPs, type NodeTarget } from '../../nodes/access.ts';
import type { StepContext } from '../../procedure/types.ts';
import { extraAddressesOn, staticRoutesOn } from './primary-interface.ts';
import type { NodeProbe } from './types.ts';

const SSH_CONCURRENCY = 16;
const PROBE_COMMAND =
  'sudo -n true && ip -j route show default && ip -j link show && ip -j route show && ip -j addr show';

export { internalIPs };

export function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Runs `work` over items, at most `width` at a time. */
async function inBatches<T, R>(items: T[], width: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await work(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(width, items.length) }, worker));
  return out;
}

/**
 * Default route interface and its MTU from `ip -j route show default` and `ip -j link show` output, and
 * when `ip -j route show` and `ip -j addr show` follow, what was added by hand on that interface.
 */
export function parseDefaultRouteMtu(stdout: string): {
  iface: string;
  mtu: number;
  primaryExtras?: string[];
} {
  // A parser's message quotes the text it failed on; node output is untrusted, so only the line is named.
  const arrays = stdout
    .split('\n')
    .map((l, i) => ({ text: l.trim(), line: i + 1 }))
    .filter((l) => l.text.startsWith('['))
    .map((l) => {
      try {
        return JSON.parse(l.text) as Record<string, unknown>[];
      } catch {
        throw new Error(`the \`ip -j\` output could not be parsed (line ${l.line})`);
      }
    });
  const [routes, links, allRoutes, addrs] = arrays;
  const dev = routes?.find((r) => r.dst === 'default')?.dev;
  if (typeof dev !== 'string') throw new Error('no default route in `ip -j route show default`');
  const mtu = links?.find((l) => l.ifname === dev)?.mtu;
  if (typeof mtu !== 'number') throw new Error(`interface ${dev} not in \`ip -j link show\``);
  if (!allRoutes || !addrs) return { iface: dev, mtu };
  return {
    iface: dev,
    mtu,
    primaryExtras: [...staticRoutesOn(allRoutes, dev), ...extraAddressesOn(addrs, dev)],
  };
}

/** Groups identical failure messages: `message (nodes: a, b, c)`. */
export function groupedFailures(failures: NodeProbe[]): string[] {
  const by = new Map<string, string[]>();
  for (const f of failures) by.set(f.error!, [...(by.get(f.error!) ?? []), f.name]);
  return [...by.entries()].map(([msg, nodes]) =>
    nodes.length === 1
      ? `${nodes[0]}: ${msg}`
      : `${msg} (${nodes.length} nodes: ${nodes.slice(0, 10).join(', ')}${nodes.length > 10 ? ', …' : ''})`,
  );
}

/** Probes every node (SSH host keys are recorded in the report as they are seen). */
export async function probeNodes(ctx: StepContext, nodes: KObject[]): Promise<NodeProbe[]> {
  const { access } = await ctx.nodes();
  const targets: NodeTarget[] = nodes.map((n) => ({ name: n.metadata.name, addresses: internalIPs(n) }));
  return inBatches(targets, SSH_CONCURRENCY, async (t): Promise<NodeProbe> => {
    try {
      const r = await access.exec(t, PROBE_COMMAND, { timeoutMs: 60_000, signal: ctx.signal });
      if (r.code !== 0)
        return { name: t.name, error: `exit ${r.code}: ${r.stderr.trim().split('\n').pop() ?? ''}` };
      const key = access.hostKey?.(t.name);
      if (key) ctx.report.node(t.name).hostKey = key.fingerprint;
      // Only SSH has a host key to verify; the API's identity was checked with its TLS certificate.
      const hostKeyVerified = access.kind === 'ssh' ? (key?.verified ?? true) : undefined;
      try {
        return { name: t.name, hostKeyVerified, ...parseDefaultRouteMtu(r.stdout) };
      } catch (err) {
        return { name: t.name, hostKeyVerified, mtu: undefined, iface: `(${message(err)})` };
      }
    } catch (err) {
      return { name: t.name, error: message(err) };
    }
  });
}
