// The checkpoint is a lease (issue 10): two runs at once — the second refuses, naming the first and
// its run URL, with no change, and every node boots only as often as the procedure says; a runner
// killed mid-migration leaves a fresh lease that a re-run refuses, then (once it is stale) takes over
// and finishes; a run whose checkpoint is written by someone else stops without another change.
import { afterEach, describe, expect, it } from 'vitest';
import { startHarness, smallScenario, type Harness } from '../helpers/twin-action.ts';
import type { ActionRun } from '../helpers/run-action.ts';
import { findType } from '../twin/resources.ts';

const CM = findType('', 'configmaps')!;
const NS = 'openshift-network-operator';
const NAME = 'sdn-to-ovn-migration-checkpoint';

let h: Harness | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

/** Slow enough that the MCO rollout wait lasts seconds: another run fits inside it. */
const slow = () => smallScenario({ timing: { msPerSecond: 20, mcoUpdateSeconds: 60, rebootSeconds: 60 } });

const runner = (id: string, name: string, attempt = '1') => ({
  GITHUB_RUN_ID: id,
  GITHUB_RUN_ATTEMPT: attempt,
  RUNNER_NAME: name,
});

/** Starts run `env` and resolves once its log shows `marker` (the run keeps going). */
function startUntil(h: Harness, marker: string, env: Record<string, string>, kill?: AbortSignal) {
  let out = '';
  let seen!: () => void;
  const reached = new Promise<void>((r) => (seen = r));
  const done = h.run(
    {},
    {
      env,
      ...(kill ? { kill } : {}),
      onStdout: (c) => {
        out += c;
        if (out.includes(marker)) seen();
      },
    },
  );
  return { reached: Promise.race([reached, done.then(() => undefined)]), done };
}

const clientWrites = (h: Harness) => h.twin.timeline.clientWrites().length;
const reboots = (h: Harness) =>
  h.twin.scenario.nodes.map((n) => [n.name, h.twin.controllers.rebootCount(n.name)] as const);

function expectRefusedNaming(run: ActionRun, id: string, runnerName: string) {
  expect(run.code, run.stdout.slice(-3000)).toBe(1);
  expect(run.outputs.result).toBe('refused');
  expect(run.errors[0]).toContain(`run ${id} attempt 1 on runner ${runnerName}`);
  expect(run.errors[0]).toContain(`https://github.com/acme/cluster-ops/actions/runs/${id}`);
  expect(run.summary).toContain('Refused: this run changed nothing — an unfinished migration is in progress');
  expect(run.summary).not.toContain('No change was made to the cluster');
  // It stopped at the lease: no preflight, no etcd backup, no SSH.
  expect(run.stdout).not.toContain('::group::Preflight checks');
  expect(run.stdout).not.toContain('::group::etcd backup');
}

describe('the checkpoint lease', () => {
  it('two runs at once: the second refuses naming the first and its run URL, changes nothing; nodes boot twice', async () => {
    h = await startHarness(slow());
    const a = startUntil(h, 'waiting for every MachineConfigPool', runner('100', 'runner-a'));
    await a.reached;
    const before = clientWrites(h);
    const b = await h.run({}, { env: runner('200', 'runner-b') });
    // A is inside a wait (no writes of its own) for the whole of B: every write here would be B's.
    expect(clientWrites(h)).toBe(before);
    expectRefusedNaming(b, '100', 'runner-a');
    const first = await a.done;
    expect(first.code, first.stdout.slice(-3000)).toBe(0);
    expect(first.outputs.result).toBe('migrated');
    // Procedure B: one reboot by MCO, one by the action — never a third.
    for (const [node, count] of reboots(h)) expect(count, node).toBe(2);
  });

  it('a killed run leaves a fresh lease (a re-run refuses); once stale it is taken over and the migration finishes', async () => {
    h = await startHarness(slow());
    const kill = new AbortController();
    const a = startUntil(h, 'waiting for every MachineConfigPool', runner('300', 'runner-a'), kill.signal);
    await a.reached;
    kill.abort();
    expect((await a.done).signal).toBe('SIGKILL');

    const writes = clientWrites(h);
    const refused = await h.run({}, { env: runner('300', 'runner-b', '2') });
    expectRefusedNaming(refused, '300', 'runner-a');
    expect(clientWrites(h)).toBe(writes);

    // Six minutes later, as the lease record shows it: not renewed since. The record also carries the
    // renewal interval the next holder uses: 1 s, so renewals show within this short run.
    h.twin.store.mutate(CM, NS, NAME, 'test', (cm) => {
      const data = cm.data as Record<string, string>;
      const state = JSON.parse(data['checkpoint.json']);
      state.lease.renewedAt = new Date(Date.now() - 6 * 60_000).toISOString();
      state.lease.renewSeconds = 1;
      data['checkpoint.json'] = JSON.stringify(state);
    });
    const c = await h.run({}, { env: { ...runner('300', 'runner-b', '2'), ACTIONS_STEP_DEBUG: 'true' } });
    expect(c.code, c.stdout.slice(-3000)).toBe(0);
    expect(c.outputs.result).toBe('migrated');
    expect(c.stdout).toMatch(
      /was last renewed 6 ?m.* ago: that run is taken to be dead, and this run takes the migration over/,
    );
    expect(c.stdout).toContain('Holding the checkpoint lease as run 300 attempt 2 on runner runner-b');
    expect(c.stdout).toMatch(/::debug::checkpoint lease renewed at/);
    for (const [node, count] of reboots(h)) expect(count, node).toBe(2);
    // The etcd backup the dead run took is on the node: confirmed, not taken again.
    expect(c.stdout).toMatch(
      /etcd backup taken before the first change is present on master-0: .* not taken again/,
    );
    expect(h.twin.timeline.entries.filter((e) => e.verb === 'backup')).toHaveLength(1);
    expect(h.twin.store.get(CM, NS, NAME)).toBeUndefined();
  });

  it('a run whose checkpoint someone else writes stops: result failed, no further change by it', async () => {
    h = await startHarness(slow());
    const a = startUntil(h, 'waiting for every MachineConfigPool', runner('400', 'runner-a'));
    await a.reached;
    // Another run takes the lease (it writes the record, so its resourceVersion changes).
    h.twin.store.mutate(CM, NS, NAME, 'client:other-run', (cm) => {
      const data = cm.data as Record<string, string>;
      const state = JSON.parse(data['checkpoint.json']);
      state.lease.holder = { runId: '999', attempt: '1', runner: 'runner-z' };
      data['checkpoint.json'] = JSON.stringify(state);
    });
    const takenAt = h.twin.timeline.entries.length;
    const run = await a.done;
    expect(run.code).toBe(1);
    expect(run.outputs.result).toBe('failed');
    expect(run.errors[0]).toMatch(
      /^this run lost the checkpoint lease .*held by run 999 attempt 1 on runner runner-z/,
    );
    expect(run.summary).toContain('Another run holds the checkpoint lease now');
    const after = h.twin.timeline.entries.slice(takenAt);
    expect(after.filter((e) => e.actor.startsWith('client:'))).toEqual([]);
    expect(after.filter((e) => e.actor.startsWith('ssh') && e.verb === 'reboot')).toEqual([]);
    // The record is the other run's, untouched.
    const cm = h.twin.store.get(CM, NS, NAME)!;
    expect(JSON.parse((cm.data as Record<string, string>)['checkpoint.json']).lease.holder.runId).toBe('999');
  });
});
