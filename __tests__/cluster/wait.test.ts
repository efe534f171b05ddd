// waitFor against the twin's API server: resolves on the first list or on a later watch event,
// survives cut streams and expired resourceVersions, times out with what it last saw, and costs a
// number of requests that depends on reconnects, not on how long it waits.
import { readFile } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { Cluster } from '../../src/cluster/client.ts';
import { type KObject, NODES } from '../../src/cluster/types.ts';
import { WaitTimeoutError, waitFor } from '../../src/cluster/wait.ts';
import { MemoryLogger } from '../../src/util/log.ts';
import type { ApiFixture } from '../twin/api/fixture.ts';
import { useApiFixture } from './use-api-fixture.ts';
import { typeOfObject } from '../twin/resources.ts';

let f: ApiFixture;
let admin: string;

useApiFixture((fixture, kubeconfig) => {
  f = fixture;
  admin = kubeconfig;
});
afterEach(() => {
  f.ctx.faults.clear();
});

const NODE = typeOfObject('v1', 'Node');

function label(node: string, key: string, value: string): void {
  const obj = f.ctx.store.get(NODE, undefined, node)!;
  obj.metadata.labels = { ...obj.metadata.labels, [key]: value };
  delete obj.metadata.resourceVersion;
  f.ctx.store.update(obj, 'test');
}

/** Done when every node carries label `key=value`; progress counts them. */
function allLabelled(key: string, value: string) {
  return (items: KObject[]) => {
    const n = items.filter((i) => i.metadata.labels?.[key] === value).length;
    return { done: n === items.length && n > 0, progress: `${n}/${items.length} labelled` };
  };
}

function setup() {
  const log = new MemoryLogger();
  return { log, cluster: Cluster.fromKubeconfig(admin, undefined, log) };
}

describe('waitFor', () => {
  it('resolves from the first list when the condition already holds, with one request', async () => {
    const { cluster, log } = setup();
    const items = await waitFor<KObject>(cluster, NODES, {
      description: 'nodes to exist',
      timeoutMs: 5_000,
      evaluate: (items) => ({ done: items.length === 2, progress: `${items.length} nodes` }),
      log,
    });
    expect(items.map((i) => i.metadata.name).sort()).toEqual(['master-0', 'worker-0']);
    expect(cluster.requestCount).toBe(1);
  });

  it('resolves on the watch event that makes the condition true, logging progress as it changes', async () => {
    const { cluster, log } = setup();
    // Each change follows the wait's previous look (not a fixed delay, which a loaded machine can
    // outrun): the first after the LIST, the second after the watch event of the first.
    let looks = 0;
    const items = await waitFor<KObject>(cluster, NODES, {
      description: 'nodes to be labelled',
      timeoutMs: 5_000,
      evaluate: (items) => {
        looks++;
        if (looks <= 2) setImmediate(() => label(looks === 1 ? 'master-0' : 'worker-0', 'step', 'a'));
        return allLabelled('step', 'a')(items);
      },
      log,
    });
    expect(items.every((i) => i.metadata.labels?.step === 'a')).toBe(true);
    // Each line carries the elapsed time and the timeout; the counts only move forward.
    expect(log.messages('info')).toEqual([
      expect.stringMatching(/^\[[\d.]+s \/ 5s\] waiting for nodes to be labelled: 0\/2 labelled$/),
      expect.stringMatching(/^\[[\d.]+s \/ 5s\] waiting for nodes to be labelled: 1\/2 labelled$/),
    ]);
    expect(cluster.requestCount).toBe(2); // one LIST, one WATCH
  });

  it('reconnects from the last resourceVersion when the server cuts the stream', async () => {
    const { cluster, log } = setup();
    f.ctx.faults.add({ kind: 'watch-cut', afterMs: 80 });
    // Each change lands after a cut (not after a fixed delay, which a loaded machine can outrun), so
    // the wait sees it only if it reconnected from where it was.
    const cuts = () => f.ctx.faults.fired.get('watch-cut') ?? 0;
    const afterCuts = async (n: number) => {
      while (cuts() < n) await new Promise((r) => setTimeout(r, 5));
    };
    void afterCuts(1).then(async () => {
      label('master-0', 'step', 'b');
      await afterCuts(2);
      label('worker-0', 'step', 'b');
    });
    await waitFor<KObject>(cluster, NODES, {
      description: 'nodes to be labelled',
      timeoutMs: 5_000,
      evaluate: allLabelled('step', 'b'),
      log,
    });
    const seen = cuts();
    expect(seen).toBeGreaterThanOrEqual(2);
    // One LIST and one WATCH per stream: no re-list, no polling.
    expect(cluster.requestCount).toBe(1 + seen + 1);
    expect(log.messages('warn')).toEqual([]);
  });

  it('lists again when the watch resourceVersion has expired (410)', async () => {
    const { cluster, log } = setup();
    let calls = 0;
    await waitFor<KObject>(cluster, NODES, {
      description: 'nodes to be labelled',
      timeoutMs: 10_000,
      evaluate: (items) => {
        calls++;
        if (calls === 1) {
          // Between this LIST and the WATCH that follows, push the list's version out of history.
          label('master-0', 'step', 'c');
          label('worker-0', 'step', 'c');
          churn(20_050);
        }
        return allLabelled('step', 'c')(calls === 1 ? [] : items);
      },
      log,
    });
    expect(calls).toBe(2);
    expect(cluster.requestCount).toBe(3); // LIST, WATCH (410), LIST
    expect(log.messages('debug').some((m) => /expired, listing again/.test(m))).toBe(true);
  });

  it('never prints a count lower than before without saying so: a change the cluster reports', async () => {
    const { cluster, log } = setup();
    label('master-0', 'drop', 'x');
    label('worker-0', 'drop', 'x');
    setTimeout(() => label('master-0', 'drop', 'no'), 50);
    setTimeout(() => label('worker-0', 'drop', 'done'), 150);
    await waitFor<KObject>(cluster, NODES, {
      description: 'nodes to be labelled',
      timeoutMs: 5_000,
      evaluate: (items) => ({
        done: items.some((i) => i.metadata.labels?.drop === 'done'),
        progress: `nodes ${items.filter((i) => i.metadata.labels?.drop === 'x').length}/${items.length} labelled`,
      }),
      log,
    });
    expect(log.messages('info').map((l) => l.replace(/^\[[^\]]+\] /, ''))).toEqual([
      'waiting for nodes to be labelled: nodes 2/2 labelled',
      'waiting for nodes to be labelled: nodes 1/2 labelled (nodes was 2/2 — as the cluster reports it now)',
    ]);
  });

  it('a count lower after a re-list (the watch had to start over) says it was re-listed', async () => {
    const { cluster, log } = setup();
    label('master-0', 'relist', 'x');
    label('worker-0', 'relist', 'x');
    let calls = 0;
    await waitFor<KObject>(cluster, NODES, {
      description: 'pools to be updated',
      timeoutMs: 10_000,
      evaluate: (items) => {
        if (++calls === 1) {
          // Between this LIST and the WATCH after it: one node drops out, and the list's version is
          // pushed out of history (410), so the wait lists again.
          label('master-0', 'relist', 'no');
          churn(20_050);
        }
        if (calls === 2) setTimeout(() => label('worker-0', 'relist', 'done'), 20);
        const n = items.filter((i) => i.metadata.labels?.relist === 'x').length;
        return {
          done: items.some((i) => i.metadata.labels?.relist === 'done'),
          progress: `pools: worker ${n}/${items.length} updated`,
        };
      },
      log,
    });
    expect(log.messages('info').map((l) => l.replace(/^\[[^\]]+\] /, ''))).toEqual([
      'waiting for pools to be updated: pools: worker 2/2 updated',
      'waiting for pools to be updated: pools: worker 1/2 updated (worker was 2/2 — re-listed: the watch had to start over)',
    ]);
  });

  it("continuing an earlier wait (startedAt): elapsed and limit are the whole wait's, the clock never jumps back", async () => {
    const { cluster, log } = setup();
    const err = await waitFor<KObject>(cluster, NODES, {
      description: 'pools to be updated',
      timeoutMs: 300,
      startedAt: Date.now() - 65_000,
      evaluate: () => ({ done: false, progress: 'pools: worker 0/1 updated' }),
      log,
    }).catch((e: unknown) => e);
    expect(log.messages('info')).toEqual([
      expect.stringMatching(/^\[1m5s \/ 1m5s\] waiting for pools to be updated: pools: worker 0\/1 updated$/),
    ]);
    expect((err as Error).message).toMatch(/^timed out after 1m5s waiting for pools to be updated/);
  });

  it('times out with the description and the last progress', async () => {
    const { cluster, log } = setup();
    const err = await waitFor<KObject>(cluster, NODES, {
      description: 'pool worker to be Updated',
      // Long enough for the first LIST to answer on a loaded machine: "last seen" needs one look.
      timeoutMs: 2_000,
      evaluate: (items) => ({ done: false, progress: `pool worker: 0/${items.length} updated` }),
      log,
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WaitTimeoutError);
    expect((err as Error).message).toBe(
      'timed out after 2s waiting for pool worker to be Updated; last seen: pool worker: 0/2 updated',
    );
    expect((err as WaitTimeoutError).lastProgress).toBe('pool worker: 0/2 updated');
  });

  it('repeats the progress line while nothing changes, with no extra requests', async () => {
    const { cluster, log } = setup();
    await waitFor<KObject>(cluster, NODES, {
      description: 'something that never happens',
      timeoutMs: 1_050,
      evaluate: () => ({ done: false, progress: 'unchanged' }),
      log,
      progressEveryMs: 200,
    }).catch(() => {});
    const lines = log.messages('info');
    expect(lines.length).toBeGreaterThanOrEqual(5);
    // The heartbeat repeats the state, never the same line: its elapsed time moves on.
    expect(new Set(lines.map((l) => l.replace(/^\[[^\]]+\] /, '')))).toEqual(
      new Set(['waiting for something that never happens: unchanged']),
    );
    expect(new Set(lines).size).toBe(lines.length);
    expect(cluster.requestCount).toBe(2);
  });

  it('rejects with AbortError when cancelled', async () => {
    const { cluster, log } = setup();
    const ctl = new AbortController();
    setTimeout(() => ctl.abort(), 100);
    const err = await waitFor<KObject>(cluster, NODES, {
      description: 'forever',
      timeoutMs: 10_000,
      evaluate: () => ({ done: false, progress: '-' }),
      log,
      signal: ctl.signal,
    }).catch((e: unknown) => e);
    expect((err as Error).name).toBe('AbortError');
  });

  it('fails at once on a permission error instead of retrying until the deadline', async () => {
    const log = new MemoryLogger();
    const text = (await readFile(f.adminKubeconfig, 'utf8')).replace(f.api.adminToken, 'bad-token');
    const cluster = Cluster.fromKubeconfig(text, undefined, log);
    await expect(
      waitFor<KObject>(cluster, NODES, {
        description: 'nodes',
        timeoutMs: 10_000,
        evaluate: () => ({ done: false, progress: '-' }),
        log,
      }),
    ).rejects.toThrow(/token was rejected \(401\)/);
  });
});

function churn(n: number): void {
  const ev = f.ctx.store.create(
    {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: `churn-${Date.now()}`, namespace: 'default' },
      n: 0,
    },
    'test',
  );
  for (let i = 0; i < n; i++) {
    ev.n = i;
    delete ev.metadata.resourceVersion;
    f.ctx.store.update(ev, 'test');
  }
}
