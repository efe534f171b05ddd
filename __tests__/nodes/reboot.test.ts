// rebootNodes against the twin: the kubelet of support.ts takes a node down after the reboot command
// and brings it back NotReady→Ready with a new bootID; the shared NodeWatch sees it through the API.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Cluster } from '../../src/cluster/client.ts';
import { NodeWatch } from '../../src/nodes/node-watch.ts';
import { type RebootOutcome, rebootNodes } from '../../src/nodes/reboot.ts';
import { HostKeyMismatchError, NodeShell, type SshSettings } from '../../src/nodes/ssh.ts';
import { MemoryLogger } from '../../src/util/log.ts';
import { type NodesTwin, setReady, startNodesTwin } from './support.ts';

const NAMES = ['master-0', 'worker-0', 'worker-1', 'worker-2', 'worker-3', 'worker-4'];
let twin: NodesTwin;
let cluster: Cluster;
let watch: NodeWatch;
const log = new MemoryLogger();

beforeAll(async () => {
  twin = await startNodesTwin(
    { nodes: NAMES.map((name, i) => ({ name, addresses: [`127.0.94.${i + 2}`] })) },
    { msPerSecond: 1, rebootMs: 250 },
  );
  cluster = twin.cluster(log);
  watch = await NodeWatch.start(cluster, log);
});
afterAll(async () => {
  watch.stop();
  await twin.stop();
});
afterEach(() => {
  twin.ctx.faults.clear();
  twin.kubelet.reboots.length = 0;
  twin.kubelet.neverReturns.clear();
  log.lines.length = 0;
});

function shell(over: Partial<SshSettings> = {}): NodeShell {
  return new NodeShell(
    {
      user: 'core',
      port: twin.ssh.port,
      privateKey: twin.ssh.clientPrivateKey,
      connectTimeoutMs: 5_000,
      ...over,
    },
    log,
  );
}

/** Largest number of nodes whose [command sent, back] intervals overlap. */
function maxInFlight(outcomes: RebootOutcome[]): number {
  const edges = outcomes
    .filter((o) => o.ok)
    .flatMap((o) => [
      { t: o.commandSentAt, d: 1 },
      { t: o.backAt!, d: -1 },
    ])
    .sort((a, b) => a.t - b.t || a.d - b.d);
  let cur = 0;
  let max = 0;
  for (const e of edges) max = Math.max(max, (cur += e.d));
  return max;
}

/**
 * Progress lines as the issue asks: elapsed and limit on every one, the elapsed time and the counts
 * never going back, and no line printed twice (the final counts are not repeated at the end).
 */
function expectProgressLines(lines: string[], limit: string): void {
  expect(lines.length).toBeGreaterThan(0);
  const parsed = lines.map((l) => {
    const m = /^\[([\d.]+)s \/ ([^\]]+)\] reboot: (\d+)\/\d+ back, \d+ pending(?:, (\d+) failed)?/.exec(l);
    expect(m, l).not.toBeNull();
    return {
      line: l,
      body: l.replace(/^\[[^\]]+\] /, ''),
      at: Number(m![1]),
      limit: m![2],
      done: Number(m![3]) + Number(m![4] ?? 0),
    };
  });
  for (const [i, p] of parsed.entries()) {
    expect(p.limit).toBe(limit);
    if (i === 0) continue;
    const prev = parsed[i - 1]!;
    expect(p.at).toBeGreaterThanOrEqual(prev.at);
    expect(p.done).toBeGreaterThanOrEqual(prev.done);
    expect(p.body, `printed twice: ${p.line}`).not.toBe(prev.body);
  }
}

describe('rebootNodes', () => {
  it('with maxParallel 0 sends every command at once and waits for new bootIDs and Ready', async () => {
    const s = shell();
    const before = new Map(NAMES.map((n) => [n, watch.get(n)!.bootID]));
    const requestsBefore = cluster.requestCount;
    const progress: string[] = [];
    try {
      const outcomes = await rebootNodes(NAMES, {
        access: s,
        watch,
        maxParallel: 0,
        rebootTimeoutMs: 10_000,
        log,
        onProgress: (l) => progress.push(l),
      });
      expect(outcomes.map((o) => o.node)).toEqual(NAMES);
      for (const o of outcomes) {
        expect(o).toMatchObject({ ok: true, bootIdBefore: before.get(o.node) });
        expect(o.bootIdAfter).not.toBe(o.bootIdBefore);
        expect(o.backAt! - o.commandSentAt).toBeGreaterThanOrEqual(250);
      }
      // Exactly one reboot command per node, all sent before the first node was back.
      expect(twin.kubelet.reboots.map((r) => r.node).sort()).toEqual([...NAMES].sort());
      expect(twin.kubelet.reboots.every((r) => r.command === 'sudo shutdown -r -t 3')).toBe(true);
      const lastSent = Math.max(...outcomes.map((o) => o.commandSentAt));
      const firstBack = Math.min(...outcomes.map((o) => o.backAt!));
      expect(lastSent).toBeLessThan(firstBack);
      expect(maxInFlight(outcomes)).toBe(NAMES.length);
      expect(progress.at(-1)).toMatch(/^\[[\d.]+s \/ 10s\] reboot: 6\/6 back, 0 pending$/);
      expectProgressLines(progress, '10s');
      expect(
        log.messages('info').filter((m) => /^worker-2 back after \S+ \(bootID boot-wor… → /.test(m)),
      ).toHaveLength(1);
      // The shared watch serves every wait: no API request was made by the reboots themselves.
      expect(cluster.requestCount).toBe(requestsBefore);
    } finally {
      await s.close();
    }
  });

  it('prints each progress line once: the final counts are not repeated after the last node is back', async () => {
    const s = shell();
    const progress: string[] = [];
    try {
      const [o] = await rebootNodes(['worker-4'], {
        access: s,
        watch,
        maxParallel: 0,
        rebootTimeoutMs: 10_000,
        log,
        onProgress: (l) => progress.push(l),
      });
      expect(o!.ok).toBe(true);
      expect(progress).toEqual([expect.stringMatching(/^\[[\d.]+s \/ 10s\] reboot: 1\/1 back, 0 pending$/)]);
      expect(log.messages('info').filter((m) => m.includes('reboot: 1/1 back'))).toEqual(progress);
    } finally {
      await s.close();
    }
  });

  it('keeps at most maxParallel nodes in flight', async () => {
    const s = shell();
    try {
      const outcomes = await rebootNodes(NAMES, {
        access: s,
        watch,
        maxParallel: 2,
        rebootTimeoutMs: 10_000,
        log,
      });
      expect(outcomes.every((o) => o.ok)).toBe(true);
      expect(maxInFlight(outcomes)).toBe(2);
      expect(twin.kubelet.reboots).toHaveLength(NAMES.length);
      // In waves, each node has reboot-timeout from its own command: the limit says so.
      const lines = log.messages('info').filter((m) => /\] reboot: /.test(m));
      expect(lines.at(-1)).toMatch(/^\[[\d.]+s \/ 10s per node\] reboot: 6\/6 back, 0 pending$/);
      expectProgressLines(lines, '10s per node');
    } finally {
      await s.close();
    }
  });

  it('reports a node that does not come back, and a node it cannot reach, without failing the others', async () => {
    twin.kubelet.neverReturns.add('worker-1');
    twin.ctx.faults.add({ kind: 'ssh-auth-refused', node: 'worker-3' });
    const s = shell();
    try {
      const outcomes = await rebootNodes(['worker-0', 'worker-1', 'worker-3'], {
        access: s,
        watch,
        maxParallel: 0,
        rebootTimeoutMs: 800,
        log,
      });
      const [ok, lost, unreachable] = outcomes;
      expect(ok.ok).toBe(true);
      expect(lost).toMatchObject({ node: 'worker-1', ok: false });
      expect(lost.error).toBe(
        'worker-1 did not come back within 0.8s (last seen NotReady, bootID unchanged)',
      );
      expect(unreachable).toMatchObject({ node: 'worker-3', ok: false, commandSentAt: 0 });
      expect(unreachable.error).toMatch(
        /^worker-3 was not rebooted: the key was refused for user core on worker-3/,
      );
      expect(twin.kubelet.reboots.map((r) => r.node).sort()).toEqual(['worker-0', 'worker-1']);
      expect(log.messages('info').at(-1)).toMatch(
        /^\[[\d.]+s \/ 0\.8s\] reboot: 1\/3 back, 0 pending, 2 failed$/,
      );
    } finally {
      await s.close();
      // Bring worker-1 back for the tests that follow.
      twin.kubelet.neverReturns.clear();
      twin.kubelet.down.delete('worker-1');
      setReady(twin.ctx, 'worker-1', true);
      await twin.ssh.refresh();
    }
  });

  it('stops before any further command on a host key mismatch', async () => {
    const known = twin.ssh.nodes
      .filter((n) => n.name !== 'worker-1')
      .flatMap((n) => n.knownHostsLines)
      .join('\n');
    const s = shell({ knownHosts: known });
    try {
      const err = await rebootNodes(['worker-0', 'worker-1', 'worker-2'], {
        access: s,
        watch,
        maxParallel: 1,
        rebootTimeoutMs: 10_000,
        log,
      }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(HostKeyMismatchError);
      expect((err as HostKeyMismatchError).node).toBe('worker-1');
      expect(twin.kubelet.reboots.map((r) => r.node)).toEqual(['worker-0']);
    } finally {
      await s.close();
    }
    // worker-0 finishes its reboot on its own; wait so the next test starts from a settled cluster.
    await watch.until(
      'worker-0',
      (n) => n.ready && !twin.kubelet.down.has('worker-0'),
      5_000,
      'worker-0 back',
    );
  });

  it('skips nodes the caller says already rebooted, and stops sending when cancelled', async () => {
    const s = shell();
    const ctl = new AbortController();
    // Cancel as soon as worker-0 is back, before the next node would get its command.
    const cancelWhenBack = {
      info: (m: string) => {
        log.info(m);
        if (m.startsWith('worker-0 back after')) ctl.abort();
      },
      warn: (m: string) => log.warn(m),
      debug: (m: string) => log.debug(m),
      block: (t: string, text: string) => log.block(t, text),
    };
    try {
      const outcomes = await rebootNodes(['master-0', 'worker-0', 'worker-1', 'worker-2'], {
        access: s,
        watch,
        maxParallel: 1,
        rebootTimeoutMs: 10_000,
        log: cancelWhenBack,
        signal: ctl.signal,
        alreadyRebooted: (node) => node === 'master-0',
      });
      expect(outcomes[0]).toMatchObject({ node: 'master-0', ok: true });
      expect(outcomes[1]).toMatchObject({ node: 'worker-0', ok: true });
      expect(outcomes[2]).toMatchObject({
        ok: false,
        error: 'worker-1 was not rebooted: the run was cancelled',
      });
      expect(outcomes[3]).toMatchObject({
        ok: false,
        error: 'worker-2 was not rebooted: the run was cancelled',
      });
      expect(twin.kubelet.reboots.map((r) => r.node)).toEqual(['worker-0']);
    } finally {
      await s.close();
    }
  });
});
