// A rollback is held by its checkpoint lease as a migration is: a rollback killed mid-way leaves a
// fresh lease that another run refuses (naming the rollback's run, no change); once the lease is stale
// the next run takes the rollback over and completes it, no node rebooted twice by the action.
import { afterEach, describe, expect, it } from 'vitest';
import { smallScenario, startHarness, type Harness } from '../helpers/twin-action.ts';
import { findType } from '../twin/resources.ts';

const CM = findType('', 'configmaps')!;
const NS = 'openshift-network-operator';
const NAME = 'sdn-to-ovn-migration-checkpoint';

let h: Harness | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

const runner = (id: string, name: string, attempt = '1') => ({
  GITHUB_RUN_ID: id,
  GITHUB_RUN_ATTEMPT: attempt,
  RUNNER_NAME: name,
});

const sshReboots = (h: Harness, from: number) => {
  const out: Record<string, number> = Object.fromEntries(h.twin.scenario.nodes.map((n) => [n.name, 0]));
  for (const e of h.twin.timeline.entries.slice(from))
    if (e.verb === 'reboot' && e.actor.startsWith('ssh')) out[e.object.replace('Node/', '')]++;
  return out;
};

describe('the checkpoint lease of a rollback', () => {
  it('killed: another run refuses naming it and changes nothing; once stale, it is taken over and completed', async () => {
    h = await startHarness(smallScenario({ timing: { msPerSecond: 5, mcoUpdateSeconds: 60 } }));
    expect((await h.run({ 'artifact-name': 'migrate' })).code).toBe(0);
    const start = h.twin.timeline.entries.length;

    const kill = new AbortController();
    let out = '';
    const killed = await h.run(
      { mode: 'rollback', 'artifact-name': 'rollback-1' },
      {
        env: runner('500', 'runner-a'),
        kill: kill.signal,
        onStdout: (c: string) => {
          out += c;
          if (out.includes('waiting for every MachineConfigPool')) kill.abort();
        },
      },
    );
    expect(killed.signal).toBe('SIGKILL');

    const writes = h.twin.timeline.clientWrites().length;
    const refused = await h.run(
      { mode: 'rollback', 'artifact-name': 'rollback-2' },
      { env: runner('600', 'runner-b') },
    );
    expect(refused.code, refused.stdout.slice(-3000)).toBe(1);
    expect(refused.outputs.result).toBe('refused');
    expect(refused.errors[0]).toMatch(
      /^another run of this action is working on the rollback: run 500 attempt 1 on runner runner-a/,
    );
    expect(refused.summary).toMatch(
      /## ⛔ Refused before any change — another run of this action is working on the rollback/,
    );
    expect(refused.summary).not.toMatch(/mode: migrate/);
    expect(h.twin.timeline.clientWrites().length).toBe(writes);

    h.twin.store.mutate(CM, NS, NAME, 'test', (cm) => {
      const data = cm.data as Record<string, string>;
      const state = JSON.parse(data['checkpoint.json']);
      state.lease.renewedAt = new Date(Date.now() - 6 * 60_000).toISOString();
      data['checkpoint.json'] = JSON.stringify(state);
    });
    const taken = await h.run(
      { mode: 'rollback', 'artifact-name': 'rollback-3' },
      { env: runner('600', 'runner-b') },
    );
    expect(taken.code, taken.stdout.slice(-3000)).toBe(0);
    expect(taken.outputs.result).toBe('rolled-back');
    expect(taken.stdout).toMatch(/that run is taken to be dead, and this run takes the rollback over/);
    expect(taken.stdout).toContain('Continuing the rollback');
    expect(sshReboots(h, start)).toEqual({ 'master-0': 1, 'worker-0': 1, 'worker-1': 1 });
    expect(h.twin.store.get(CM, NS, NAME)).toBeUndefined();
  });
});
