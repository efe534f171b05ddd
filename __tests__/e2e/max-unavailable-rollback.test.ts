// Input max-unavailable in the rollbacks: the offline rollbacks' unpause rollout (and an undo's MCO
// rollout) runs with the temporary value, the master pool never above 1, and every pool's own value
// comes back — after the rollout, after a failed rollout, after a runner killed at every point between
// the change and the restore, and when a migration killed mid-rollout is rolled back instead of re-run.
import { afterEach, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../helpers/twin-action.ts';
import { cluster, expectOriginals, interrupt, MASTER, poolValue, WORKER } from './max-unavailable-support.ts';

let h: Harness | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

const ROLLBACK = { mode: 'rollback', 'max-unavailable': '75%', 'max-parallel-reboots': '2' };

/** A cluster migrated to OVN-Kubernetes by the action (no max-unavailable), ready to roll back. */
async function migrated(version: string): Promise<Harness> {
  const harness = await startHarness(cluster(version));
  const run = await harness.run({ 'artifact-name': 'migrate' });
  expect(run.code, run.stdout.slice(-3000)).toBe(0);
  expectOriginals(harness);
  return harness;
}

describe('max-unavailable in a rollback', () => {
  for (const version of ['4.14.12', '4.6.21'])
    it(`${version}: the unpause rollout runs with worker at 75% and master at 1; both get their own value back after it`, async () => {
      h = await migrated(version);
      const run = await h.run({ ...ROLLBACK, 'artifact-name': 'rollback' });
      expect(run.code, run.stdout.slice(-3000)).toBe(0);
      expect(run.outputs.result).toBe('rolled-back');
      const set = run.stdout.indexOf(`changed ${WORKER} spec.maxUnavailable: 2 → "75%"`);
      expect(set).toBeGreaterThan(-1);
      expect(run.stdout).toContain(`changed ${MASTER} spec.maxUnavailable: 3 → 1`);
      // Set before the pools are unpaused (the rollout starts then); put back after the rollout.
      expect(set).toBeLessThan(run.stdout.indexOf('→ Unpause every MachineConfigPool'));
      const back = run.stdout.indexOf(`changed ${WORKER} spec.maxUnavailable: "75%" → 2`);
      expect(back).toBeGreaterThan(run.stdout.indexOf('waiting for every MachineConfigPool'));
      expect(run.stdout).toContain(`changed ${MASTER} spec.maxUnavailable: 1 → 3`);
      expectOriginals(h);
    });

  it('plan-rollback names the change and its effect on the rounds', async () => {
    h = await migrated('4.14.12');
    const plan = await h.run({ ...ROLLBACK, mode: 'plan-rollback', 'artifact-name': 'plan' });
    expect(plan.code, plan.stdout.slice(-3000)).toBe(0);
    expect(plan.summary).toContain('worker: 4 node(s), 3 at a time → 2 round(s) instead of 2');
    // The preflight's max-unavailable warning, as for a migration.
    const tooMany = await h.run({
      ...ROLLBACK,
      'max-unavailable': '10',
      mode: 'plan-rollback',
      'artifact-name': 'p2',
    });
    expect(tooMany.code, tooMany.stdout.slice(-3000)).toBe(0);
    expect(tooMany.stdout).toContain(
      'pool worker: 10 exceeds its 4 node(s) — every node would be drained at once',
    );
    expectOriginals(h);
  });

  it("a cancel during the rollback's rollout puts the pools back (past the cancel gate) before the run ends", async () => {
    h = await migrated('4.14.12');
    const first = await interrupt(
      h,
      { ...ROLLBACK, 'artifact-name': 'c1' },
      'waiting for every MachineConfigPool',
      'signal',
    );
    expect(first.code).toBe(1);
    expect(first.summary).toContain('cancelled');
    expect(first.stdout).toContain(`changed ${WORKER} spec.maxUnavailable: "75%" → 2`);
    expectOriginals(h);
    const second = await h.run({ ...ROLLBACK, 'artifact-name': 'c2' });
    expect(second.code, second.stdout.slice(-3000)).toBe(0);
    expect(second.outputs.result).toBe('rolled-back');
    expectOriginals(h);
  });

  it("a rollback whose rollout fails puts the pools' own values back before it ends", async () => {
    h = await migrated('4.14.12');
    h.twin.faults.add({ kind: 'pool-degraded', pool: 'worker', reason: 'test: node worker-1 failed' });
    const run = await h.run({ ...ROLLBACK, 'artifact-name': 'rollback' });
    expect(run.code).toBe(1);
    expect(run.stdout).toContain(`changed ${WORKER} spec.maxUnavailable: 2 → "75%"`);
    expect(run.stdout).toContain(`changed ${WORKER} spec.maxUnavailable: "75%" → 2`);
    expect(run.stdout).toContain("Put back every MachineConfigPool's own maxUnavailable (the run stopped");
    expectOriginals(h);
  });

  it('a migration killed during its rollout, then rolled back (not re-run): the pools get their own values back', async () => {
    h = await startHarness(cluster('4.14.12'));
    const first = await interrupt(
      h,
      { 'max-unavailable': '75%', 'artifact-name': 'migrate' },
      'waiting for every MachineConfigPool',
    );
    expect(first.signal).toBe('SIGKILL');
    expect(poolValue(h, 'worker')).toBe('75%');
    // No max-unavailable this time: the rollback still puts back what the migration changed.
    const run = await h.run({ mode: 'rollback', 'artifact-name': 'rollback' });
    expect(run.code, run.stdout.slice(-3000)).toBe(0);
    expect(run.outputs.result).toBe('rolled-back');
    expect(run.stdout).toContain(`changed ${WORKER} spec.maxUnavailable: "75%" → 2`);
    expectOriginals(h);
  });
});

/** Every point of the B rollback between the change and the restore, as log lines at which the runner dies. */
const KILL_POINTS = [
  '→ Set the temporary maxUnavailable',
  `changed ${WORKER} spec.maxUnavailable: 2 → "75%"`,
  `changed ${MASTER} spec.maxUnavailable: 3 → 1`,
  '→ Unpause every MachineConfigPool',
  'waiting for every MachineConfigPool',
  "→ Put back every MachineConfigPool's own maxUnavailable",
  `changed ${WORKER} spec.maxUnavailable: "75%" → 2`,
];

describe('a rollback runner killed between the change and the restore: the next run puts the originals back', () => {
  for (const marker of KILL_POINTS)
    it(`4.14: killed at "${marker}"`, async () => {
      h = await migrated('4.14.12');
      const first = await interrupt(h, { ...ROLLBACK, 'artifact-name': 'k1' }, marker);
      expect(first.signal).toBe('SIGKILL');
      const second = await h.run({ ...ROLLBACK, 'artifact-name': 'k2' });
      expect(second.code, second.stdout.slice(-3000)).toBe(0);
      expect(second.outputs.result).toBe('rolled-back');
      expectOriginals(h);
    });
});
