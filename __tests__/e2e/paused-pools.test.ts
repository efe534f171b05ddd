// A pool an administrator paused before the run, through dist/index.js on OpenShift 4.6 (procedure A,
// which unpauses every pool): the plan names what the pool holds back, and after verification the pool
// is paused again, the report saying so.
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { indexOf, lastIndexOf, startHarness, type Harness } from '../helpers/twin-action.ts';
import { findType } from '../twin/resources.ts';
import type { TimelineEntry } from '../twin/timeline.ts';

const CLIENT = (e: TimelineEntry) => e.actor.startsWith('client:');
const pool = (name: string) => `MachineConfigPool.machineconfiguration.openshift.io/${name}`;

let h: Harness | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

describe('a pool paused before the run (procedure A)', () => {
  it('is planned with its pending change, and is paused again after verification', async () => {
    h = await startHarness({
      version: '4.6.21',
      nodes: [{ name: 'master-0' }, { name: 'worker-0' }, { name: 'worker-1' }],
      pools: [{ name: 'worker', paused: true }],
      podsPerNode: 1,
      timing: { msPerSecond: 1, etcdBackupSeconds: 1 },
    });
    const twin = h.twin;
    const plan = await h.run({ mode: 'plan' });
    expect(plan.code, plan.stdout).toBe(0);
    const planned = JSON.parse(readFileSync(plan.outputs['report-path'], 'utf8')).plan as {
      step: string;
      changes: string[];
    }[];
    const repause = planned.find((p) => p.step.startsWith('Pause again'))!;
    expect(repause.changes).toEqual([
      expect.stringMatching(
        new RegExp(
          `^${pool('worker').replace(/\./g, '\\.')}: paused, no change held back \\(spec and status both on rendered-worker-`,
        ),
      ),
      `${pool('worker')} spec.paused = true (after verification)`,
    ]);
    expect(plan.summary).toContain('Pause again the MachineConfigPools that were paused before the run');
    expect(twin.timeline.clientWrites()).toEqual([]);

    const run = await h.run();
    expect(run.code, run.stdout).toBe(0);
    expect(run.outputs.result).toBe('migrated');
    const pools = findType('machineconfiguration.openshift.io', 'machineconfigpools')!;
    const paused = (name: string) =>
      (twin.store.get(pools, undefined, name)!.spec as { paused?: boolean }).paused;
    expect(paused('worker')).toBe(true);
    expect(paused('master')).toBe(false);
    // Order: unpaused for the migration, paused again after the reboots and the MCO rollout, before cleanup.
    const unpause = indexOf(
      twin,
      (e) => CLIENT(e) && e.object === pool('worker') && e.change.includes('spec.paused: true → false'),
    );
    const repaused = lastIndexOf(
      twin,
      (e) => CLIENT(e) && e.object === pool('worker') && /spec\.paused: false → true/.test(e.change),
    );
    const cleanup = indexOf(
      twin,
      (e) => CLIENT(e) && e.verb === 'delete' && e.object === 'Namespace/openshift-sdn',
    );
    expect(unpause).toBeGreaterThan(0);
    expect(repaused).toBeGreaterThan(unpause);
    expect(cleanup).toBeGreaterThan(repaused);
    const master = twin.timeline.entries.filter((e) => CLIENT(e) && e.object === pool('master'));
    expect(master.map((e) => e.change)).toEqual([
      expect.stringMatching(/spec\.paused: (false|\(none\)) → true/),
      expect.stringMatching(/spec\.paused: true → false/),
    ]);
    const report = JSON.parse(readFileSync(run.outputs['report-path'], 'utf8'));
    expect(report.changes).toContainEqual(
      expect.objectContaining({
        step: 'repause-pools',
        object: pool('worker'),
        field: 'spec.paused',
        from: false,
        to: true,
      }),
    );
    expect(report.phases.map((p: { id: string }) => p.id)).toContain('restore-pauses');
    expect(run.summary).toContain('worker were paused before the run and are paused again');
  }, 120_000);
});
