// Fault soak: a whole migration of a 50-node twin with every transient fault switched on — HTTP 500,
// 503 and 429 (Retry-After) bursts on reads, writes and watches, watch streams cut every 300 ms, API
// latency, 409 conflicts, connections reset without an answer, SSH connections reset on the first
// try — ends exactly where a run without faults ends.
import { afterEach, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../helpers/twin-action.ts';
import { findType } from '../twin/resources.ts';
import type { Fault, ScenarioInput } from '../twin/scenario.ts';

let h: Harness | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

export const transientFaults: Fault[] = [
  { kind: 'http-errors', route: '^GET /apis/config\\.openshift\\.io/v1/networks', status: 503, count: 3 },
  { kind: 'http-errors', route: '^PATCH ', status: 500, count: 3 },
  { kind: 'http-errors', route: '^GET /api/v1/nodes(\\?|$)', status: 429, count: 3, retryAfterSeconds: 1 },
  { kind: 'http-errors', route: 'watch=', status: 503, count: 5 },
  {
    kind: 'http-errors',
    route: '^GET /apis/machineconfiguration\\.openshift\\.io/v1/machineconfigpools',
    status: 500,
    count: 3,
  },
  { kind: 'http-errors', route: '^PATCH /apis/machineconfiguration', status: 409, count: 2 },
  {
    kind: 'http-errors',
    route: '^GET /apis/apps/v1/namespaces/openshift-multus/daemonsets',
    status: 0,
    count: 2,
  },
  { kind: 'http-errors', route: '^GET /api/v1/pods', status: 0, count: 1 },
  { kind: 'watch-cut', afterMs: 300 },
  { kind: 'api-latency', ms: 3 },
  ...[0, 7, 19, 33, 48].map((i): Fault => ({ kind: 'ssh-reset', node: `worker-${i}`, count: 1 })),
];

export function scenario(faults: Fault[]): ScenarioInput {
  return {
    version: '4.14.12',
    nodes: [
      { name: 'master-0', pool: 'master' },
      { name: 'master-1', pool: 'master' },
    ],
    nodeSets: [{ prefix: 'worker-', count: 50, pool: 'worker' }],
    pools: [{ name: 'master' }, { name: 'worker', maxUnavailable: 5 }],
    podsPerNode: 2,
    timing: { msPerSecond: 1 },
    faults,
  };
}

function endState(h: Harness) {
  const t = (g: string, p: string) => findType(g, p)!;
  const cfg = h.twin.store.get(t('config.openshift.io', 'networks'), undefined, 'cluster')!;
  const op = h.twin.store.get(t('operator.openshift.io', 'networks'), undefined, 'cluster')!;
  return {
    networkType: (cfg.status as { networkType: string }).networkType,
    migration: (op.spec as { migration?: unknown }).migration ?? null,
    sdnNamespace: h.twin.store.get(t('', 'namespaces'), undefined, 'openshift-sdn') !== undefined,
    reboots: h.twin.scenario.nodes.map((n) => h!.twin.controllers.rebootCount(n.name)),
  };
}

describe('fault soak, 52 nodes', () => {
  it('completes with every transient fault switched on, with the same end state as without faults', async () => {
    h = await startHarness(scenario([]));
    const clean = await h.run();
    expect(clean.code, clean.stdout.slice(-3000)).toBe(0);
    const expected = endState(h);
    await h.stop();

    h = await startHarness(scenario(transientFaults));
    const run = await h.run();
    expect(run.code, run.stdout.slice(-3000)).toBe(0);
    expect(run.outputs.result).toBe('migrated');
    expect(endState(h)).toEqual(expected);
    const fired = Object.fromEntries(h.twin.faults.fired);
    const retries = run.stdout.split('\n').filter((l) => /retrying|retry/i.test(l)).length;
    // Figures for the record (the closing note quotes them).
    console.log(
      `soak: faults fired ${JSON.stringify(fired)}; retry log lines ${retries}; API requests ${h.twin.timeline.totalRequests()}`,
    );
    expect(fired['http-errors']).toBeGreaterThanOrEqual(12);
    expect(fired['watch-cut']).toBeGreaterThan(0);
    expect(fired['ssh-reset']).toBe(5);
    expect(retries).toBeGreaterThan(0);
    // Each request retry is logged once: never more retry lines than injected HTTP errors and resets.
    expect(retries).toBeLessThanOrEqual(fired['http-errors'] + fired['ssh-reset']);
  }, 240_000);
});
