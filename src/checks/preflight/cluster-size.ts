// Red Hat documents the offline migration for clusters up to 500 nodes and the limited live migration up
// to 150: beyond that it has not been tested, and the reboots and MCO rollouts take long. A warning with
// the estimate, not a refusal.
import { estimateDuration, rebootDelayOf } from '../estimate.ts';
import { isLive } from '../../procedure/variant-live.ts';
import type { PreflightCheck, PreflightFacts } from './types.ts';

export const OFFLINE_NODE_LIMIT = 500;
export const LIVE_NODE_LIMIT = 150;

const limitOf = (f: PreflightFacts) =>
  isLive(f.variant)
    ? { n: LIVE_NODE_LIMIT, what: 'a live migration' }
    : { n: OFFLINE_NODE_LIMIT, what: 'an offline migration' };

function hours(ms: number): string {
  return `${(ms / 3_600_000).toFixed(1)} h`;
}

export const clusterSizeCheck: PreflightCheck = {
  id: 'cluster-size',
  title: (f) => `Cluster size within the tested limit (${limitOf(f).n} nodes for ${limitOf(f).what})`,
  severity: 'warn',
  run: async (f) => {
    const nodes = await f.nodes();
    if (!nodes) throw new Error('the nodes could not be listed');
    const estimate = estimateDuration({
      variantId: f.variant.id,
      nodeCount: nodes.length,
      pools: (await f.pools()) ?? [],
      maxParallelReboots: f.ctx.settings.maxParallelReboots,
      rebootTimeoutMs: f.ctx.settings.rebootTimeoutMs,
      rebootDelayMs: rebootDelayOf(f.ctx.settings),
    });
    const est = `estimated ${hours(estimate.totalMs)} (${estimate.parts.map((p) => `${p.what}: ${hours(p.ms)}`).join('; ')})`;
    const limit = limitOf(f);
    return nodes.length > limit.n
      ? {
          ok: false,
          detail: `${nodes.length} nodes, above the ${limit.n} ${limit.what} is documented for — ${est}; plan the maintenance window for it, or migrate in a tested size`,
        }
      : { ok: true, detail: `${nodes.length} node(s); ${est}` };
  },
};
