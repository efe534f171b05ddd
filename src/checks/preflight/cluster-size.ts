// Red Hat documents the offline migration for clusters up to 500 nodes (live: 150): beyond that it has
// not been tested, and the reboots and MCO rollouts take long. A warning with the estimate, not a refusal.
import { estimateDuration } from '../estimate.ts';
import type { PreflightCheck } from './types.ts';

export const OFFLINE_NODE_LIMIT = 500;

function hours(ms: number): string {
  return `${(ms / 3_600_000).toFixed(1)} h`;
}

export const clusterSizeCheck: PreflightCheck = {
  id: 'cluster-size',
  title: `Cluster size within the tested limit (${OFFLINE_NODE_LIMIT} nodes for offline migration)`,
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
    });
    const est = `estimated ${hours(estimate.totalMs)} (${estimate.parts.map((p) => `${p.what}: ${hours(p.ms)}`).join('; ')})`;
    return nodes.length > OFFLINE_NODE_LIMIT
      ? {
          ok: false,
          detail: `${nodes.length} nodes, above the ${OFFLINE_NODE_LIMIT} an offline migration is documented for — ${est}; plan the maintenance window for it, or migrate in a tested size`,
        }
      : { ok: true, detail: `${nodes.length} node(s); ${est}` };
  },
};
