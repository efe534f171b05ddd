// The migration on a bad day: every master rebooting at once takes the API away for longer than any
// request's retries last (the twin refuses connections and resets open watches until quorum is back
// plus apiRecoverySeconds), MCO and CNO react late, operators flap after every reboot. The run must
// ride through all of it and finish with a complete report, on both variants.
import { afterEach, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../helpers/twin-action.ts';
import { loadScenarioFile } from '../twin/scenario.ts';

let h: Harness | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

/** The scenario file at its own speed, with an API outage of about OUTAGE_MS real after the mass reboot. */
function badDay(file: string, outageMs: number) {
  const sc = loadScenarioFile(file);
  sc.realism = {
    ...sc.realism,
    apiOutage: true,
    apiRecoverySeconds: outageMs / sc.timing.msPerSecond,
    mcoReactionSeconds: 30,
    ovnkubeNodeReadySeconds: 60,
    operatorFlapping: true,
  };
  return sc;
}

describe.each([
  ['4.14 (variant B)', '__tests__/twin/scenarios/ocp-4.14.yaml'],
  ['4.6 (variant A)', '__tests__/twin/scenarios/ocp-4.6.yaml'],
])('mode: migrate on %s with a 20 s API outage, late controllers and flapping operators', (_, file) => {
  it('rides through the outage and finishes migrated with a complete report', async () => {
    h = await startHarness(badDay(file, 20_000));
    const twin = h.twin;
    const run = await h.run({}, { timeoutMs: 240_000 });
    expect(run.code, run.stdout.slice(-4000) + run.stderr).toBe(0);
    expect(run.outputs.result).toBe('migrated');
    // The outage happened (once: the mass reboot) and lasted longer than a request's retries.
    expect(twin.api.outages()).toBe(1);
    const down = twin.timeline.entries.find((e) => e.verb === 'outage')!;
    const up = twin.timeline.entries.find((e) => e.verb === 'recovered')!;
    expect(twin.clock.toMs(up.t - down.t)).toBeGreaterThanOrEqual(15_000);
    // The outage is one event in the log: a warning as it starts, a line when the API answers again.
    expect(run.stdout.match(/^::warning::watch on Node \(all\)/gm)).toHaveLength(1);
    expect(run.stdout).toMatch(/watch on Node \(all\): the API server answers again after \d/);
    expect(run.stdout).not.toMatch(/API watch .* retrying in/);
    // MCO's late reaction did not end the pool wait early: on 4.14 every node had its MCO reboot
    // before the type switch (the pools kept saying Updated=True for 30 virtual s after the change).
    if (twin.scenario.version.startsWith('4.14')) {
      const typeSwitch = twin.timeline
        .clientWrites()
        .find((e) => e.object === 'Network.config.openshift.io/cluster' && e.change.includes('networkType'))!;
      const mcoReboots = twin.timeline.entries.filter(
        (e) => e.actor === 'kubelet' && e.verb === 'reboot' && e.t < typeSwitch.t,
      );
      expect(new Set(mcoReboots.map((e) => e.object)).size).toBe(twin.scenario.nodes.length);
    }
    // A complete report: every verification check ran and passed, every node rebooted.
    const report = JSON.parse(h.results.artifacts[0].files.get('report.json')!.toString('utf8'));
    expect(report.result).toBe('migrated');
    expect(report.checks.filter((c: { ok: boolean }) => !c.ok)).toEqual([]);
    expect(report.checks.map((c: { id: string }) => c.id)).toEqual(
      expect.arrayContaining(['nodes-ready', 'nodes-rebooted', 'operators-healthy', 'pools-updated']),
    );
    const nodes = new Map(
      (report.nodes as { name: string; bootIdAfter?: string }[]).map((n) => [n.name, n.bootIdAfter]),
    );
    for (const n of twin.scenario.nodes) expect(nodes.get(n.name), n.name).toBeTruthy();
  }, 260_000);
});

describe('a run interrupted on a bad day', () => {
  it('4.14: killed mid-MCO rollout while operators flap, a new run at once continues and finishes', async () => {
    // Operators flap for 6 s real after each master reboot: longer than a runner takes to start again,
    // as on a real cluster (minutes of flapping, seconds to re-run).
    const sc = badDay('__tests__/twin/scenarios/ocp-4.14.yaml', 2_000);
    sc.realism.flapSeconds = 3_000;
    h = await startHarness(sc);
    const stop = new AbortController();
    let out = '';
    const first = await h.run(
      {},
      {
        kill: stop.signal,
        onStdout: (chunk: string) => {
          out += chunk;
          if (/master-1 Working/.test(out)) stop.abort();
        },
      },
    );
    expect(first.code).toBeNull();
    const second = await h.run({}, { timeoutMs: 240_000 });
    // The new run did not find the operators settled (they flap after every master reboot) and, as a
    // resume, went on; verification waited for them.
    expect(second.stdout).toMatch(/✗ Every ClusterOperator Available, not Progressing, not Degraded/);
    expect(second.code, second.stdout.slice(-4000)).toBe(0);
    expect(second.outputs.result).toBe('migrated');
  }, 260_000);
});
