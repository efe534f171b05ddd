// Preflight check max-unavailable: PodDisruptionBudgets that allow fewer evictions than the pool would
// drain at once are named, a count above the pool's nodes is named, and the plan's effect line says
// how many rounds the rollout takes.
import { describe, expect, it } from 'vitest';
import { maxUnavailableCheck, selects } from '../../src/checks/preflight/max-unavailable.ts';
import type { KObject } from '../../src/cluster/types.ts';
import { fakeFacts, node } from './preflight-fakes.ts';

const pool = (name: string, machines: number, maxUnavailable?: number | string): KObject => ({
  apiVersion: 'machineconfiguration.openshift.io/v1',
  kind: 'MachineConfigPool',
  metadata: { name },
  spec: maxUnavailable === undefined ? {} : { maxUnavailable },
  status: { machineCount: machines },
});

const pod = (name: string, nodeName: string, labels: Record<string, string>): KObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: 'shop', labels },
  spec: { nodeName },
});

const pdb = (name: string, allowed: number, selector: unknown): KObject => ({
  apiVersion: 'policy/v1',
  kind: 'PodDisruptionBudget',
  metadata: { name, namespace: 'shop' },
  spec: { selector },
  status: { disruptionsAllowed: allowed },
});

function facts(maxUnavailable: number | string, pdbs: KObject[], pods: KObject[]) {
  const workers = Array.from({ length: 10 }, (_, i) => node(`worker-${i}`));
  const f = fakeFacts({
    settings: { maxUnavailable },
    pools: [pool('master', 3), pool('worker', 10)],
    nodes: [node('master-0'), node('master-1'), node('master-2'), ...workers],
  });
  const lists: Record<string, KObject[]> = { PodDisruptionBudget: pdbs, Pod: pods };
  (f.ctx as { cluster: unknown }).cluster = {
    list: async (r: { kind: string }) => ({ items: lists[r.kind] ?? [] }),
  };
  return f;
}

const cartPods = [0, 1, 2, 3].map((i) => pod(`cart-${i}`, `worker-${i}`, { app: 'cart' }));

describe('preflight max-unavailable', () => {
  it('passes with the effect on the rounds when no budget limits the drains', async () => {
    const out = await maxUnavailableCheck.run(
      facts('20%', [pdb('cart', 2, { matchLabels: { app: 'cart' } })], cartPods),
    );
    expect(out.ok).toBe(true);
    expect(out.items).toContain('worker: 10 node(s), 2 at a time → 5 round(s) instead of 10');
  });

  it('names a budget that allows fewer evictions than the nodes drained at once', async () => {
    const out = await maxUnavailableCheck.run(
      facts(
        '50%',
        [pdb('cart', 1, { matchLabels: { app: 'cart' } }), pdb('other', 0, { matchLabels: { app: 'none' } })],
        cartPods,
      ),
    );
    expect(out.ok).toBe(false);
    expect(out.items!.join('\n')).toContain(
      'PodDisruptionBudget shop/cart: allows 1 eviction(s) at once; its pods are on 4 node(s) of pool worker, which would drain 5 at a time',
    );
    // A budget with no pods in the pool limits nothing.
    expect(out.items!.join('\n')).not.toContain('shop/other');
  });

  it("names a count above the pool's nodes; the master pool is never judged by the input", async () => {
    const out = await maxUnavailableCheck.run(facts(12, [], []));
    expect(out.ok).toBe(false);
    expect(out.items).toContain(
      'pool worker: 12 exceeds its 10 node(s) — every node would be drained at once',
    );
    expect(out.items!.join('\n')).not.toContain('pool master:');
  });

  it('label selectors: matchLabels and matchExpressions', () => {
    expect(selects({ matchExpressions: [{ key: 'a', operator: 'In', values: ['x'] }] }, { a: 'x' })).toBe(
      true,
    );
    expect(selects({ matchExpressions: [{ key: 'a', operator: 'NotIn', values: ['x'] }] }, { a: 'x' })).toBe(
      false,
    );
    expect(selects({ matchExpressions: [{ key: 'a', operator: 'DoesNotExist' }] }, {})).toBe(true);
    expect(selects({ matchLabels: { a: 'x' } }, { a: 'y' })).toBe(false);
  });
});
