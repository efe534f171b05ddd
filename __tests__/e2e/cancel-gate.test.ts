// Cancel stops before the next change: dist/index.js is cancelled (SIGINT, as the runner does) at every
// await point of both variants — each phase's start (the SIGINT lands while the first step's isDone()
// reads the cluster, i.e. between isDone and apply), each step's apply, inside the waits (multus, MCO,
// the namespace deletion) and inside the reboot fan-out. "The moment of the signal" is when the action
// logs "Received SIGINT" (it aborts the run's signal right after writing that line): from then on the
// twin must receive no request that could change the cluster and no reboot command. The test reads
// that line from a pipe, and the twin reads the action's requests and SSH packets from sockets, all in
// this process: a pipe that already had output waiting can be read before a socket whose data was
// written earlier. So the cut is taken at the end of the event loop turn that read the line, once
// everything that had reached this process by then is handled. A change a step starts after the
// signal comes at least one round trip through the twin later (its read before its write), so it
// still lands after the cut; the narrower window of a command written as its SSH channel opens is
// covered deterministically by __tests__/nodes/ssh-cancel.test.ts.
//
// One exception, and only one: the checkpoint ConfigMap. A cancelled run writes where it stopped so
// that the next run can continue; that is the run's own bookkeeping, not a change to the cluster's
// network, and it is the only ConfigMap the action writes. Every other create/update/patch/delete
// request counts (counted from the twin's request counters, so even a refused or failed write would
// show), as does every change the timeline records for an API client.
//
// The cancels are chained to keep the wall time down: each run is cancelled at the next point, and
// continues from the checkpoint of the one before. When a point is not reached because an earlier run
// got further than its cancel (a wait already over), that run completes the migration; the chain then
// starts again on a fresh cluster from that point. Every chain ends with a run that completes.
import { describe, expect, it } from 'vitest';
import { variantA } from '../../src/procedure/variant-a.ts';
import { variantB } from '../../src/procedure/variant-b.ts';
import type { Variant } from '../../src/procedure/types.ts';
import { smallScenario, startHarness, type Harness } from '../helpers/twin-action.ts';
import type { ActionRun } from '../helpers/run-action.ts';
import { findType } from '../twin/resources.ts';
import type { ScenarioInput } from '../twin/scenario.ts';
import type { TimelineEntry } from '../twin/timeline.ts';

const CHECKPOINT_NS = 'openshift-network-operator';
const CHECKPOINT_NAME = 'sdn-to-ovn-migration-checkpoint';
const CHECKPOINT = `ConfigMap/${CHECKPOINT_NS}/${CHECKPOINT_NAME}`;
/** Request counter keys (`<verb> <resource>`) that could change the cluster, but the checkpoint's. */
const MUTATING = /^(create|update|patch|delete|deletecollection) (?!selfsubjectaccessreviews\.|configmaps$)/;

function scenario(version: string): ScenarioInput {
  return smallScenario({
    version,
    pools: [{ name: 'master' }, { name: 'worker' }],
    podsPerNode: 1,
    // Waits long enough (a few hundred ms) that a run starting one always logs that it waits.
    timing: { msPerSecond: 2, multusPodRestartSeconds: 50, namespaceTerminatingSeconds: 150 },
  });
}

interface CancelPoint {
  label: string;
  reached: (stdout: string) => boolean;
}

/** Log lines that show a wait or the fan-out under way, by the id of the step that runs it. */
const INSIDE: Record<string, string> = {
  'mco-rollout': 'waiting for every MachineConfigPool',
  'multus-rollout': 'waiting for daemonset openshift-multus/multus',
  'reboot-nodes': 'reboot command sent',
  'delete-sdn-namespace': 'waiting for namespace openshift-sdn',
};

/** Every await point of a variant, in the order a run meets them. */
function cancelPoints(variant: Variant): CancelPoint[] {
  const points: CancelPoint[] = [];
  for (const [i, phase] of variant.phases.entries()) {
    const group = `::group::Phase ${i + 1}/${variant.phases.length}: ${phase.title}`;
    points.push({ label: `start of phase "${phase.title}"`, reached: (out) => out.includes(group) });
    for (const step of phase.steps) {
      // Inside first: a cancel there leaves the step to do, so the next run starts it again.
      const inside = INSIDE[step.id];
      if (inside) points.push({ label: `inside "${step.title}"`, reached: (out) => out.includes(inside) });
      // "→ title" is logged right before apply(); "✓ title" when an earlier run already did it.
      points.push({
        label: `apply of "${step.title}"`,
        reached: (out) => out.includes(`→ ${step.title}`) || out.includes(`✓ ${step.title}`),
      });
    }
  }
  return points;
}

interface Cut {
  entries: number;
  counters: Map<string, number>;
}

/** What the twin received after the cut that it must not have. */
function violations(h: Harness, cut: Cut): string[] {
  const out: string[] = [];
  const after: TimelineEntry[] = h.twin.timeline.entries.slice(cut.entries);
  for (const e of after) {
    if (e.actor.startsWith('client:') && e.object !== CHECKPOINT)
      out.push(`change by the action: ${e.verb} ${e.object} ${e.change}`);
    if (e.actor.startsWith('ssh:') && e.verb === 'reboot')
      out.push(`reboot command: ${e.object} ${e.change}`);
  }
  for (const [key, n] of h.twin.timeline.counters) {
    const more = n - (cut.counters.get(key) ?? 0);
    if (MUTATING.test(key) && more > 0) out.push(`${more} request(s): ${key}`);
  }
  return out;
}

/** One run, cancelled when `point` is reached; the cut is taken when the action says it got the signal. */
async function runCancelledAt(h: Harness, point: CancelPoint, n: number, onReached?: () => void) {
  const stop = new AbortController();
  let out = '';
  let reached = false;
  let signalled = false;
  let cut: Cut | undefined;
  const run = await h.run(
    { 'artifact-name': `cancel-${n}` },
    {
      signal: stop.signal,
      onStdout: (chunk: string) => {
        out += chunk;
        if (!reached && point.reached(out)) {
          reached = true;
          onReached?.();
          stop.abort();
        }
        if (reached && !signalled && out.includes('Received SIGINT')) {
          signalled = true;
          // The pipe may be read before a socket that got the action's last writes from before the
          // signal: let this turn of the event loop handle what had already arrived, then cut.
          setImmediate(() => {
            cut = { entries: h.twin.timeline.entries.length, counters: new Map(h.twin.timeline.counters) };
          });
        }
      },
    },
  );
  return { run, reached, cut };
}

function expectMigrated(h: Harness, run: ActionRun): void {
  expect(run.code, run.stdout.slice(-3000)).toBe(0);
  expect(run.outputs.result).toBe('migrated');
  const cfg = h.twin.store.get(findType('config.openshift.io', 'networks')!, undefined, 'cluster')!;
  expect((cfg.status as { networkType: string }).networkType).toBe('OVNKubernetes');
  // Each node rebooted once by the action and once by MCO, however many cancels came in between.
  for (const node of h.twin.scenario.nodes)
    expect(h.twin.controllers.rebootCount(node.name), `reboots of ${node.name}`).toBeLessThanOrEqual(2);
  // The checkpoint is gone once the migration is complete.
  expect(h.twin.store.get(findType('', 'configmaps')!, CHECKPOINT_NS, CHECKPOINT_NAME)).toBeUndefined();
}

async function cancelEverywhere(version: string, variant: Variant): Promise<string[]> {
  const points = cancelPoints(variant);
  const visited: string[] = [];
  let h = await startHarness(scenario(version));
  let fresh = true;
  let completed = false;
  let n = 0;
  try {
    for (let i = 0; i < points.length; i++) {
      const point = points[i];
      const { run, reached, cut } = await runCancelledAt(h, point, ++n);
      if (reached) {
        expect(cut, `${point.label}: the action never said it received SIGINT`).toBeDefined();
        expect(violations(h, cut!), `cancelled at ${point.label}`).toEqual([]);
      }
      if (run.outputs.result === 'migrated') {
        // The run finished before the cancel took hold, or never met the point because an earlier run
        // got past it: either way this run completed the migration.
        expectMigrated(h, run);
        if (reached && i === points.length - 1) {
          // The last point: nothing was left to change.
          visited.push(point.label);
          completed = true;
          break;
        }
        expect(fresh, `${point.label} was not reached in time, even on a fresh cluster`).toBe(false);
        await h.stop();
        h = await startHarness(scenario(version));
        fresh = true;
        i--;
        continue;
      }
      fresh = false;
      visited.push(point.label);
      expect(reached, `${point.label}: ${run.stdout.slice(-2000)}`).toBe(true);
      expect(run.outputs.result, `${point.label}: ${run.stdout.slice(-2000)}`).toBe('cancelled');
      expect(run.code).toBe(1);
    }
    // The run after the last cancel continues and completes.
    if (!completed) expectMigrated(h, await h.run({ 'artifact-name': `cancel-${++n}` }));
  } finally {
    await h.stop();
  }
  return visited;
}

describe('a cancel stops before the next change', () => {
  for (const [version, variant] of [
    ['4.14.12', variantB],
    ['4.6.21', variantA],
  ] as const) {
    it(`${version} (procedure ${variant.id}): cancelled at every await point, the twin gets no change and no reboot after the signal, and a re-run completes`, async () => {
      const visited = await cancelEverywhere(version, variant);
      expect(visited).toEqual(cancelPoints(variant).map((p) => p.label));
    }, 600_000);
  }

  it('4.14: cancelled as "Switch the default network" starts, spec.networkType is not switched (the issue\'s example), and a re-run completes', async () => {
    const h = await startHarness(scenario('4.14.12'));
    try {
      const index = variantB.phases.findIndex((p) => p.id === 'switch');
      const phase = variantB.phases[index];
      const group = `::group::Phase ${index + 1}/${variantB.phases.length}: ${phase.title}`;
      // Slow answers from here on, so that the signal surely arrives before the step could get to its
      // write: what is tested is what happens after the signal, not a race.
      const { run, reached, cut } = await runCancelledAt(
        h,
        { label: 'switch', reached: (o) => o.includes(group) },
        1,
        () => h.twin.faults.add({ kind: 'api-latency', ms: 100 }),
      );
      h.twin.faults.clear('api-latency');
      expect(reached).toBe(true);
      expect(run.outputs.result).toBe('cancelled');
      expect(violations(h, cut!)).toEqual([]);
      const cfg = h.twin.store.get(findType('config.openshift.io', 'networks')!, undefined, 'cluster')!;
      expect((cfg.spec as { networkType: string }).networkType).toBe('OpenShiftSDN');
      expectMigrated(h, await h.run({ 'artifact-name': 'cancel-2' }));
    } finally {
      await h.stop();
    }
  }, 120_000);
});
