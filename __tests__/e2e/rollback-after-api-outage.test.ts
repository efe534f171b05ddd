// on-failure: rollback never rolls back when the migration failed because the API server cannot be
// reached: a rollback would fail the same way, half-done, and a person must look first. The run says
// so, changes nothing more, and its summary still names mode: rollback for later.
import { afterEach, describe, expect, it } from 'vitest';
import { smallScenario, startHarness, type Harness } from '../helpers/twin-action.ts';

let h: Harness | undefined;
afterEach(async () => {
  await h?.twin.api.resume();
  await h?.stop();
  h = undefined;
});

describe('on-failure: rollback and an unreachable API', () => {
  it('a migrate run that fails because the API is gone does not roll back, says why, and writes nothing more', async () => {
    // The outage here is the test's own and lasts: the quorum-driven one would end it when MCO brings
    // the master back.
    h = await startHarness(smallScenario({ realism: { apiOutage: false } }));
    const twin = h.twin;
    let out = '';
    let suspendedAt = -1;
    const run = await h.run(
      { 'on-failure': 'rollback', 'wait-timeout': '15s', 'artifact-name': 'migrate' },
      {
        onStdout: (chunk: string) => {
          out += chunk;
          if (suspendedAt < 0 && out.includes('→ Wait for the multus DaemonSet rollout to finish')) {
            suspendedAt = twin.timeline.entries.length;
            void twin.api.suspend();
          }
        },
      },
    );
    if (process.env.DUMP_RUN)
      process.stderr.write(
        run.stdout
          .split('\n')
          .filter((l) => !l.startsWith('::add-mask'))
          .join('\n'),
      );
    expect(suspendedAt).toBeGreaterThan(0);
    expect(run.code).toBe(1);
    expect(run.outputs.result).toBe('failed');
    const log = run.stdout;
    expect(log).toMatch(
      /on-failure: rollback — not rolling back: the API server (could not be reached|cannot be reached now)/,
    );
    expect(log).not.toContain('rolling the cluster back to OpenShift SDN');
    const art = h.results.artifacts.find((a) => a.name === 'migrate')!;
    expect([...art.files.keys()].some((k) => k.startsWith('rollback/'))).toBe(false);
    const report = JSON.parse(art.files.get('report.json')!.toString());
    expect(report.warnings.join('\n')).toMatch(/not rolling back: the API server/);
    expect(twin.timeline.entries.slice(suspendedAt).filter((e) => e.actor.startsWith('client:'))).toEqual([]);
    expect(run.summary).toMatch(/mode: rollback/);
  }, 300_000);
});
