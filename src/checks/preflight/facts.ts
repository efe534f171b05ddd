// The cluster as the checks see it: every object read at most once per preflight, on first use, so a
// check is independent of the order and of which other checks ran.
import { nodeAccessOf } from '../../inputs/node-access.ts';
import { NETWORK_CONFIG, NETWORK_OPERATOR, NODES, POOLS, type KObject } from '../../cluster/types.ts';
import { parseVersion } from '../../procedure/select.ts';
import type { StepContext, Variant } from '../../procedure/types.ts';
import { type MachineNetworks, readMachineNetworks } from './install-config.ts';
import { message, probeNodes } from './node-probe.ts';
import type { NodeProbe, PreflightFacts, PreflightOptions } from './types.ts';

const INSTALL_CONFIG = {
  apiVersion: 'v1',
  kind: 'ConfigMap',
  namespace: 'kube-system',
  name: 'cluster-config-v1',
} as const;

/** Machine networks from the install-config the installer left in kube-system. */
async function machineNetworksOf(ctx: StepContext): Promise<MachineNetworks> {
  let text: string | undefined;
  try {
    const cm = await ctx.cluster.get(INSTALL_CONFIG);
    text = (cm?.data as Record<string, string> | undefined)?.['install-config'];
  } catch (err) {
    return { problem: `ConfigMap kube-system/cluster-config-v1 could not be read: ${message(err)}` };
  }
  if (!text) return { problem: 'ConfigMap kube-system/cluster-config-v1 has no install-config' };
  return readMachineNetworks(text);
}

export function clusterFacts(ctx: StepContext, variant: Variant, opts: PreflightOptions): PreflightFacts {
  const cache = new Map<string, Promise<unknown>>();
  const once = <T>(key: string, read: () => Promise<T>): Promise<T> => {
    if (!cache.has(key)) cache.set(key, read());
    return cache.get(key) as Promise<T>;
  };
  const orUndefined = <T>(p: Promise<T>) => p.catch(() => undefined);
  const facts: PreflightFacts = {
    ctx,
    variant,
    opts,
    minor: parseVersion(ctx.report.cluster.version ?? '').minor,
    operator: () => once('operator', () => orUndefined(ctx.cluster.get(NETWORK_OPERATOR))),
    config: () => once('config', () => orUndefined(ctx.cluster.get(NETWORK_CONFIG))),
    nodes: () => once('nodes', () => orUndefined(ctx.cluster.list(NODES).then((l) => l.items))),
    pools: () => once('pools', () => orUndefined(ctx.cluster.list(POOLS).then((l) => l.items))),
    machineNetworks: () => once('machineNetworks', () => machineNetworksOf(ctx)),
    probes: () =>
      once('probes', async (): Promise<NodeProbe[] | undefined> => {
        if (nodeAccessOf(ctx.settings).kind === 'ssh' && !ctx.settings.ssh.privateKey) return undefined;
        const nodes: KObject[] | undefined = await facts.nodes();
        if (!nodes) throw new Error('the nodes could not be listed');
        return probeNodes(ctx, nodes);
      }),
  };
  return facts;
}
