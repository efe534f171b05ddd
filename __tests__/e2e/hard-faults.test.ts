// Hard faults (issue: survive the real world): the run fails naming the pool, pods or node at fault,
// with the evidence an administrator needs, keeps its checkpoint, says where the cluster stands and
// what to do next, and uploads the backup and the reports.
import { afterEach, describe, expect, it } from 'vitest';
import { smallScenario, startHarness, type Harness } from '../helpers/twin-action.ts';
import { findType } from '../twin/resources.ts';

let h: Harness | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

const cluster = smallScenario;

const checkpoint = (h: Harness) =>
  h.twin.store.get(
    findType('', 'configmaps')!,
    'openshift-network-operator',
    'sdn-to-ovn-migration-checkpoint',
  );

function expectFailedWithEvidence(h: Harness, run: Awaited<ReturnType<Harness['run']>>) {
  expect(run.code).toBe(1);
  expect(run.outputs.result).toBe('failed');
  expect(run.summary).toMatch(/Where the cluster stands/);
  expect(run.summary).toMatch(/What to do next/);
  expect(checkpoint(h), 'checkpoint kept for the next run').toBeDefined();
  const art = h.results.artifacts[0];
  expect([...art.files.keys()]).toEqual(
    expect.arrayContaining(['backup/cluster-openshift-sdn.yaml', 'report.json', 'report.md']),
  );
}

describe('hard faults', () => {
  it('a pool that turns Degraded: names the pool, its reason and the machine-config-daemon log tail', async () => {
    h = await startHarness(
      cluster({
        faults: [
          {
            kind: 'pool-degraded',
            pool: 'worker',
            reason: 'Node worker-0 is reporting: "unexpected on-disk state"',
          },
        ],
      }),
    );
    const run = await h.run();
    expectFailedWithEvidence(h, run);
    expect(run.errors.join('\n')).toContain('pool worker is Degraded');
    expect(run.summary).toContain('unexpected on-disk state');
    const report = JSON.parse(h.results.artifacts[0].files.get('report.json')!.toString());
    const check = report.checks.find((c: { id: string }) => c.id === 'pool-worker-degraded');
    expect(check.ok).toBe(false);
    expect(check.evidence).toMatch(/machine-config-daemon log of worker-\d/);
  });

  it('a stuck multus rollout: times out at wait-timeout naming the daemonset, its progress and the pods', async () => {
    h = await startHarness(cluster({ faults: [{ kind: 'multus-stuck', afterPods: 1 }] }));
    const run = await h.run({ 'wait-timeout': '4s' });
    expectFailedWithEvidence(h, run);
    expect(run.errors.join('\n')).toMatch(
      /timed out after 4s waiting for daemonset openshift-multus\/multus to roll out; last seen: multus: 1 of 3 updated/,
    );
    // No node was rebooted by the action: the reboot phase never started.
    expect(
      h.twin.timeline.entries.filter((e) => e.actor.startsWith('ssh') && e.verb === 'reboot'),
    ).toHaveLength(0);
  });

  it('SSH lost to a node mid-run: names the node; once SSH is back, a re-run finishes without rebooting the others again', async () => {
    h = await startHarness(cluster());
    const twin = h.twin;
    let cut = false;
    const first = await h.run(
      { 'artifact-name': 'attempt-1' },
      {
        onStdout: (chunk) => {
          // Early in the migration (after the preflight's SSH check) worker-1 stops answering SSH.
          if (!cut && chunk.includes('Phase 2/6:')) {
            cut = true;
            twin.faults.add({ kind: 'ssh-connection-refused', node: 'worker-1' });
          }
        },
      },
    );
    expect(cut).toBe(true);
    expectFailedWithEvidence(h, first);
    expect(first.errors.join('\n')).toMatch(/worker-1 was not rebooted/);
    expect(first.summary).toContain('worker-1');
    const rebootsAfterFirst = Object.fromEntries(
      twin.scenario.nodes.map((n) => [n.name, twin.controllers.rebootCount(n.name)]),
    );

    twin.faults.clear('ssh-connection-refused');
    const second = await h.run({ 'artifact-name': 'attempt-2' });
    expect(second.code, second.stdout.slice(-3000)).toBe(0);
    expect(second.outputs.result).toBe('migrated');
    // Only worker-1 got a reboot in the second run.
    for (const n of twin.scenario.nodes) {
      expect(twin.controllers.rebootCount(n.name) - rebootsAfterFirst[n.name], n.name).toBe(
        n.name === 'worker-1' ? 1 : 0,
      );
    }
    expect(checkpoint(h)).toBeUndefined();
  });
});
