// Pools an administrator paused before the run. A paused pool holds back MachineConfigs: its spec
// points at a newer rendered config than its status (the one its nodes run). Procedure A unpauses every
// pool, so the held-back change rolls out with the migration; the plan names it per pool, and after
// verification the pools that were paused are paused again, as the administrator left them.
import { POOLS, type KObject, type ObjectRef } from '../cluster/types.ts';
import { recordChange, reportName } from './steps.ts';
import type { Step, StepContext } from './types.ts';

export interface PendingChange {
  pool: string;
  /** Rendered config the pool's spec points at (what unpausing rolls out). */
  specConfig: string;
  /** Rendered config the pool's nodes run (status). */
  statusConfig: string;
  /** MachineConfigs in the spec's configuration and not in the status's. */
  added: string[];
  /** MachineConfigs in the status's configuration and no longer in the spec's. */
  removed: string[];
}

const poolRef = (name: string): ObjectRef => ({ apiVersion: POOLS.apiVersion, kind: POOLS.kind, name });

function sourceNames(configuration: unknown): string[] {
  const source = (configuration as { source?: { name?: unknown }[] } | undefined)?.source ?? [];
  return source.map((s) => s.name).filter((n): n is string => typeof n === 'string');
}

/** What unpausing the pool would roll out: spec vs status configuration and the MachineConfigs that differ. */
export function pendingChange(pool: KObject): PendingChange {
  const spec = pool.spec?.configuration;
  const status = pool.status?.configuration;
  const inSpec = sourceNames(spec);
  const inStatus = sourceNames(status);
  return {
    pool: pool.metadata.name,
    specConfig: String(spec?.name ?? '(none)'),
    statusConfig: String(status?.name ?? '(none)'),
    added: inSpec.filter((n) => !inStatus.includes(n)),
    removed: inStatus.filter((n) => !inSpec.includes(n)),
  };
}

/** One line for the plan and the preflight check. */
export function describePending(p: PendingChange): string {
  const name = reportName(poolRef(p.pool));
  if (p.specConfig === p.statusConfig && !p.added.length && !p.removed.length)
    return `${name}: paused, no change held back (spec and status both on ${p.specConfig})`;
  const differ = [...p.added.map((n) => `+${n}`), ...p.removed.map((n) => `−${n}`)];
  return `${name}: paused, holding back spec ${p.specConfig} vs status ${p.statusConfig}${
    differ.length ? `; MachineConfigs that differ: ${differ.join(', ')}` : ''
  } — unpausing it for the migration rolls this out`;
}

/**
 * The pools paused before the run: recorded in the run's memory before the first pause (planning a
 * run that has not started, the pools paused now). Unknown (an older checkpoint) means none.
 */
export function pausedBefore(ctx: StepContext, pools: KObject[], planning = false): string[] {
  const recorded = ctx.memory.poolsPausedBefore;
  if (recorded) return Object.keys(recorded).filter((name) => recorded[name]);
  return planning ? pools.filter((p) => p.spec?.paused === true).map((p) => p.metadata.name) : [];
}

/** Records which pools are paused now, once, before the run pauses any. */
export function rememberPausedPools(ctx: StepContext, pools: KObject[]): void {
  ctx.memory.poolsPausedBefore ??= Object.fromEntries(
    pools.map((p) => [p.metadata.name, p.spec?.paused === true]),
  );
}

/** After verification: pause again every pool that was paused before the run, and say so. */
export function repausePools(): Step {
  return {
    id: 'repause-pools',
    // Planned whenever unpausing is: today's cluster still shows the pools paused.
    reverts: 'unpause-pools',
    title: 'Pause again the MachineConfigPools that were paused before the run',
    plan: async (ctx) => {
      const pools = (await ctx.cluster.list(POOLS)).items;
      const names = pausedBefore(ctx, pools, true);
      if (!names.length) return ['no pool was paused before the run: nothing to pause again'];
      return pools
        .filter((p) => names.includes(p.metadata.name))
        .flatMap((p) => [
          describePending(pendingChange(p)),
          `${reportName(poolRef(p.metadata.name))} spec.paused = true (after verification)`,
        ]);
    },
    isDone: async (ctx) => {
      const pools = (await ctx.cluster.list(POOLS)).items;
      const names = pausedBefore(ctx, pools);
      return pools.filter((p) => names.includes(p.metadata.name)).every((p) => p.spec?.paused === true);
    },
    apply: async (ctx) => {
      const pools = (await ctx.cluster.list(POOLS)).items;
      const names = pausedBefore(ctx, pools);
      for (const p of pools.filter((x) => names.includes(x.metadata.name))) {
        if (p.spec?.paused === true) continue;
        const ref = poolRef(p.metadata.name);
        await ctx.cluster.mergePatch(ref, { spec: { paused: true } });
        recordChange(ctx, 'repause-pools', reportName(ref), 'spec.paused', false, true);
      }
      if (names.length)
        ctx.report.warnings.push(
          `MachineConfigPool(s) ${names.join(', ')} were paused before the run and are paused again. While unpaused for the migration they rolled out every MachineConfig they were holding back; MachineConfigs added from now on wait until you unpause them.`,
        );
    },
  };
}
