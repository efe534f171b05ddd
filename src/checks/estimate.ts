// How long the migration should take, for the approver. The API does not say how long a node takes
// to boot (Node objects carry no boot time, and events expire), so the model takes a per-node reboot
// time and derives everything else from what the cluster and the inputs do say: the number of nodes,
// each pool's size and maxUnavailable, and max-parallel-reboots.
//
//   reboot time R    = min(10 min, reboot-timeout)      a bare-metal RHCOS reboot, bounded by what the
//                                                         run will wait for anyway
//   MCO update U     = 5 min (drain + write config) + R  per node, maxUnavailable nodes at a time
//   pool rollout     = ceil(machines / maxUnavailable) × U; pools roll out in parallel → the slowest
//   reboot phase     = ceil(nodes / parallel) × R        parallel = max-parallel-reboots, 0 = all
//   fixed overhead   = 10 min                             operator reactions, multus rollout, checks
//
// Variant A reboots every node, then unpauses the pools and MCO updates (and reboots) them; variant B
// has MCO roll out first, then reboots every node. Both are one MCO rollout plus one reboot phase.
import type { KObject } from '../cluster/types.ts';
import type { EstimateRecord } from '../report/model.ts';

export const ASSUMED_REBOOT_MS = 10 * 60_000;
export const ASSUMED_DRAIN_MS = 5 * 60_000;
export const FIXED_OVERHEAD_MS = 10 * 60_000;

/** A pool's maxUnavailable as a node count: an integer, or a percentage of its machines (rounded down, at least 1). */
export function maxUnavailableOf(pool: KObject): number {
  const raw = pool.spec?.maxUnavailable as number | string | undefined;
  const machines = Number(pool.status?.machineCount ?? 0);
  if (typeof raw === 'number' && raw > 0) return Math.floor(raw);
  if (typeof raw === 'string') {
    const pct = /^(\d+)%$/.exec(raw.trim());
    if (pct) return Math.max(1, Math.floor((machines * Number(pct[1])) / 100));
    if (/^\d+$/.test(raw.trim()) && Number(raw) > 0) return Number(raw);
  }
  return 1;
}

export function estimateDuration(o: {
  variantId: string;
  nodeCount: number;
  pools: KObject[];
  maxParallelReboots: number;
  rebootTimeoutMs: number;
}): EstimateRecord {
  const reboot = Math.min(ASSUMED_REBOOT_MS, o.rebootTimeoutMs);
  const update = ASSUMED_DRAIN_MS + reboot;
  const parallel = o.maxParallelReboots > 0 ? Math.min(o.maxParallelReboots, o.nodeCount) : o.nodeCount;
  const rebootRounds = parallel > 0 ? Math.ceil(o.nodeCount / parallel) : 0;
  const pools = o.pools.map((p) => {
    const machines = Number(p.status?.machineCount ?? 0);
    const mu = maxUnavailableOf(p);
    return { name: p.metadata.name, machines, mu, ms: Math.ceil(machines / mu) * update };
  });
  const slowest = pools.reduce<(typeof pools)[number] | undefined>(
    (a, p) => (!a || p.ms > a.ms ? p : a),
    undefined,
  );
  const mco = {
    what:
      o.variantId === 'A'
        ? 'MCO update after the pools are resumed'
        : 'MCO rollout of configure-ovs.sh OVNKubernetes',
    ms: slowest?.ms ?? 0,
    basis: slowest
      ? `pools in parallel; slowest ${slowest.name}: ${slowest.machines} node(s), maxUnavailable ${slowest.mu} → ${Math.ceil(slowest.machines / slowest.mu)} round(s) × ${Math.round(update / 60_000)} min`
      : 'no pools',
  };
  const rebootPart = {
    what: 'Reboot every node over SSH',
    ms: rebootRounds * reboot,
    basis: `${o.nodeCount} node(s), ${parallel} at a time → ${rebootRounds} round(s) × ${Math.round(reboot / 60_000)} min`,
  };
  const overhead = {
    what: 'Operator reactions, multus rollout, verification',
    ms: FIXED_OVERHEAD_MS,
    basis: 'fixed allowance',
  };
  const parts = o.variantId === 'A' ? [rebootPart, mco, overhead] : [mco, rebootPart, overhead];
  return {
    totalMs: parts.reduce((n, p) => n + p.ms, 0),
    parts,
    model:
      `Assumes a node reboot takes ${Math.round(reboot / 60_000)} min (10 min, or reboot-timeout if shorter: the API does not record boot durations) ` +
      `and an MCO node update ${Math.round(ASSUMED_DRAIN_MS / 60_000)} min of drain plus a reboot; pools update in parallel, ` +
      'maxUnavailable nodes at a time; max-parallel-reboots nodes reboot at once (0 = all); plus 10 min fixed. ' +
      'Slow drains (PodDisruptionBudgets) and slow firmware make it longer.',
  };
}
