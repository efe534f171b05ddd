// mode rollback with strategy live: the live trigger with spec.networkType OpenShiftSDN on a cluster a
// live migration moved to OVN-Kubernetes, followed through the same five conditions to the end.
import { readFile } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { smallScenario, startHarness, type Harness } from '../helpers/twin-action.ts';
import { T } from '../twin/controllers/types.ts';

let h: Harness | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

const LIVE_ANNOTATION = 'network.openshift.io/network-type-migration';

describe('strategy live, mode rollback', () => {
  it('rolls a live-migrated 4.16 cluster back to OpenShift SDN with the live trigger', async () => {
    h = await startHarness(smallScenario({ version: '4.16.20' }));
    const migrated = await h.run({ strategy: 'live' });
    expect(migrated.outputs.result, migrated.stdout.slice(-3000)).toBe('migrated');
    const writesBefore = h.twin.timeline.clientWrites().length;

    const run = await h.run({ mode: 'rollback', strategy: 'live', 'artifact-name': 'rollback' });
    expect(run.code, run.stdout.slice(-4000)).toBe(0);
    expect(run.outputs.result).toBe('rolled-back');
    expect(run.outputs['network-type']).toBe('OpenShiftSDN');
    expect(run.summary).toContain('**Strategy:** live: 4.16.20 supports it');
    expect(run.summary).toContain('C-rollback — live rollback to OpenShift SDN');

    // Its writes to Network.config: the trigger toward OpenShift SDN, then the annotation removed.
    const config = h.twin.timeline
      .clientWrites()
      .slice(writesBefore)
      .filter((e) => e.object === 'Network.config.openshift.io/cluster')
      .map((e) => `${e.verb} ${e.change}`);
    expect(config).toEqual([
      `patch metadata.annotations.${LIVE_ANNOTATION}: (none) → ""; spec.networkType: "OVNKubernetes" → "OpenShiftSDN"`,
      `patch metadata.annotations.${LIVE_ANNOTATION}: "" → (none)`,
    ]);
    const after = h.twin.store.get(T.networkConfig, undefined, 'cluster');
    expect((after?.status as { networkType?: string }).networkType).toBe('OpenShiftSDN');

    // MCO rebooted every node twice more (four in all); the action none.
    const kubelet = h.twin.timeline.entries.filter((e) => e.actor === 'kubelet' && e.verb === 'reboot');
    for (const n of h.twin.scenario.nodes)
      expect(kubelet.filter((e) => e.object === `Node/${n.name}`).length, n.name).toBe(4);
    expect(
      h.twin.timeline.entries.filter((e) => /^(ssh|exec):/.test(e.actor) && e.verb === 'reboot'),
    ).toEqual([]);

    const report = JSON.parse(await readFile(run.outputs['report-path'], 'utf8')) as {
      liveConditions?: { condition: string; status: string; reason?: string }[];
    };
    const rows = (report.liveConditions ?? []).map((r) => `${r.condition} ${r.status}`);
    expect(rows.indexOf('InProgress True')).toBeGreaterThanOrEqual(0);
    expect(rows.indexOf('InProgress True')).toBeLessThan(rows.indexOf('TargetCNIInUse True'));
    expect(rows.at(-5)).toBe('InProgress False');
  });
});
