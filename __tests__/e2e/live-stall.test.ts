// A live migration that stops moving fails the run after wait-timeout without progress, naming what
// holds it back: here a pool someone pauses while the operators roll it.
import { afterEach, describe, expect, it } from 'vitest';
import { smallScenario, startHarness, type Harness } from '../helpers/twin-action.ts';
import { T } from '../twin/controllers/types.ts';

let h: Harness | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

describe('strategy live: a stalled migration', () => {
  it('a pool paused mid-way: fails after wait-timeout without progress, naming the pool', async () => {
    h = await startHarness(
      smallScenario({
        version: '4.16.20',
        timing: { msPerSecond: 10, mcoUpdateSeconds: 60, rebootSeconds: 60 },
      }),
    );
    const twin = h.twin;
    let out = '';
    let paused = false;
    const run = await h.run(
      { strategy: 'live', 'wait-timeout': '4s' },
      {
        onStdout: (c) => {
          out += c;
          // Once the operator has deployed OVN-Kubernetes, before the pools roll: pause worker.
          if (!paused && out.includes('condition TargetCNIAvailable True')) {
            paused = true;
            twin.store.mutate(T.pool, undefined, 'worker', 'someone', (p) => {
              (p.spec as { paused: boolean }).paused = true;
            });
          }
        },
      },
    );
    expect(paused, 'the pause was injected').toBe(true);
    expect(run.code, run.stdout.slice(-4000)).toBe(1);
    expect(run.outputs.result).toBe('failed');
    expect(run.errors[0]).toMatch(
      /the live migration made no progress for 4s: pool worker is paused \(\d\/2 updated\)/,
    );
    expect(run.errors[0]).toContain('oc patch mcp worker --type merge -p \'{"spec":{"paused":false}}\'');
    // The conditions and the pools as last seen, in the summary.
    expect(run.summary).toMatch(/Conditions: InProgress True \(\d\d:\d\d:\d\d\); MTUReady /);
    expect(run.summary).toContain('worker 0/2 (paused)');
    expect(run.summary).toContain('Live migration under way');
    // The action rebooted nothing and stopped no operator: it only followed.
    expect(twin.timeline.entries.filter((e) => /^(ssh|exec):/.test(e.actor) && e.verb === 'reboot')).toEqual(
      [],
    );
  });

  it('co/network Degraded (NetworkTypeMigrationFailed): fails at once with the operator message and the conditions', async () => {
    h = await startHarness(
      smallScenario({
        version: '4.16.20',
        faults: [{ kind: 'pool-degraded', pool: 'worker', reason: 'failed to drain' }],
      }),
    );
    const run = await h.run({ strategy: 'live' });
    expect(run.code, run.stdout.slice(-4000)).toBe(1);
    expect(run.outputs.result).toBe('failed');
    expect(run.errors[0]).toContain(
      "the network operator stopped the live migration: co/network Degraded (NetworkTypeMigrationFailed): Failed to process SDN live migration (MCP is degraded, network type migration cannot proceed). Use 'oc edit network.config.openshift.io cluster' to fix.",
    );
    expect(run.errors[0]).toMatch(/Conditions: InProgress True \(\d\d:\d\d:\d\d\); MTUReady False/);
    expect(run.summary).toContain('NetworkTypeMigrationFailed');
    expect(run.summary).toContain('MachineConfigPoolDegraded');
  });
});
