// Where the files go when things are not ideal: an artifact upload that fails is a warning and the
// files stay on the runner; a node NotReady at verification gets its machine-config-daemon log tail.
import { existsSync, readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { smallScenario, startHarness, type Harness } from '../helpers/twin-action.ts';
import { findType } from '../twin/resources.ts';

let h: Harness | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

describe('reports and artifacts', () => {
  it('an artifact upload that fails is a warning; the outputs point at the files kept under RUNNER_TEMP', async () => {
    h = await startHarness(smallScenario());
    h.results.failNext(20, 403);
    const run = await h.run();
    expect(run.code, run.stdout.slice(-2000)).toBe(0);
    expect(run.outputs.result).toBe('migrated');
    expect(run.stdout).toMatch(
      /::warning::Could not upload artifact .* The files are kept on the runner under /,
    );
    expect(run.outputs['artifact-id']).toBe('');
    expect(run.outputs['report-path'].startsWith(run.runnerTemp)).toBe(true);
    expect(existsSync(run.outputs['report-path'])).toBe(true);
    const report = JSON.parse(readFileSync(run.outputs['report-path'], 'utf8'));
    expect(report.artifact.error).toBeTruthy();
    expect(existsSync(`${run.outputs['backup-path']}/cluster-openshift-sdn.yaml`)).toBe(true);
    expect(run.summary).toContain('Artifact upload failed');
  });

  it('a node NotReady at verification fails the check with the tail of its machine-config-daemon log', async () => {
    h = await startHarness(smallScenario());
    const twin = h.twin;
    let downed = false;
    const run = await h.run(
      {},
      {
        onStdout: (chunk) => {
          // worker-1 drops out just as verification starts (after the action's reboots).
          if (!downed && chunk.includes('Phase 5/6: Verify the migration')) {
            downed = true;
            twin.store.mutate(findType('', 'nodes')!, undefined, 'worker-1', 'test', (n) => {
              const conds = (n.status as { conditions: { type: string; status: string }[] }).conditions;
              for (const c of conds) if (c.type === 'Ready') c.status = 'False';
            });
          }
        },
      },
    );
    expect(downed).toBe(true);
    expect(run.code).toBe(1);
    const report = JSON.parse(h.results.artifacts[0].files.get('report.json')!.toString());
    const ready = report.checks.find((c: { id: string }) => c.id === 'nodes-ready');
    expect(ready.ok).toBe(false);
    expect(ready.items).toEqual(['worker-1']);
    expect(ready.evidence).toMatch(/^worker-1 — machine-config-daemon-\w+:\n/);
    expect(ready.evidence).toMatch(/machine-config-daemon|MachineConfigDaemon|rendered-worker/);
    expect(run.summary).toContain('Every node Ready');
  });
});
