// How long the migration should take, for the approver. Every figure says where it came from: the
// cluster where it records it, an assumption where it does not.
//
//   MCO node update U  = the median gap between consecutive Ready transitions of a pool's nodes, when
//                        its last MCO update left them one at a time (each node's Ready condition keeps
//                        the time it came back); else 5 min drain + a reboot R
//   reboot time R      = min(10 min, reboot-timeout): the API keeps no boot durations (a Node's Ready
//                        condition holds only its last transition)
//   pool rollout       = S + ceil(machines / maxUnavailable) × U; pools roll out in parallel → the
//                        slowest. S (the MCO rendering the config and picking it up, once per rollout)
//                        is 0 unless known: on a real cluster it is seconds beside U
//                        maxUnavailable is the pool's own, or the max-unavailable input during the run
//                        (every procedure, rollbacks included, sets it for its rollout)
//   reboot phase       = max-parallel-reboots 0: one round (all at once);
//                        above 0: the control-plane nodes one at a time (a round each), then
//                        ceil(other nodes / max-parallel-reboots) rounds; a round = D + R, D the
//                        wait of the reboot command (SSH's shutdown: 1 min; node-access api: 3 s)
//   fixed overhead     = 10 min                operator reactions, multus rollout, checks
//
// Variant A reboots every node, then unpauses the pools and MCO updates (and reboots) them; variant B
// has MCO roll out first, then reboots every node. Both are one MCO rollout plus one reboot phase.
// Both rollbacks (A-rollback, B-rollback) go as variant A does: reboot with the pools paused, then the
// MCO update; an undo (A-undo, B-undo: the network type never switched) is the MCO update alone.
import type { KObject } from '../cluster/types.ts';
import { nodesAtOnce } from '../inputs/max-unavailable.ts';
import { nodeAccessOf } from '../inputs/node-access.ts';
import { nodeMatchesPool } from '../openshift/objects.ts';
import { rolloutValue } from '../procedure/pool-max-unavailable.ts';
import type { EstimateRecord, PhaseRecord } from '../report/model.ts';

export const ASSUMED_REBOOT_MS = 10 * 60_000;
export const ASSUMED_DRAIN_MS = 5 * 60_000;
export const FIXED_OVERHEAD_MS = 10 * 60_000;
/**
 * Between the reboot command and the reboot: over SSH `shutdown -r -t 3` reboots a minute out
 * (systemd's shutdown on RHCOS takes `-t` as a compatibility no-op and its default time is "+1");
 * node-access api runs `systemd-run --on-active=3 systemctl reboot` (3 s).
 */
export const SHUTDOWN_DELAY_MS = 60_000;
export const API_REBOOT_DELAY_MS = 3_000;

/** The reboot command's wait for the run's node access. */
export function rebootDelayOf(settings: Parameters<typeof nodeAccessOf>[0]): number {
  return nodeAccessOf(settings).kind === 'api' ? API_REBOOT_DELAY_MS : SHUTDOWN_DELAY_MS;
}

/** A figure of the estimate and where it came from. */
export interface Figure {
  ms: number;
  source: string;
}

/** Timings given from elsewhere (a bench's known profile, a later run's record); each says its source. */
export interface KnownTimings {
  updateMs?: Figure;
  rebootMs?: Figure;
  overheadMs?: Figure;
  /** Once per rollout, before its first node: the MCO renders the config and its node controller picks it up. */
  rolloutStartMs?: Figure;
  /**
   * Live: from the switch of the network type, how long the network operator's daemonsets take to roll
   * out (multus re-rendered); the operator takes no further step until they have, so the second MCO
   * rollout, which starts at the same moment, ends the phase only when it is the longer of the two.
   */
  settleMs?: Figure;
}

/** A pool's maxUnavailable as a node count: an integer, or a percentage of its machines (rounded down, at least 1). */
export function maxUnavailableOf(pool: KObject): number {
  return nodesAtOnce(pool.spec?.maxUnavailable, Number(pool.status?.machineCount ?? 0));
}

const minutes = (ms: number) => `${Math.round(ms / 6_000) / 10} min`;

function readyAt(n: KObject): number | undefined {
  const c = (
    n.status?.conditions as { type: string; status: string; lastTransitionTime?: string }[] | undefined
  )?.find((x) => x.type === 'Ready');
  const t = c?.status === 'True' ? Date.parse(c.lastTransitionTime ?? '') : NaN;
  return Number.isFinite(t) ? t : undefined;
}

/**
 * U from the cluster: in a pool updated one node at a time, consecutive nodes came back Ready one
 * node update apart. Gaps under a minute (nodes that did not reboot together) or over an hour (not
 * the same rollout) are left out; at least two gaps are needed.
 */
export function learnUpdateTime(nodes: KObject[], pools: KObject[]): Figure | undefined {
  for (const pool of pools) {
    if (maxUnavailableOf(pool) !== 1) continue;
    const times = nodes
      .filter((n) => nodeMatchesPool(n, pool))
      .map(readyAt)
      .filter((t): t is number => t !== undefined)
      .sort((a, b) => a - b);
    const gaps = times
      .slice(1)
      .map((t, i) => t - times[i])
      .filter((g) => g >= 60_000 && g <= 3_600_000);
    if (gaps.length < 2) continue;
    const median = [...gaps].sort((a, b) => a - b)[Math.floor(gaps.length / 2)];
    return {
      ms: median,
      source: `cluster: median of ${gaps.length} gaps between the Ready transitions of pool ${pool.metadata.name}'s nodes (last MCO update, one node at a time)`,
    };
  }
  return undefined;
}

export interface EstimateOptions {
  variantId: string;
  nodeCount: number;
  pools: KObject[];
  maxParallelReboots: number;
  rebootTimeoutMs: number;
  /** The max-unavailable input: the pools' value during the rollout. */
  maxUnavailable?: number | string;
  /** Nodes, to learn the update time from. */
  nodes?: KObject[];
  known?: KnownTimings;
  /** Between the reboot command and the reboot (default SHUTDOWN_DELAY_MS: node access over SSH). */
  rebootDelayMs?: number;
}

function timings(o: EstimateOptions): Required<Omit<KnownTimings, 'rolloutStartMs' | 'settleMs'>> {
  const bound = Math.min(ASSUMED_REBOOT_MS, o.rebootTimeoutMs);
  const rebootMs = o.known?.rebootMs ?? {
    ms: bound,
    source: `assumed ${minutes(bound)} (10 min, or reboot-timeout if shorter: the API keeps no boot durations)`,
  };
  const updateMs = o.known?.updateMs ??
    learnUpdateTime(o.nodes ?? [], o.pools) ?? {
      ms: ASSUMED_DRAIN_MS + rebootMs.ms,
      source: `assumed ${minutes(ASSUMED_DRAIN_MS)} drain + the reboot time (the cluster shows no one-at-a-time MCO update to learn from)`,
    };
  const overheadMs = o.known?.overheadMs ?? { ms: FIXED_OVERHEAD_MS, source: 'assumed: fixed allowance' };
  return { rebootMs, updateMs, overheadMs };
}

/** Reboot first, then the MCO update after the pools are resumed: variant A and both rollbacks. */
const rebootsFirst = (id: string): boolean => id === 'A' || id.endsWith('-rollback') || id.endsWith('-undo');
/** An undo reboots no node itself: MCO rolls the OpenShift SDN configuration back. */
const noReboot = (id: string): boolean => id.endsWith('-undo');

function rolloutPart(o: EstimateOptions, update: Figure, start = o.known?.rolloutStartMs) {
  const pools = o.pools.map((p) => {
    const machines = Number(p.status?.machineCount ?? 0);
    const v = o.maxUnavailable === undefined ? undefined : rolloutValue(p, o.maxUnavailable);
    const mu = v === undefined ? maxUnavailableOf(p) : nodesAtOnce(v, machines);
    return { name: p.metadata.name, machines, mu, rounds: Math.ceil(machines / mu) };
  });
  const slowest = pools.reduce<(typeof pools)[number] | undefined>(
    (a, p) => (!a || p.rounds > a.rounds ? p : a),
    undefined,
  );
  return {
    phase: rebootsFirst(o.variantId) ? 'resume-pools' : 'prepare',
    what: rebootsFirst(o.variantId)
      ? 'MCO update after the pools are resumed'
      : 'MCO rollout of configure-ovs.sh OVNKubernetes',
    ms: slowest ? (start?.ms ?? 0) + slowest.rounds * update.ms : 0,
    basis: slowest
      ? `pools in parallel; slowest ${slowest.name}: ${slowest.machines} node(s), ${slowest.mu} at a time → ${slowest.rounds} round(s) × ${minutes(update.ms)} per node update (${update.source})${start ? `, after ${minutes(start.ms)} to start (${start.source})` : ''}`
      : 'no pools',
  };
}

function rebootPart(o: EstimateOptions, reboot: Figure) {
  const delay = o.rebootDelayMs ?? SHUTDOWN_DELAY_MS;
  const masters = Number(o.pools.find((p) => p.metadata.name === 'master')?.status?.machineCount ?? 0);
  const serial = o.maxParallelReboots > 0;
  const others = serial ? Math.max(0, o.nodeCount - masters) : o.nodeCount;
  const parallel = serial ? Math.min(o.maxParallelReboots, Math.max(1, others)) : o.nodeCount;
  const rounds = (serial ? masters : 0) + (others > 0 ? Math.ceil(others / parallel) : 0);
  const how = serial
    ? `${masters} control-plane node(s) one at a time, then ${others} other node(s) ${parallel} at a time`
    : `${o.nodeCount} node(s) all at once`;
  return {
    phase: 'reboot',
    what: 'Reboot every node over SSH',
    ms: rounds * (delay + reboot.ms),
    basis: `${how} → ${rounds} round(s) × (${minutes(delay)} until the reboot command reboots + ${minutes(reboot.ms)} (${reboot.source}))`,
  };
}

/**
 * Live: the operators roll every pool twice (MTU step, then the network type), pools in parallel; the
 * second rollout and the daemonsets' rollout after the switch run side by side (settleMs, when known).
 */
function liveRolloutPart(o: EstimateOptions, update: Figure) {
  const once = rolloutPart(o, update);
  const settle = o.known?.settleMs;
  const second = Math.max(once.ms, settle?.ms ?? 0);
  return {
    phase: 'follow',
    what: 'Two MCO rollouts started by the network operator (every node rebooted twice, rolling)',
    ms: once.ms + second,
    basis:
      settle && settle.ms > once.ms
        ? `${once.basis}; then, longer than the second rollout, ${minutes(settle.ms)} until the network daemonsets have rolled out after the switch (${settle.source})`
        : `2 × (${once.basis})`,
  };
}

function liveEstimate(o: EstimateOptions, t: ReturnType<typeof timings>): EstimateRecord {
  const parts = [
    liveRolloutPart(o, t.updateMs),
    {
      phase: 'other',
      what: 'Operator reactions, verification',
      ms: t.overheadMs.ms,
      basis: t.overheadMs.source,
    },
  ];
  return {
    totalMs: parts.reduce((n, p) => n + p.ms, 0),
    parts,
    model:
      `Live migration: the network operator has the Machine Config Operator roll every pool twice, at each pool's maxUnavailable (the max-unavailable input during the run); an MCO node update ${minutes(t.updateMs.ms)} (${t.updateMs.source}); ` +
      `pools update in parallel; no node is rebooted by this action and there is no cluster-wide network outage; plus ${minutes(t.overheadMs.ms)} (${t.overheadMs.source}). Slow drains (PodDisruptionBudgets) make it longer.`,
  };
}

export function estimateDuration(o: EstimateOptions): EstimateRecord {
  const t = timings(o);
  if (o.variantId.startsWith('C')) return liveEstimate(o, t);
  const mco = rolloutPart(o, t.updateMs);
  const reboot = rebootPart(o, t.rebootMs);
  const overhead = {
    phase: 'other',
    what: 'Operator reactions, multus rollout, verification',
    ms: t.overheadMs.ms,
    basis: t.overheadMs.source,
  };
  const parts = noReboot(o.variantId)
    ? [mco, overhead]
    : rebootsFirst(o.variantId)
      ? [reboot, mco, overhead]
      : [mco, reboot, overhead];
  return {
    totalMs: parts.reduce((n, p) => n + p.ms, 0),
    parts,
    model:
      `A node reboot takes ${minutes(t.rebootMs.ms)} (${t.rebootMs.source}); an MCO node update ${minutes(t.updateMs.ms)} (${t.updateMs.source}); ` +
      'pools update in parallel, maxUnavailable nodes at a time; max-parallel-reboots nodes reboot at once (0 = all), the control-plane nodes one at a time when above 0; ' +
      `plus ${minutes(t.overheadMs.ms)} (${t.overheadMs.source}). Slow drains (PodDisruptionBudgets) and slow firmware make it longer.`,
  };
}

export interface EstimateVsActual {
  phase: string;
  what: string;
  estimateMs: number;
  /** Sum of the durations of the phases this part covers; undefined when none ran to its end. */
  actualMs?: number;
}

/** The estimate's parts beside what the run's phases took ("other" = every phase no part names). */
export function compareWithActual(estimate: EstimateRecord, phases: PhaseRecord[]): EstimateVsActual[] {
  const named = new Set(estimate.parts.map((p) => p.phase));
  return estimate.parts.map((p) => {
    const mine = phases.filter((r) => (p.phase === 'other' ? !named.has(r.id) : r.id === p.phase));
    const ran = mine.filter((r) => r.durationMs !== undefined && r.outcome !== 'skipped');
    return {
      phase: p.phase ?? 'other',
      what: p.what,
      estimateMs: p.ms,
      ...(ran.length ? { actualMs: ran.reduce((n, r) => n + (r.durationMs ?? 0), 0) } : {}),
    };
  });
}
