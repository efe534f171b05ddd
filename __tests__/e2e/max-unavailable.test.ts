// Input max-unavailable: the worker pool gets the temporary value for the MCO rollout, the master pool
// never goes above 1, and every pool's own value comes back — after the rollout, after a failure, after
// a cancel (through the narrow exemption from the cancel gate), and after a runner killed at every
// point between the change and the restore.
import { afterEach, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../helpers/twin-action.ts';
import { cluster, expectOriginals, interrupt, MASTER, WORKER } from './max-unavailable-support.ts';

let h: Harness | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

const INPUTS = { 'max-unavailable': '75%', 'max-parallel-reboots': '2' };

describe('max-unavailable', () => {
  it('4.14: the rollout runs with worker at 75% and master at 1; both get their own value back after it', async () => {
    h = await startHarness(cluster('4.14.12'));
    const run = await h.run(INPUTS);
    expect(run.code, run.stdout.slice(-3000)).toBe(0);
    expect(run.stdout).toContain(`changed ${WORKER} spec.maxUnavailable: 2 → "75%"`);
    expect(run.stdout).toContain(`changed ${MASTER} spec.maxUnavailable: 3 → 1`);
    expect(run.stdout).toContain(`changed ${WORKER} spec.maxUnavailable: "75%" → 2`);
    expect(run.stdout).toContain(`changed ${MASTER} spec.maxUnavailable: 1 → 3`);
    // Restored right after the rollout: before the network type switch.
    expect(run.stdout.indexOf(`"75%" → 2`)).toBeLessThan(run.stdout.indexOf('Switch the default network'));
    expectOriginals(h);
  });

  it('plan: names the change and its effect on the rounds', async () => {
    h = await startHarness(cluster('4.14.12'));
    const run = await h.run({ ...INPUTS, mode: 'plan' });
    expect(run.code, run.stdout.slice(-3000)).toBe(0);
    expect(run.summary).toContain('worker: 4 node(s), 3 at a time → 2 round(s) instead of 2');
    expect(run.summary).toContain('master: 3 node(s), 1 at a time → 3 round(s) instead of 1');
    expectOriginals(h);
  });

  it('a failed rollout (pool degraded) puts the pools back before the run ends; a re-run sets the value again', async () => {
    h = await startHarness(cluster('4.14.12'));
    h.twin.faults.add({ kind: 'pool-degraded', pool: 'worker', reason: 'test: node worker-1 failed' });
    const first = await h.run({ ...INPUTS, 'artifact-name': 'f1' });
    expect(first.code).toBe(1);
    expect(first.stdout).toContain(`changed ${WORKER} spec.maxUnavailable: 2 → "75%"`);
    expect(first.stdout).toContain(`changed ${WORKER} spec.maxUnavailable: "75%" → 2`);
    expectOriginals(h);
    // The checkpoint no longer counts the change as done: the next run makes it again (and, the pool
    // still degraded, puts it back again).
    const second = await h.run({ ...INPUTS, 'artifact-name': 'f2' });
    expect(second.code).toBe(1);
    expect(second.stdout).toContain(`changed ${WORKER} spec.maxUnavailable: 2 → "75%"`);
    expectOriginals(h);
  });

  it('a cancel during the rollout puts the pools back (past the cancel gate) before the run ends', async () => {
    h = await startHarness(cluster('4.14.12'));
    const first = await interrupt(
      h,
      { ...INPUTS, 'artifact-name': 'a1' },
      'waiting for every MachineConfigPool',
      'signal',
    );
    expect(first.code).toBe(1);
    expect(first.summary).toContain('cancelled');
    expectOriginals(h);
    const second = await h.run({ ...INPUTS, 'artifact-name': 'a2' });
    expect(second.code, second.stdout.slice(-3000)).toBe(0);
    expectOriginals(h);
  });
});

/** Every point between the change and the restore, as log lines at which the runner dies. */
const KILL_POINTS: Record<string, string[]> = {
  '4.14.12': [
    '→ Set the temporary maxUnavailable',
    `changed ${WORKER} spec.maxUnavailable: 2 → "75%"`,
    `changed ${MASTER} spec.maxUnavailable: 3 → 1`,
    'Set Network.operator.openshift.io cluster spec.migration.networkType',
    'waiting for every MachineConfigPool',
    "→ Put back every MachineConfigPool's own maxUnavailable",
    `changed ${WORKER} spec.maxUnavailable: "75%" → 2`,
  ],
  '4.6.21': [
    '→ Set the temporary maxUnavailable',
    `changed ${WORKER} spec.maxUnavailable: 2 → "75%"`,
    'Unpause every MachineConfigPool',
    'waiting for every MachineConfigPool',
    "→ Put back every MachineConfigPool's own maxUnavailable",
  ],
};

describe('a runner killed between the change and the restore: the next run puts the originals back', () => {
  for (const [version, markers] of Object.entries(KILL_POINTS))
    for (const marker of markers)
      it(`${version}: killed at "${marker}"`, async () => {
        h = await startHarness(cluster(version));
        const first = await interrupt(h, { ...INPUTS, 'artifact-name': 'k1' }, marker, 'kill');
        expect(first.signal).toBe('SIGKILL');
        const second = await h.run({ ...INPUTS, 'artifact-name': 'k2' });
        expect(second.code, second.stdout.slice(-3000)).toBe(0);
        expect(second.outputs.result).toBe('migrated');
        expectOriginals(h);
      });
});
