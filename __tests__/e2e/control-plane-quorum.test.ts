// Control-plane quorum end to end: with max-parallel-reboots 2 on a cluster with three masters, the
// twin's timeline never shows two masters rebooting at once (two of three down lose etcd's quorum),
// and no other node is taken down by the action before the last master is back.
import { afterEach, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../helpers/twin-action.ts';
import type { TimelineEntry } from '../twin/timeline.ts';

let h: Harness | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

const MASTERS = ['master-0', 'master-1', 'master-2'];

interface Down {
  node: string;
  /** Timeline index of the reboot command (the action's) or of the node going down (MCO's). */
  from: number;
  /** Timeline index of the node's Ready condition turning True again. */
  to: number;
  byAction: boolean;
}

/**
 * Every reboot of every node, from the timeline: the action's start with its SSH command (`ssh:core`
 * reboot), MCO's with the kubelet going down (`kubelet` reboot). Each ends when the kubelet, having
 * reported the new boot ID, writes the node's conditions back to healthy (Ready).
 */
function reboots(entries: TimelineEntry[]): Down[] {
  const out: Down[] = [];
  const open = new Map<string, Down & { newBoot: boolean }>();
  entries.forEach((e, i) => {
    if (!e.object.startsWith('Node/')) return;
    const node = e.object.slice('Node/'.length);
    const d = open.get(node);
    if (e.verb === 'reboot' && e.actor.startsWith('ssh:') && !d)
      open.set(node, { node, from: i, to: -1, byAction: true, newBoot: false });
    else if (e.verb === 'reboot' && e.actor === 'kubelet' && !d)
      open.set(node, { node, from: i, to: -1, byAction: false, newBoot: false });
    else if (d && e.actor === 'kubelet' && e.change.startsWith('status.nodeInfo.bootID:')) d.newBoot = true;
    else if (d?.newBoot && e.actor === 'kubelet' && e.change.startsWith('status.conditions:')) {
      out.push({ node, from: d.from, to: i, byAction: d.byAction });
      open.delete(node);
    }
  });
  // A reboot that never ended counts as lasting to the end.
  for (const d of open.values())
    out.push({ node: d.node, from: d.from, to: entries.length, byAction: d.byAction });
  return out;
}

describe('max-parallel-reboots and the control plane', () => {
  it('with a limit of 2 on three masters, never reboots two masters at once, and reboots the masters before the others', async () => {
    h = await startHarness({
      version: '4.14.12',
      nodes: [
        ...MASTERS.map((name) => ({ name, pool: 'master' })),
        { name: 'worker-0', pool: 'worker' },
        { name: 'worker-1', pool: 'worker' },
        { name: 'worker-2', pool: 'worker' },
      ],
      podsPerNode: 1,
      timing: { msPerSecond: 2 },
    });
    const run = await h.run({ 'max-parallel-reboots': '2', 'artifact-name': 'quorum' });
    expect(run.code, run.stdout.slice(-3000)).toBe(0);
    expect(run.outputs.result).toBe('migrated');

    const all = reboots(h.twin.timeline.entries);
    const masters = all.filter((d) => MASTERS.includes(d.node));
    // Each master rebooted by the action once (and once by MCO).
    expect(
      masters
        .filter((d) => d.byAction)
        .map((d) => d.node)
        .sort(),
    ).toEqual(MASTERS);
    expect(masters.every((d) => d.to < h!.twin.timeline.entries.length)).toBe(true);
    for (const a of masters)
      for (const b of masters)
        if (a !== b)
          expect(a.to < b.from || b.to < a.from, `${a.node} and ${b.node} down together`).toBe(true);
    // The action's reboots of the other nodes start only after the last master is back.
    const byAction = all.filter((d) => d.byAction);
    const lastMasterBack = Math.max(...byAction.filter((d) => MASTERS.includes(d.node)).map((d) => d.to));
    for (const w of byAction.filter((d) => !MASTERS.includes(d.node)))
      expect(w.from, `${w.node} rebooted before the masters were back`).toBeGreaterThan(lastMasterBack);
    expect(run.stdout).toContain(
      'reboot: 6 node(s), 3 control-plane node(s) one at a time, then the others at most 2 at a time',
    );
  }, 120_000);

  it('says in the plan how the masters go: all at once with 0 (the API is down until they return), one at a time with a limit', async () => {
    h = await startHarness({
      version: '4.14.12',
      nodes: [...MASTERS.map((name) => ({ name, pool: 'master' })), { name: 'worker-0', pool: 'worker' }],
      podsPerNode: 1,
      timing: { msPerSecond: 2 },
    });
    const all = await h.run({ mode: 'plan', 'max-parallel-reboots': '0' });
    expect(all.outputs.result, all.stdout.slice(-3000)).toBe('planned');
    expect(all.summary).toContain(
      'all at once (max-parallel-reboots: 0), control-plane nodes included: the API server is down until the control-plane nodes (master-0, master-1, master-2) are back',
    );
    const limited = await h.run({ mode: 'plan', 'max-parallel-reboots': '2' });
    expect(limited.outputs.result).toBe('planned');
    expect(limited.summary).toContain(
      'control-plane nodes one at a time (master-0, master-1, master-2; each back Ready with a new boot ID before the next, so etcd keeps its quorum), then the others at most 2 at a time',
    );
    expect(limited.summary).not.toContain('the API server is down');
    expect(h.twin.timeline.clientWrites()).toEqual([]);
  }, 120_000);
});
