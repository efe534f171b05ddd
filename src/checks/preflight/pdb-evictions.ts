// A PodDisruptionBudget that allows no eviction stops a node drain. Procedure B (and live migration)
// rolls the network change out through the MCO, which drains every node: such a budget stalls the
// rollout, so it is blocking there. Procedure A reboots nodes without draining (the MCO update after
// the pools resume does drain, but the network is already switched), so it is a warning there.
import type { KObject } from '../../cluster/types.ts';
import { listOrAbsent, nameOf } from './list-or-absent.ts';
import type { PreflightCheck } from './types.ts';

export const PDBS = { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget' } as const;

/** Why this budget allows no eviction, or undefined when it allows one. */
export function blocksEviction(pdb: KObject): string | undefined {
  const spec = (pdb.spec ?? {}) as { minAvailable?: number | string; maxUnavailable?: number | string };
  const st = (pdb.status ?? {}) as { currentHealthy?: number; expectedPods?: number };
  const ready = st.currentHealthy ?? 0;
  const mu = spec.maxUnavailable;
  if (mu === 0 || mu === '0' || mu === '0%') return `maxUnavailable ${mu}`;
  const min = spec.minAvailable;
  if (min === '100%') return `minAvailable 100% (${ready} ready pod(s))`;
  const minN =
    typeof min === 'number' ? min : typeof min === 'string' && /^\d+$/.test(min) ? Number(min) : undefined;
  if (minN !== undefined && minN > 0 && minN >= ready)
    return `minAvailable ${minN} with ${ready} ready pod(s)`;
  return undefined;
}

export const pdbEvictionsCheck: PreflightCheck = {
  id: 'pdb-evictions',
  title: 'Every PodDisruptionBudget allows an eviction',
  severity: 'blocking',
  run: async ({ ctx, variant }) => {
    const pdbs = await listOrAbsent(ctx, PDBS);
    if (!pdbs) throw new Error('PodDisruptionBudgets (policy/v1) could not be listed');
    const stuck = pdbs.flatMap((p) => {
      const why = blocksEviction(p);
      return why ? [`${nameOf(p)}: ${why}`] : [];
    });
    if (!stuck.length)
      return { ok: true, detail: `${pdbs.length} PodDisruptionBudget(s); each allows an eviction` };
    const drains = variant.id !== 'A';
    return {
      ok: false,
      severity: drains ? 'blocking' : 'warn',
      detail: drains
        ? `${stuck.length} PodDisruptionBudget(s) allow no eviction, and the MCO rollout of this procedure drains every node — the drain would stall; scale the workload up or relax minAvailable/maxUnavailable for the migration`
        : `${stuck.length} PodDisruptionBudget(s) allow no eviction — the MCO update after the pools resume drains nodes and would wait on them; scale the workload up or relax the budget`,
      items: stuck,
    };
  },
};
