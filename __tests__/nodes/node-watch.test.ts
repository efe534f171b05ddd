// NodeWatch over the twin's API: node states from one LIST + WATCH, per-node waits with timeouts that
// say what was last seen, and cancellation.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Cluster } from '../../src/cluster/client.ts';
import { WaitTimeoutError } from '../../src/cluster/wait.ts';
import { nodeStateOf, NodeWatch } from '../../src/nodes/node-watch.ts';
import { MemoryLogger } from '../../src/util/log.ts';
import { typeOfObject } from '../twin/resources.ts';
import { type NodesTwin, setReady, startNodesTwin } from './support.ts';

let twin: NodesTwin;
beforeAll(async () => {
  twin = await startNodesTwin({
    nodes: [
      { name: 'master-0', pool: 'master', addresses: ['127.0.93.2'] },
      { name: 'worker-0', pool: 'worker', addresses: ['127.0.93.3'] },
    ],
  });
});
afterAll(async () => {
  await twin.stop();
});

const NODE = typeOfObject('v1', 'Node');
function setBoot(node: string, bootID: string) {
  twin.ctx.store.mutate(NODE, undefined, node, 'test', (o) => {
    (o.status as { nodeInfo: { bootID: string } }).nodeInfo.bootID = bootID;
  });
}

describe('nodeStateOf', () => {
  it('reads InternalIPs (IPv4 first), Ready and bootID', () => {
    const state = nodeStateOf({
      apiVersion: 'v1',
      kind: 'Node',
      metadata: { name: 'w' },
      status: {
        addresses: [
          { type: 'InternalIP', address: 'fd00::7' },
          { type: 'Hostname', address: 'w' },
          { type: 'InternalIP', address: '10.0.0.7' },
          { type: 'ExternalIP', address: '1.2.3.4' },
        ],
        conditions: [
          { type: 'MemoryPressure', status: 'False' },
          { type: 'Ready', status: 'True' },
        ],
        nodeInfo: { bootID: 'b-1' },
      },
    });
    expect(state).toEqual({ name: 'w', bootID: 'b-1', ready: true, addresses: ['10.0.0.7', 'fd00::7'] });
    expect(nodeStateOf({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'x' } })).toEqual({
      name: 'x',
      bootID: '',
      ready: false,
      addresses: [],
    });
  });
});

describe('NodeWatch', () => {
  it('knows every node after start and follows changes with one watch', async () => {
    const log = new MemoryLogger();
    const cluster = twin.cluster(log);
    const watch = await NodeWatch.start(cluster, log);
    try {
      expect(
        watch
          .all()
          .map((n) => n.name)
          .sort(),
      ).toEqual(['master-0', 'worker-0']);
      expect(watch.get('worker-0')).toMatchObject({
        ready: true,
        bootID: 'boot-worker-0-1',
        addresses: ['127.0.93.3'],
      });
      setTimeout(() => setReady(twin.ctx, 'worker-0', false), 30);
      setTimeout(() => setBoot('worker-0', 'boot-worker-0-2'), 60);
      setTimeout(() => setReady(twin.ctx, 'worker-0', true), 90);
      const [down, back] = await Promise.all([
        watch.until('worker-0', (n) => !n.ready, 5_000, 'worker-0 to go down'),
        watch.until('worker-0', (n) => n.ready && n.bootID === 'boot-worker-0-2', 5_000, 'worker-0 back'),
      ]);
      expect(down.ready).toBe(false);
      expect(back.bootID).toBe('boot-worker-0-2');
      expect(cluster.requestCount).toBe(2); // LIST + WATCH, whatever the number of waits
    } finally {
      watch.stop();
    }
  });

  it('resolves at once when the predicate already holds', async () => {
    const log = new MemoryLogger();
    const watch = await NodeWatch.start(twin.cluster(log), log);
    try {
      await expect(watch.until('master-0', (n) => n.ready, 1, 'ready')).resolves.toMatchObject({
        name: 'master-0',
      });
    } finally {
      watch.stop();
    }
  });

  it('times out naming the node and its last state', async () => {
    const log = new MemoryLogger();
    const watch = await NodeWatch.start(twin.cluster(log), log);
    try {
      setReady(twin.ctx, 'master-0', false);
      const err = await watch
        .until('master-0', (n) => n.ready && n.bootID !== 'boot-master-0-1', 300, 'master-0 to come back')
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(WaitTimeoutError);
      expect((err as Error).message).toBe(
        'timed out after 0.3s waiting for master-0 to come back; last seen: master-0 NotReady, bootID boot-mas…',
      );
    } finally {
      setReady(twin.ctx, 'master-0', true);
      watch.stop();
    }
  });

  it('rejects waits with AbortError when their signal aborts or the watch stops', async () => {
    const log = new MemoryLogger();
    const watch = await NodeWatch.start(twin.cluster(log), log);
    const ctl = new AbortController();
    const a = watch.until('worker-0', () => false, 10_000, 'never', ctl.signal);
    const b = watch.until('master-0', () => false, 10_000, 'never');
    ctl.abort();
    await expect(a).rejects.toMatchObject({ name: 'AbortError' });
    watch.stop();
    await expect(b).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('fails start with the API error when nodes cannot be listed', async () => {
    const log = new MemoryLogger();
    const bad = twin.kubeconfig.replace(twin.api.adminToken, 'nope');
    await expect(NodeWatch.start(Cluster.fromKubeconfig(bad, undefined, log), log)).rejects.toThrow(
      /token was rejected \(401\)/,
    );
  });
});
