// strategy auto (the default) in the plan: live on 4.16, offline on 4.14, offline on 4.16 with an
// egress-router pod — the plan's first line under the verdict says which and why.
import { afterEach, describe, expect, it } from 'vitest';
import { smallScenario, startHarness, type Harness } from '../helpers/twin-action.ts';

let h: Harness | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

/** The strategy line: under the verdict (and, in a refusal, the blocking checks listed under it). */
function strategyLine(summary: string): string {
  const lines = summary.split('\n');
  const verdict = lines.findIndex((l) => l.startsWith('## '));
  const after = lines.slice(verdict + 1).filter((l) => l.trim() !== '' && !l.startsWith('- '));
  return after[0] ?? '';
}

describe('strategy auto (default) in mode plan', () => {
  it('4.16: live, because the cluster supports it and no blocker is found', async () => {
    h = await startHarness(smallScenario({ version: '4.16.20' }));
    const run = await h.run({ mode: 'plan' });
    expect(run.code, run.stdout.slice(-3000)).toBe(0);
    expect(run.outputs.result).toBe('planned');
    expect(strategyLine(run.summary)).toBe(
      '**Strategy:** live: 4.16.20 supports it (FeatureGate cluster: NetworkLiveMigration enabled); no blocker found; nodes reboot twice, rolling, no network outage',
    );
    expect(run.summary).toContain('C — limited live migration');
    expect(run.stdout).toContain('Strategy — live: 4.16.20 supports it');
    // The plan says cancelling cannot stop the operators.
    expect(run.summary).toContain('cancelling this run cannot stop them');
    expect(h.twin.timeline.clientWrites()).toEqual([]);
  });

  it('4.14: offline, because the cluster has no live migration', async () => {
    h = await startHarness(smallScenario({ version: '4.14.12' }));
    const run = await h.run({ mode: 'plan' });
    expect(run.code, run.stdout.slice(-3000)).toBe(0);
    expect(strategyLine(run.summary)).toMatch(
      /^\*\*Strategy:\*\* offline: live migration not available — 4\.14\.12 does not offer it/,
    );
    expect(run.summary).toContain('B — offline');
  });

  it('4.16 with an egress-router pod: offline, naming the pod', async () => {
    h = await startHarness(
      smallScenario({
        version: '4.16.20',
        objects: [
          {
            apiVersion: 'v1',
            kind: 'Pod',
            metadata: {
              name: 'egress-router-1',
              namespace: 'payments',
              annotations: { 'pod.network.openshift.io/assign-macvlan': 'true' },
            },
            spec: { containers: [{ name: 'router', image: 'registry.example/egress-router' }] },
          },
        ],
      }),
    );
    const run = await h.run({ mode: 'plan' });
    expect(strategyLine(run.summary)).toMatch(
      /^\*\*Strategy:\*\* offline: an egress-router pod \(payments\/egress-router-1\) blocks live migration/,
    );
    expect(run.summary).toContain('B — offline');
    // The offline procedure refuses egress-router pods too: the plan says migrate would be refused.
    expect(run.outputs.result).toBe('refused');
    expect(h.twin.timeline.clientWrites()).toEqual([]);
  });
});
