// Control-plane quorum in the reboot fan-out: with a limit, control-plane nodes reboot one at a time
// (each back Ready with a new boot ID before the next), then the others at most `limit` at a time;
// with 0 every node goes at once, as before. Against the node test twin of support.ts.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { NodeWatch } from '../../src/nodes/node-watch.ts';
import { type RebootOutcome, rebootNodes } from '../../src/nodes/reboot.ts';
import { NodeShell } from '../../src/nodes/ssh.ts';
import { MemoryLogger } from '../../src/util/log.ts';
import { type NodesTwin, setReady, startNodesTwin } from './support.ts';

const MASTERS = ['master-0', 'master-1', 'master-2'];
const WORKERS = ['worker-0', 'worker-1', 'worker-2', 'worker-3'];
const NAMES = [...MASTERS, ...WORKERS];
const CONTROL_PLANE = new Set(MASTERS);
let twin: NodesTwin;
let watch: NodeWatch;
let shell: NodeShell;
const log = new MemoryLogger();

beforeAll(async () => {
  twin = await startNodesTwin(
    { nodes: NAMES.map((name, i) => ({ name, addresses: [`127.0.95.${i + 2}`] })) },
    { msPerSecond: 1, rebootMs: 150 },
  );
  watch = await NodeWatch.start(twin.cluster(log), log);
  shell = new NodeShell(
    { user: 'core', port: twin.ssh.port, privateKey: twin.ssh.clientPrivateKey, connectTimeoutMs: 5_000 },
    log,
  );
});
afterAll(async () => {
  await shell.close();
  watch.stop();
  await twin.stop();
});
afterEach(() => {
  twin.kubelet.reboots.length = 0;
  log.lines.length = 0;
});

type Interval = { node: string; from: number; to: number };

/** [command sent, back] of each node that came back. */
function intervals(outcomes: RebootOutcome[]): Interval[] {
  return outcomes.filter((o) => o.ok).map((o) => ({ node: o.node, from: o.commandSentAt, to: o.backAt! }));
}

function maxOverlap(list: Interval[]): number {
  const edges = list
    .flatMap((i) => [
      { t: i.from, d: 1 },
      { t: i.to, d: -1 },
    ])
    .sort((a, b) => a.t - b.t || a.d - b.d);
  let cur = 0;
  let max = 0;
  for (const e of edges) max = Math.max(max, (cur += e.d));
  return max;
}

describe('rebootNodes with control-plane nodes', () => {
  it('with a limit of 2 reboots the masters one at a time, each back before the next, then the workers 2 at a time', async () => {
    // Given in an order that mixes masters and workers: the fan-out puts the masters first.
    const order = ['worker-0', 'master-0', 'worker-1', 'master-1', 'worker-2', 'master-2', 'worker-3'];
    const outcomes = await rebootNodes(order, {
      access: shell,
      watch,
      maxParallel: 2,
      rebootTimeoutMs: 10_000,
      log,
      controlPlane: CONTROL_PLANE,
    });
    expect(outcomes.map((o) => o.node)).toEqual(order);
    expect(outcomes.every((o) => o.ok)).toBe(true);
    const all = intervals(outcomes);
    const masters = all.filter((i) => CONTROL_PLANE.has(i.node)).sort((a, b) => a.from - b.from);
    const workers = all.filter((i) => !CONTROL_PLANE.has(i.node));
    expect(masters.map((m) => m.node)).toEqual(MASTERS);
    // Each master's command only after the previous master was back Ready with a new boot ID.
    for (let i = 1; i < masters.length; i++)
      expect(masters[i].from).toBeGreaterThanOrEqual(masters[i - 1].to);
    // No worker goes down before the last master is back; then the limit holds (and is used).
    expect(Math.min(...workers.map((w) => w.from))).toBeGreaterThanOrEqual(masters[2].to);
    expect(maxOverlap(workers)).toBe(2);
    // The twin's record agrees: the commands reached the masters one by one, first of all.
    expect(twin.kubelet.reboots.slice(0, 3).map((r) => r.node)).toEqual(MASTERS);
    expect(log.messages('info')).toContain(
      'reboot: 7 node(s), 3 control-plane node(s) one at a time, then the others at most 2 at a time, with `sudo shutdown -r -t 3`',
    );
  });

  it('with 0 still sends every command at once, masters included', async () => {
    const outcomes = await rebootNodes(NAMES, {
      access: shell,
      watch,
      maxParallel: 0,
      rebootTimeoutMs: 10_000,
      log,
      controlPlane: CONTROL_PLANE,
    });
    expect(outcomes.every((o) => o.ok)).toBe(true);
    expect(maxOverlap(intervals(outcomes))).toBe(NAMES.length);
  });

  it('takes no other master down after one that did not come back; the workers still reboot', async () => {
    twin.kubelet.neverReturns.add('master-1');
    try {
      const outcomes = await rebootNodes(NAMES, {
        access: shell,
        watch,
        maxParallel: 2,
        rebootTimeoutMs: 600,
        log,
        controlPlane: CONTROL_PLANE,
      });
      const by = new Map(outcomes.map((o) => [o.node, o]));
      expect(by.get('master-0')?.ok).toBe(true);
      expect(by.get('master-1')).toMatchObject({ ok: false });
      expect(by.get('master-1')?.error).toMatch(/^master-1 did not come back within 0\.6s/);
      expect(by.get('master-2')).toMatchObject({ ok: false, commandSentAt: 0 });
      expect(by.get('master-2')?.error).toBe(
        'master-2 was not rebooted: control-plane node master-1 did not complete its reboot, and a second control-plane node down could cost etcd its quorum',
      );
      expect(WORKERS.every((w) => by.get(w)?.ok)).toBe(true);
      expect(twin.kubelet.reboots.map((r) => r.node)).not.toContain('master-2');
    } finally {
      twin.kubelet.neverReturns.clear();
      twin.kubelet.down.delete('master-1');
      setReady(twin.ctx, 'master-1', true);
      await twin.ssh.refresh();
    }
  });

  it('stops between masters when the run is cancelled: no command after the signal', async () => {
    const cancel = new AbortController();
    const cancelWhenBack = {
      info: (m: string) => {
        log.info(m);
        if (m.startsWith('master-0 back after')) cancel.abort(new Error('cancelled (SIGINT)'));
      },
      warn: (m: string) => log.warn(m),
      debug: (m: string) => log.debug(m),
      block: (t: string, text: string) => log.block(t, text),
    };
    const outcomes = await rebootNodes(NAMES, {
      access: shell,
      watch,
      maxParallel: 2,
      rebootTimeoutMs: 10_000,
      log: cancelWhenBack,
      signal: cancel.signal,
      controlPlane: CONTROL_PLANE,
    });
    expect(outcomes[0]).toMatchObject({ node: 'master-0', ok: true });
    for (const o of outcomes.slice(1))
      expect(o).toMatchObject({ ok: false, error: `${o.node} was not rebooted: the run was cancelled` });
    expect(twin.kubelet.reboots.map((r) => r.node)).toEqual(['master-0']);
  });
});
