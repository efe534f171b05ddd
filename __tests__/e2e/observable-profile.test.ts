// One full `mode: migrate` per variant under the twin's `observable` timing profile (every state —
// a reboot, a pool's late reaction, the API outage, an operator's flap — lasts at least 1.5 s real, as
// a client polling once a second would see it on a real cluster) with every part of the bad day on.
// The fast default compresses those states to milliseconds, so a wait that finishes early or a gate
// that takes one green look can slip between them; here it cannot. Kept to one run per variant: about
// a minute each.
import { afterEach, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../helpers/twin-action.ts';
import { DEFAULT_REALISM, TIMING_PROFILES } from '../twin/realism.ts';
import { findType } from '../twin/resources.ts';
import { loadScenarioFile } from '../twin/scenario.ts';

let h: Harness | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

function observable(file: string) {
  const sc = loadScenarioFile(file);
  sc.timing = { ...sc.timing, ...TIMING_PROFILES.observable };
  sc.realism = { ...DEFAULT_REALISM };
  return sc;
}

describe.each([
  ['4.14 (variant B)', '__tests__/twin/scenarios/ocp-4.14.yaml'],
  ['4.6 (variant A)', '__tests__/twin/scenarios/ocp-4.6.yaml'],
])('mode: migrate on %s under the observable profile', (_, file) => {
  it('migrates through the API outage, late controllers and flapping operators, with a complete report', async () => {
    h = await startHarness(observable(file));
    const twin = h.twin;
    expect(twin.scenario.timing.minStateMs).toBe(1500);
    const started = performance.now();
    const run = await h.run({}, { timeoutMs: 240_000 });
    console.log(`observable ${twin.scenario.version}: ${Math.round((performance.now() - started) / 1000)} s`);
    expect(run.code, run.stdout.slice(-4000) + run.stderr).toBe(0);
    expect(run.outputs.result).toBe('migrated');
    // The mass reboot took the API away once, for at least the profile's floor.
    expect(twin.api.outages()).toBe(1);
    const down = twin.timeline.entries.find((e) => e.verb === 'outage')!;
    const up = twin.timeline.entries.find((e) => e.verb === 'recovered')!;
    expect(twin.clock.toMs(up.t - down.t)).toBeGreaterThanOrEqual(1500);
    // The operators flapped after the reboots; the verification gate still ended on three healthy passes.
    // (they went on flapping after the API came back, while the run was already reading it again).
    expect(twin.timeline.entries.some((e) => e.actor === 'operators' && e.t > up.t)).toBe(true);
    const report = JSON.parse(h.results.artifacts[0].files.get('report.json')!.toString('utf8'));
    expect(report.result).toBe('migrated');
    expect(report.checks.filter((c: { ok: boolean }) => !c.ok)).toEqual([]);
    const gate = report.checks.find((c: { id: string }) => c.id === 'operators-healthy');
    expect(gate.detail).toMatch(/healthy in 3 consecutive passes/);
    // Every node rebooted by the run, and every node Done on a config that runs configure-ovs OVN.
    const nodes = new Map(
      (report.nodes as { name: string; bootIdAfter?: string }[]).map((n) => [n.name, n.bootIdAfter]),
    );
    for (const n of twin.scenario.nodes) expect(nodes.get(n.name), n.name).toBeTruthy();
    const config = twin.store.get(findType('config.openshift.io', 'networks')!, undefined, 'cluster')!;
    expect((config.status as { networkType: string }).networkType).toBe('OVNKubernetes');
  }, 260_000);
});
