// Interruptions: a runner that dies (SIGKILL) at every step boundary and in the middle of each wait
// and of the reboot fan-out, and a cancel (SIGINT) in each phase. Every time, a new run with the same
// inputs on a fresh runner finishes the migration, verification passes, no node reboots more than the
// procedure needs, and the uploaded backup is the original from before the first change, byte for byte.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { variantA } from '../../src/procedure/variant-a.ts';
import { variantB } from '../../src/procedure/variant-b.ts';
import type { Variant } from '../../src/procedure/types.ts';
import { startHarness, type Harness } from '../helpers/twin-action.ts';
import type { ActionRun } from '../helpers/run-action.ts';
import { findType } from '../twin/resources.ts';
import type { ScenarioInput } from '../twin/scenario.ts';

let h: Harness | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

function cluster(version: string): ScenarioInput {
  return {
    version,
    nodes: [
      { name: 'master-0', pool: 'master' },
      { name: 'worker-0', pool: 'worker' },
      { name: 'worker-1', pool: 'worker' },
    ],
    pools: [{ name: 'master' }, { name: 'worker' }],
    podsPerNode: 1,
    timing: { msPerSecond: 2 },
  };
}

/** Log lines at which the runner is killed: each step's start, and the middle of waits and of the fan-out. */
function killPoints(variant: Variant): string[] {
  // A step starts with "→ title", or logs "✓ title — already done" when there is nothing to do.
  const steps = variant.phases.flatMap((p) => p.steps.map((s) => s.title));
  return [
    ...steps,
    'waiting for daemonset openshift-multus/multus',
    'waiting for every MachineConfigPool',
    'reboot command sent',
    'waiting for namespace openshift-sdn',
  ];
}

const ARTIFACT = (attempt: number) => `migration-attempt-${attempt}`;

function firstBackup(run: ActionRun): string | undefined {
  const f = join(run.runnerTemp, ARTIFACT(1), 'backup', 'cluster-openshift-sdn.yaml');
  return existsSync(f) ? readFileSync(f, 'utf8') : undefined;
}

async function interruptThenFinish(h: Harness, marker: string, how: 'kill' | 'cancel') {
  const stop = new AbortController();
  let seen = false;
  let out = '';
  let stoppedAt = 0;
  const first = await h.run(
    { 'artifact-name': ARTIFACT(1) },
    {
      [how === 'kill' ? 'kill' : 'signal']: stop.signal,
      onStdout: (chunk: string) => {
        out += chunk;
        if (!seen && out.includes(marker)) {
          seen = true;
          stoppedAt = Date.now();
          stop.abort();
        }
      },
    },
  );
  const exitedAfterMs = Date.now() - stoppedAt;
  expect(seen, `marker "${marker}" never appeared`).toBe(true);
  // A new runner: fresh RUNNER_TEMP, same inputs.
  const second = await h.run({ 'artifact-name': ARTIFACT(2) });
  return { first, second, exitedAfterMs };
}

function expectFinished(h: Harness, first: ActionRun, second: ActionRun, rebootsPerNode: number) {
  expect(second.code, second.stdout.slice(-4000)).toBe(0);
  expect(['migrated', 'already-migrated']).toContain(second.outputs.result);
  const cfg = h.twin.store.get(findType('config.openshift.io', 'networks')!, undefined, 'cluster')!;
  expect((cfg.status as { networkType: string }).networkType).toBe('OVNKubernetes');
  for (const n of h.twin.scenario.nodes) {
    expect(h.twin.controllers.rebootCount(n.name), `reboots of ${n.name}`).toBeLessThanOrEqual(
      rebootsPerNode,
    );
  }
  const art = h.results.artifacts.find((a) => a.name === ARTIFACT(2))!;
  expect(art, 'second run uploaded its artifact').toBeDefined();
  const uploaded = art.files.get('backup/cluster-openshift-sdn.yaml')?.toString('utf8');
  expect(uploaded, 'backup uploaded').toBeDefined();
  expect(parse(uploaded!).spec.networkType).toBe('OpenShiftSDN');
  expect(parse(uploaded!).status.migration ?? null).toBeNull();
  const original = firstBackup(first);
  if (original !== undefined) expect(uploaded).toBe(original);
  // The checkpoint is gone once the migration is complete.
  expect(
    h.twin.store.get(
      findType('', 'configmaps')!,
      'openshift-network-operator',
      'sdn-to-ovn-migration-checkpoint',
    ),
  ).toBeUndefined();
}

describe('a runner killed (SIGKILL) at every step boundary and mid-wait, then a new run', () => {
  for (const [version, variant] of [
    ['4.14.12', variantB],
    ['4.6.21', variantA],
  ] as const) {
    for (const marker of killPoints(variant)) {
      it(`${version}: killed at "${marker}"`, async () => {
        h = await startHarness(cluster(version));
        const { first, second } = await interruptThenFinish(h, marker, 'kill');
        expect(first.signal).toBe('SIGKILL');
        // Variant A and B both reboot each node twice: once by the action, once by MCO.
        expectFinished(h, first, second, 2);
      });
    }
  }
});

describe('cancel (SIGINT) in each phase', () => {
  for (const [i, phase] of variantB.phases.entries()) {
    it(`4.14: cancelled in phase ${i + 1} "${phase.title}" exits within 5 s with the summary and checkpoint, and a re-run completes`, async () => {
      h = await startHarness(cluster('4.14.12'));
      const { first, second, exitedAfterMs } = await interruptThenFinish(
        h,
        `::group::Phase ${i + 1}/`,
        'cancel',
      );
      expect(exitedAfterMs).toBeLessThan(5_000);
      expect(first.code).toBe(1);
      expect(first.summary).toContain('cancelled');
      expect(first.summary).toMatch(/Re-run the workflow with the same inputs to continue/);
      expect(first.outputs.result).toBe('cancelled');
      if (i >= 1) {
        // After the backup the checkpoint exists and the artifact carries the backup.
        expect(
          h.twin.timeline.entries.some((e) =>
            e.object.startsWith('ConfigMap/openshift-network-operator/sdn-to-ovn'),
          ),
        ).toBe(true);
        expect(
          h.results.artifacts
            .find((a) => a.name === ARTIFACT(1))
            ?.files.has('backup/cluster-openshift-sdn.yaml'),
        ).toBe(true);
      }
      expectFinished(h, first, second, 2);
    });
  }
});
