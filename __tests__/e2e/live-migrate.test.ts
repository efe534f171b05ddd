// Issue 15 end to end: the bundled action migrates a 4.16 twin with strategy live — one merge-patch,
// then it follows the network operator's five conditions while the Machine Config Operator reboots every
// node twice; the action reboots nothing, removes the annotation when done and verifies.
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

/** Reboots by node: the kubelet records every boot; the action's own reboots are ssh:/exec: requests. */
function reboots(h: Harness) {
  const entries = h.twin.timeline.entries;
  const byMco = new Map<string, number>();
  for (const e of entries.filter((x) => x.actor === 'kubelet' && x.verb === 'reboot'))
    byMco.set(e.object, (byMco.get(e.object) ?? 0) + 1);
  const byAction = entries.filter((e) => /^(ssh|exec):/.test(e.actor) && e.verb === 'reboot');
  return { byMco, byAction };
}

describe('strategy live, 4.16', () => {
  it('migrates to OVN-Kubernetes: MCO reboots every node twice, the action none; conditions in order; annotation removed', async () => {
    h = await startHarness(smallScenario({ version: '4.16.20' }));
    const run = await h.run({ strategy: 'live' });
    expect(run.code, run.stdout.slice(-4000)).toBe(0);
    expect(run.outputs.result).toBe('migrated');
    expect(run.outputs['network-type']).toBe('OVNKubernetes');

    // One merge-patch starts it (the annotation and spec.networkType together); the only other write to
    // Network.config removes the annotation at the end.
    const config = h.twin.timeline
      .clientWrites()
      .filter((e) => e.object === 'Network.config.openshift.io/cluster')
      .map((e) => `${e.verb} ${e.change}`);
    expect(config).toEqual([
      `patch metadata.annotations: (none) → {"${LIVE_ANNOTATION}":""}; spec.networkType: "OpenShiftSDN" → "OVNKubernetes"`,
      `patch metadata.annotations.${LIVE_ANNOTATION}: "" → (none)`,
    ]);

    const { byMco, byAction } = reboots(h);
    expect(byAction).toEqual([]);
    expect([...byMco.keys()].sort()).toEqual(['Node/master-0', 'Node/worker-0', 'Node/worker-1']);
    for (const [node, n] of byMco) expect(n, node).toBe(2);

    // The conditions as the run saw them, in order: started, target deployed, MTU, in use, completed.
    const report = JSON.parse(await readFile(run.outputs['report-path'], 'utf8')) as {
      liveConditions?: { condition: string; status: string; reason?: string }[];
      strategy?: { line: string };
    };
    const rows = (report.liveConditions ?? []).map((r) => `${r.condition} ${r.status}`);
    const at = (row: string) => rows.indexOf(row);
    expect(at('InProgress True')).toBeGreaterThanOrEqual(0);
    expect(at('InProgress True')).toBeLessThan(at('TargetCNIAvailable True'));
    expect(at('TargetCNIAvailable True')).toBeLessThan(at('MTUReady True'));
    expect(at('MTUReady True')).toBeLessThan(at('TargetCNIInUse True'));
    expect(at('TargetCNIInUse True')).toBeLessThan(at('InProgress False'));
    expect(report.strategy?.line).toMatch(/^live: 4\.16\.20 supports it .*no network outage$/);

    // Annotation removed, and removed after the operators were done.
    const after = h.twin.store.get(T.networkConfig, undefined, 'cluster');
    expect(after?.metadata.annotations?.[LIVE_ANNOTATION]).toBeUndefined();
    expect((after?.status as { networkType?: string }).networkType).toBe('OVNKubernetes');
    expect(run.stdout).toContain(
      `changed Network.config.openshift.io/cluster metadata.annotations["${LIVE_ANNOTATION}"]: "" → (none)`,
    );
    expect(run.stdout).toMatch(/\[\d[^\]]* \/ 5m\] live: InProgress True/);
    expect(run.summary).toContain('**Strategy:** live: 4.16.20 supports it');
    expect(run.summary).toContain('Live migration conditions');
  });
});
