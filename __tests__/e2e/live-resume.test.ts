// A live migration outlives the run that started it: the operators go on. A runner killed mid-way, or a
// cancelled run, leaves it running; a re-run with the same inputs attaches to it (from the checkpoint)
// and follows it to the end. The summary of the cancelled run says cancelling could not stop it.
import { afterEach, describe, expect, it } from 'vitest';
import { smallScenario, startHarness, type Harness } from '../helpers/twin-action.ts';
import { T } from '../twin/controllers/types.ts';
import { findType } from '../twin/resources.ts';

let h: Harness | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

const CM = findType('', 'configmaps')!;
const NS = 'openshift-network-operator';
const NAME = 'sdn-to-ovn-migration-checkpoint';
const LIVE_ANNOTATION = 'network.openshift.io/network-type-migration';

/**
 * Slow enough that the operators' two rollouts last seconds of real time; three masters, as a real
 * cluster has (the MCO reboots them one at a time, so the API stays up for the run that attaches).
 */
const slow = () =>
  smallScenario({
    version: '4.16.20',
    nodes: [
      { name: 'master-0', pool: 'master' },
      { name: 'master-1', pool: 'master' },
      { name: 'master-2', pool: 'master' },
      { name: 'worker-0', pool: 'worker' },
      { name: 'worker-1', pool: 'worker' },
    ],
    timing: { msPerSecond: 10, mcoUpdateSeconds: 60, rebootSeconds: 60 },
  });

/** Starts a live run and resolves once its log shows `marker` (the run keeps going). */
function startUntil(h: Harness, marker: string, stop: { kill?: AbortSignal; signal?: AbortSignal }) {
  let out = '';
  let seen!: () => void;
  const reached = new Promise<void>((r) => (seen = r));
  const done = h.run(
    { strategy: 'live' },
    {
      ...stop,
      onStdout: (c) => {
        out += c;
        if (out.includes(marker)) seen();
      },
    },
  );
  return { reached: Promise.race([reached, done.then(() => undefined)]), done, out: () => out };
}

const triggers = (h: Harness) =>
  h.twin.timeline
    .clientWrites()
    .filter(
      (e) => e.object === 'Network.config.openshift.io/cluster' && e.change.includes('spec.networkType'),
    );

function expectMigratedByMco(h: Harness) {
  const kubelet = h.twin.timeline.entries.filter((e) => e.actor === 'kubelet' && e.verb === 'reboot');
  for (const n of h.twin.scenario.nodes)
    expect(kubelet.filter((e) => e.object === `Node/${n.name}`).length, n.name).toBe(2);
  expect(h.twin.timeline.entries.filter((e) => /^(ssh|exec):/.test(e.actor) && e.verb === 'reboot')).toEqual(
    [],
  );
  const config = h.twin.store.get(T.networkConfig, undefined, 'cluster');
  expect(config?.metadata.annotations?.[LIVE_ANNOTATION]).toBeUndefined();
  expect((config?.status as { networkType?: string }).networkType).toBe('OVNKubernetes');
  expect(h.twin.store.get(CM, NS, NAME)).toBeUndefined();
}

describe('strategy live: a re-run attaches to the migration in progress', () => {
  it('kill during the live migration, then re-run: it attaches and completes', async () => {
    h = await startHarness(slow());
    const kill = new AbortController();
    const a = startUntil(h, 'condition TargetCNIAvailable True', { kill: kill.signal });
    await a.reached;
    kill.abort();
    const killed = await a.done;
    expect(killed.signal).toBe('SIGKILL');
    expect(triggers(h)).toHaveLength(1);
    // The dead runner's lease would hold a re-run off for 5 minutes: age it as if they had passed.
    h.twin.store.mutate(CM, NS, NAME, 'test', (cm) => {
      const data = cm.data as Record<string, string>;
      const state = JSON.parse(data['checkpoint.json']);
      state.lease.renewedAt = new Date(Date.now() - 6 * 60_000).toISOString();
      data['checkpoint.json'] = JSON.stringify(state);
    });
    const b = await h.run({ strategy: 'live' });
    expect(b.code, b.stdout.slice(-4000)).toBe(0);
    expect(b.outputs.result).toBe('migrated');
    expect(b.stdout).toContain(
      'an unfinished live migration by this action is continued and follows it to the end',
    );
    expect(b.stdout).toContain('✓ Start the live migration: annotate Network.config.openshift.io cluster');
    // It attached while the operators were still at work, and followed them to the end.
    expect(b.stdout).toContain('condition InProgress True');
    expect(b.stdout).toContain('condition InProgress False (NetworkTypeMigrationCompleted)');
    // The trigger was sent once, by the first run; the second only followed.
    expect(triggers(h)).toHaveLength(1);
    expectMigratedByMco(h);
  });

  it('cancel during the live migration: the summary says the operators go on; a re-run completes it', async () => {
    h = await startHarness(slow());
    const cancel = new AbortController();
    const a = startUntil(h, 'condition TargetCNIAvailable True', { signal: cancel.signal });
    await a.reached;
    cancel.abort();
    const cancelled = await a.done;
    expect(cancelled.outputs.result).toBe('cancelled');
    expect(cancelled.summary).toContain('Live migration under way');
    expect(cancelled.summary).toContain(
      'Cancelling cannot stop the network and machine-config operators: the live migration goes on on the cluster',
    );
    const b = await h.run({ strategy: 'live' });
    expect(b.code, b.stdout.slice(-4000)).toBe(0);
    expect(b.outputs.result).toBe('migrated');
    expect(triggers(h)).toHaveLength(1);
    expectMigratedByMco(h);
  });

  it('a live migration someone else started (annotation on the cluster, no checkpoint): auto attaches and completes', async () => {
    h = await startHarness(slow());
    h.twin.store.mutate(T.networkConfig, undefined, 'cluster', 'someone', (o) => {
      (o.metadata.annotations ??= {})[LIVE_ANNOTATION] = '';
      (o.spec as { networkType: string }).networkType = 'OVNKubernetes';
    });
    const run = await h.run({});
    expect(run.code, run.stdout.slice(-4000)).toBe(0);
    expect(run.outputs.result).toBe('migrated');
    expect(run.summary).toContain(
      '**Strategy:** live: a live migration is under way on the cluster: this run attaches to it and follows it to the end',
    );
    expect(run.stdout).toContain(
      'attaches to it and follows it to the end (cancelling a run cannot stop the operators)',
    );
    // It never sent the trigger itself; it removed the annotation at the end.
    expect(triggers(h)).toEqual([]);
    // Boot IDs from before the migration are unknown: that check is a warning, not a pass.
    expect(run.stdout).toMatch(/Every node rebooted \(bootID changed\): not checked/);
    expectMigratedByMco(h);
  });
});
