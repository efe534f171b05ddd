// A temporary maxUnavailable on the MachineConfigPools for the migration's MCO rollout (input
// max-unavailable): the MCO updates a pool maxUnavailable nodes at a time, one by default, so a
// 100-worker pool at ~6 min a node takes 10 hours. Non-master pools get the input's value; the
// control-plane pool never goes above 1 (etcd quorum).
//
// Every pool's own value is written to the checkpoint before the first pool is changed, and put back
// by the step right after the rollout — or, when the run stops before that step, by
// restoreAfterStop() on the failure / cancel path (src/runs/migrate.ts, rollback.ts). A runner killed in
// between leaves the checkpoint: the next run resumes, the rollout completes and the restore step runs
// (a rollback that takes a migration's checkpoint over keeps the recorded values for its own restore).
import type { Cluster } from '../cluster/client.ts';
import { POOLS, type KObject, type ObjectRef } from '../cluster/types.ts';
import { nodesAtOnce } from '../inputs/max-unavailable.ts';
import type { Logger } from '../util/log.ts';
import { recordChange, reportName } from './steps.ts';
import type { RunMemory, Step, StepContext } from './types.ts';

export const SET_STEP = 'set-pool-max-unavailable';
export const RESTORE_STEP = 'restore-pool-max-unavailable';

/** What the run remembers (in the checkpoint): each pool's own value (null = unset) and what it set. */
export interface MaxUnavailableMemory {
  before: Record<string, number | string | null>;
  set: Record<string, number | string>;
  /** The restore began: some pools may be back on their own value already. */
  restoring?: boolean;
}

type Value = number | string | null;

const poolRef = (name: string): ObjectRef => ({ apiVersion: POOLS.apiVersion, kind: POOLS.kind, name });
const machinesOf = (p: KObject): number => Number(p.status?.machineCount ?? 0);
const valueOf = (p: KObject): Value => (p.spec?.maxUnavailable as Value | undefined) ?? null;
const same = (a: Value | undefined, b: Value | undefined): boolean => String(a ?? '') === String(b ?? '');

export function memoryOf(memory: RunMemory): MaxUnavailableMemory | undefined {
  return memory.maxUnavailable as MaxUnavailableMemory | undefined;
}

export function isControlPlanePool(p: KObject): boolean {
  return p.metadata.name === 'master';
}

/**
 * The value a pool gets for the rollout, or undefined to leave it: the input for non-master pools; for
 * master, 1 when its own value lets more than one node go at once, else left as it is.
 */
export function rolloutValue(p: KObject, input: number | string): number | string | undefined {
  if (!isControlPlanePool(p)) return input;
  return nodesAtOnce(valueOf(p), machinesOf(p)) > 1 ? 1 : undefined;
}

/** "worker: 100 nodes, 10 at a time → 10 rounds instead of 100" */
export function roundsLine(p: KObject, value: Value): string {
  const m = machinesOf(p);
  const now = nodesAtOnce(valueOf(p), m);
  const then = nodesAtOnce(value, m);
  const r = (k: number) => Math.ceil(m / Math.max(1, k));
  return `${p.metadata.name}: ${m} node(s), ${then} at a time → ${r(then)} round(s) instead of ${r(now)}`;
}

function planLines(pools: KObject[], input: number | string): string[] {
  return pools.flatMap((p) => {
    const v = rolloutValue(p, input);
    if (v === undefined || same(v, valueOf(p))) return [];
    return [
      `${reportName(poolRef(p.metadata.name))} spec.maxUnavailable = ${JSON.stringify(v)} (now ${JSON.stringify(valueOf(p))}; put back after the MCO rollout) — ${roundsLine(p, v)}`,
    ];
  });
}

/** Records (once) each pool's own value, and what this run sets; saved before any pool changes. */
async function remember(
  ctx: StepContext,
  pools: KObject[],
  input: number | string,
): Promise<MaxUnavailableMemory> {
  const mem: MaxUnavailableMemory = memoryOf(ctx.memory) ?? { before: {}, set: {} };
  for (const p of pools) {
    // A re-run after a runner died part-way keeps what was recorded before the first change.
    if (!(p.metadata.name in mem.before)) mem.before[p.metadata.name] = valueOf(p);
    const v = rolloutValue(p, input);
    if (v !== undefined) mem.set[p.metadata.name] = v;
  }
  ctx.memory.maxUnavailable = mem;
  await ctx.saveProgress();
  return mem;
}

export function setPoolMaxUnavailable(): Step {
  return {
    id: SET_STEP,
    title: 'Set the temporary maxUnavailable on the MachineConfigPools for the MCO rollout',
    plan: async (ctx) => {
      const input = ctx.settings.maxUnavailable;
      return input === undefined ? [] : planLines((await ctx.cluster.list(POOLS)).items, input);
    },
    isDone: async (ctx) => {
      const input = ctx.settings.maxUnavailable;
      if (input === undefined) return true;
      const mem = memoryOf(ctx.memory);
      if (mem?.restoring) return true;
      const pools = (await ctx.cluster.list(POOLS)).items;
      return pools.every((p) => {
        const v = mem?.set[p.metadata.name] ?? rolloutValue(p, input);
        return v === undefined || same(v, valueOf(p));
      });
    },
    apply: async (ctx) => {
      const pools = (await ctx.cluster.list(POOLS)).items;
      const mem = await remember(ctx, pools, ctx.settings.maxUnavailable!);
      for (const p of pools) {
        const v = mem.set[p.metadata.name];
        if (v === undefined || same(v, valueOf(p))) continue;
        const ref = poolRef(p.metadata.name);
        await ctx.cluster.mergePatch(ref, { spec: { maxUnavailable: v } });
        recordChange(ctx, SET_STEP, reportName(ref), 'spec.maxUnavailable', valueOf(p), v);
      }
    },
  };
}

/** Pools that still hold the value this run set (and not their own). */
function stillChanged(pools: KObject[], mem: MaxUnavailableMemory): KObject[] {
  return pools.filter((p) => {
    const name = p.metadata.name;
    return name in mem.set && same(valueOf(p), mem.set[name]) && !same(valueOf(p), mem.before[name]);
  });
}

export interface RestoreTarget {
  cluster: Cluster;
  log: Logger;
  memory: RunMemory;
  saveProgress(): Promise<void>;
  /** Records one change in the report. */
  changed(object: string, from: Value, to: Value): void;
}

/**
 * Puts each pool's own maxUnavailable back where it still holds the value this run set. A pool whose
 * value someone else changed meanwhile is left as they set it, with a warning.
 */
export async function restorePools(t: RestoreTarget): Promise<void> {
  const mem = memoryOf(t.memory);
  if (!mem) return;
  mem.restoring = true;
  await t.saveProgress();
  const pools = (await t.cluster.list(POOLS)).items;
  for (const p of stillChanged(pools, mem)) {
    const ref = poolRef(p.metadata.name);
    const to = mem.before[p.metadata.name] ?? null;
    await t.cluster.mergePatch(ref, { spec: { maxUnavailable: to } });
    t.changed(reportName(ref), valueOf(p), to);
  }
  for (const p of pools.filter((x) => x.metadata.name in mem.set)) {
    const v = valueOf(p);
    if (!same(v, mem.set[p.metadata.name]) && !same(v, mem.before[p.metadata.name]))
      t.log.warn(
        `MachineConfigPool ${p.metadata.name} spec.maxUnavailable is ${JSON.stringify(v)}: someone changed it during the migration, so it is left as it is (its value before the run was ${JSON.stringify(mem.before[p.metadata.name])})`,
      );
  }
}

export function restorePoolMaxUnavailable(): Step {
  return {
    id: RESTORE_STEP,
    reverts: SET_STEP,
    title: "Put back every MachineConfigPool's own maxUnavailable",
    plan: async (ctx) => {
      const input = ctx.settings.maxUnavailable;
      const mem = memoryOf(ctx.memory);
      if (input === undefined && !mem) return [];
      const pools = (await ctx.cluster.list(POOLS)).items;
      return pools
        .filter(
          (p) =>
            mem?.set[p.metadata.name] !== undefined ||
            (input !== undefined && rolloutValue(p, input) !== undefined),
        )
        .map(
          (p) =>
            `${reportName(poolRef(p.metadata.name))} spec.maxUnavailable = ${JSON.stringify(mem?.before[p.metadata.name] ?? valueOf(p))} (its value before the run)`,
        );
    },
    isDone: async (ctx) => {
      const mem = memoryOf(ctx.memory);
      if (!mem) return true;
      return stillChanged((await ctx.cluster.list(POOLS)).items, mem).length === 0;
    },
    apply: (ctx) =>
      restorePools({
        cluster: ctx.cluster,
        log: ctx.log,
        memory: ctx.memory,
        saveProgress: ctx.saveProgress,
        changed: (object, from, to) =>
          recordChange(ctx, RESTORE_STEP, object, 'spec.maxUnavailable', from, to),
      }),
  };
}
