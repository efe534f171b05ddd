// plan-rollback: the steps, the reboots, the risk and the estimate of the rollback that would run —
// after a finished migration (the documented rollback: over SSH with the pools paused, then MCO) and
// after a migration cancelled before the switch (the undo: no reboot by the action, the pod network
// stays up). dist/index.js against the twin; nothing is written by the plan.
import { afterEach, describe, expect, it } from 'vitest';
import { smallScenario, startHarness, type Harness } from '../helpers/twin-action.ts';

let h: Harness | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

interface PlanReport {
  result: string;
  estimate?: { totalMs: number; parts: { phase: string; what: string; ms: number }[] };
}

function planReport(h: Harness, artifact: string): PlanReport {
  const a = h.results.artifacts.find((x) => x.name === artifact)!;
  return JSON.parse(a.files.get('report.json')!.toString()) as PlanReport;
}

const section = (summary: string, title: string) => {
  const from = summary.indexOf(`### ${title}`);
  expect(from, `no "${title}" section in:\n${summary}`).toBeGreaterThanOrEqual(0);
  const next = summary.indexOf('\n#', from + 4);
  return summary.slice(from, next < 0 ? undefined : next);
};

describe('plan-rollback shows the steps, the reboots, the risk and the estimate', () => {
  it('after a finished migration: reboot over SSH with the pools paused, then MCO; estimate in that order', async () => {
    h = await startHarness(smallScenario());
    expect((await h.run({ 'artifact-name': 'migrate' })).code).toBe(0);
    const writes = h.twin.timeline.clientWrites().length;
    const run = await h.run({ mode: 'plan-rollback', 'artifact-name': 'plan' });
    expect(run.code, run.stdout.slice(-3000)).toBe(0);
    expect(h.twin.timeline.clientWrites().length).toBe(writes);
    expect(run.summary).toMatch(
      /^## ✅ 5\/5 checks pass — rollback will change \d+ objects, reboot 3 nodes \(each twice\), about \d+ min, network down ~\d+ min/m,
    );
    const risk = section(run.summary, 'The risk');
    expect(risk).toContain(
      'rebooted **twice** — first over SSH, all at once (max-parallel-reboots 0), with every pool paused; then by the Machine Config Operator',
    );
    expect(risk).toContain('  - worker (2): worker-0, worker-1');
    expect(risk).toContain('down from the switch back to OpenShift SDN');
    expect(risk).not.toMatch(/openshift-sdn namespace|first by the Machine Config Operator/);
    const report = planReport(h, 'plan');
    expect(report.estimate!.parts.map((p) => [p.phase, p.what])).toEqual([
      ['reboot', 'Reboot every node over SSH'],
      ['resume-pools', 'MCO update after the pools are resumed'],
      ['other', 'Operator reactions, multus rollout, verification'],
    ]);
    expect(run.stdout).toMatch(
      /Nodes that will be rebooted \(3\): master-0, worker-0, worker-1\nEstimated duration: about \d+ min/,
    );
  });

  it('after a migration cancelled before the switch: the undo reboots no node itself; then the rollback does just that', async () => {
    h = await startHarness(smallScenario());
    const stop = new AbortController();
    let out = '';
    const migrate = await h.run(
      { 'artifact-name': 'migrate' },
      {
        signal: stop.signal,
        onStdout: (chunk: string) => {
          out += chunk;
          if (
            !stop.signal.aborted &&
            out.includes('→ Wait for the Machine Config Operator to update every pool')
          )
            stop.abort();
        },
      },
    );
    expect(migrate.outputs.result).toBe('cancelled');
    const writes = h.twin.timeline.clientWrites().length;
    const plan = await h.run({ mode: 'plan-rollback', 'artifact-name': 'plan' });
    expect(plan.code, plan.stdout.slice(-3000)).toBe(0);
    expect(h.twin.timeline.clientWrites().length).toBe(writes);
    expect(plan.summary).toMatch(
      /^## ✅ .* — rollback will change \d+ objects, reboot no node itself \(the Machine Config Operator rolls the SDN configuration back\), about \d+ min$/m,
    );
    expect(plan.summary).not.toMatch(/network down ~|each twice/);
    const risk = section(plan.summary, 'The risk');
    expect(risk).toContain('- **Reboots:** none by this run.');
    expect(risk).toContain('- **Pod network:** stays up: the network type never switched.');
    expect(plan.stdout).not.toMatch(/Reboot every node over SSH/);
    expect(plan.summary).toContain('This rollback reboots no node itself');
    expect(planReport(h, 'plan').estimate!.parts.map((p) => p.phase)).toEqual(['resume-pools', 'other']);

    const start = h.twin.timeline.entries.length;
    const run = await h.run({ mode: 'rollback', 'artifact-name': 'rollback' });
    expect(run.code, run.stdout.slice(-3000)).toBe(0);
    expect(run.outputs.result).toBe('rolled-back');
    expect(
      h.twin.timeline.entries.slice(start).filter((e) => e.actor.startsWith('ssh') && e.verb === 'reboot'),
    ).toEqual([]);
    expect(section(run.summary, 'What this run did')).toContain(
      '- **Reboots:** none by this run. The Machine Config Operator rolled',
    );
  });
});
