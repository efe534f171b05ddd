// Input max-unavailable against the cluster: a value that drains more of a pool's nodes at once than a
// PodDisruptionBudget allows does not make the rollout faster — the drains wait on the budget (and a
// budget that allows none stalls a node until it is deleted or relaxed) — and a count above the pool's
// nodes means "all of them at once". Both are warnings naming what to look at; the plan also shows
// what the value does to the rounds of the rollout.
import type { KObject, ListRef } from '../../cluster/types.ts';
import { PODS_ALL } from '../../cluster/types.ts';
import { nodesAtOnce } from '../../inputs/max-unavailable.ts';
import { isControlPlanePool, rolloutValue, roundsLine } from '../../procedure/pool-max-unavailable.ts';
import type { PreflightCheck } from './types.ts';

const PDBS: ListRef = { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget' };

type Labels = Record<string, string>;
interface Requirement {
  key: string;
  operator: string;
  values?: string[];
}

/** A label selector (matchLabels and matchExpressions) against labels; an empty selector selects all. */
export function selects(selector: unknown, labels: Labels = {}): boolean {
  const s = (selector ?? {}) as { matchLabels?: Labels; matchExpressions?: Requirement[] };
  const byLabel = Object.entries(s.matchLabels ?? {}).every(([k, v]) => labels[k] === v);
  return (
    byLabel &&
    (s.matchExpressions ?? []).every((r) => {
      const has = r.key in labels;
      if (r.operator === 'In') return has && (r.values ?? []).includes(labels[r.key]);
      if (r.operator === 'NotIn') return !has || !(r.values ?? []).includes(labels[r.key]);
      if (r.operator === 'Exists') return has;
      if (r.operator === 'DoesNotExist') return !has;
      return false;
    })
  );
}

/** The nodes of a pool: its spec.nodeSelector, or the node-role label of its name. */
export function poolNodes(pool: KObject, nodes: KObject[]): string[] {
  const sel = pool.spec?.nodeSelector ?? {
    matchLabels: { [`node-role.kubernetes.io/${pool.metadata.name}`]: '' },
  };
  return nodes.filter((n) => selects(sel, n.metadata.labels)).map((n) => n.metadata.name);
}

/** Budgets that allow fewer evictions at once than the pool would drain nodes holding their pods. */
export function limitingBudgets(
  pool: KObject,
  atOnce: number,
  members: string[],
  pdbs: KObject[],
  pods: KObject[],
): string[] {
  const inPool = new Set(members);
  return pdbs.flatMap((pdb) => {
    const allowed = Number(pdb.status?.disruptionsAllowed ?? 0);
    const on = new Set(
      pods
        .filter((p) => p.metadata.namespace === pdb.metadata.namespace)
        .filter((p) => selects(pdb.spec?.selector, p.metadata.labels))
        .map((p) => String(p.spec?.nodeName ?? ''))
        .filter((n) => inPool.has(n)),
    );
    const drained = Math.min(atOnce, on.size);
    if (drained <= allowed) return [];
    return [
      `PodDisruptionBudget ${pdb.metadata.namespace}/${pdb.metadata.name}: allows ${allowed} eviction(s) at once; its pods are on ${on.size} node(s) of pool ${pool.metadata.name}, which would drain ${atOnce} at a time`,
    ];
  });
}

export const maxUnavailableCheck: PreflightCheck = {
  id: 'max-unavailable',
  title: 'max-unavailable fits the pools and the PodDisruptionBudgets',
  severity: 'warn',
  applies: { when: (f) => f.ctx.settings.maxUnavailable !== undefined },
  run: async (f) => {
    const input = f.ctx.settings.maxUnavailable!;
    const [pools, nodes] = [await f.pools(), await f.nodes()];
    if (!pools || !nodes) throw new Error('the MachineConfigPools or the nodes could not be listed');
    const [pdbs, pods] = await Promise.all([
      f.ctx.cluster.list(PDBS).then((l) => l.items),
      f.ctx.cluster.list(PODS_ALL).then((l) => l.items),
    ]);
    const problems: string[] = [];
    const effect: string[] = [];
    for (const pool of pools) {
      const v = rolloutValue(pool, input);
      if (v === undefined) continue;
      const members = poolNodes(pool, nodes);
      const atOnce = nodesAtOnce(v, members.length);
      effect.push(roundsLine(pool, v));
      if (isControlPlanePool(pool)) continue;
      if (typeof v === 'number' && v > members.length)
        problems.push(
          `pool ${pool.metadata.name}: ${v} exceeds its ${members.length} node(s) — every node would be drained at once`,
        );
      problems.push(...limitingBudgets(pool, atOnce, members, pdbs, pods));
    }
    if (!problems.length)
      return {
        ok: true,
        detail: `max-unavailable ${JSON.stringify(input)}: ${effect.join('; ')}`,
        items: effect,
      };
    return {
      ok: false,
      detail: `max-unavailable ${JSON.stringify(input)} drains more nodes at once than the cluster lets go: drains wait on the budgets named (the rollout is slower than estimated), or lower max-unavailable`,
      items: [...problems, ...effect],
    };
  },
};
