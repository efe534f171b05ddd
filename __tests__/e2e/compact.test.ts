// A compact cluster end to end: three masters that are workers too, nothing else. Every node is a
// control-plane node, so the document's mass reboot takes the API down; the worker pool is empty. Both
// variants must still migrate, reboot each master once by SSH, and finish with every pool updated.
import { afterEach, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../helpers/twin-action.ts';
import { findType } from '../twin/resources.ts';

let h: Harness | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

const POOLS = findType('machineconfiguration.openshift.io', 'machineconfigpools')!;

describe.each([
  { version: '4.6', file: '__tests__/twin/scenarios/ocp-4.6-compact.yaml' },
  { version: '4.14', file: '__tests__/twin/scenarios/ocp-4.14-compact.yaml' },
])('mode: migrate on a compact $version cluster (masters that are workers)', ({ file }) => {
  it('migrates, reboots each master by SSH once, and leaves every pool updated', async () => {
    h = await startHarness(file);
    const twin = h.twin;
    const run = await h.run();
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.outputs.result).toBe('migrated');
    expect(run.outputs['network-type']).toBe('OVNKubernetes');
    const sshReboots = twin.timeline.entries.filter((e) => e.actor.startsWith('ssh') && e.verb === 'reboot');
    expect(sshReboots.map((e) => e.object).sort()).toEqual([
      'Node/master-0',
      'Node/master-1',
      'Node/master-2',
    ]);
    for (const pool of twin.store.list(POOLS)) {
      const status = pool.status as { machineCount: number; updatedMachineCount: number };
      expect(status.updatedMachineCount, pool.metadata.name).toBe(status.machineCount);
      expect(status.machineCount, pool.metadata.name).toBe(pool.metadata.name === 'master' ? 3 : 0);
    }
    // All three masters rebooted at once (max-parallel-reboots 0, as the document does): the API went away.
    expect(twin.api.outages()).toBeGreaterThanOrEqual(1);
    expect(run.stdout).toContain('Nodes that will be rebooted (3): master-0, master-1, master-2');
  });
});
