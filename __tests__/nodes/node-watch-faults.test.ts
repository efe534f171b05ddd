// The shared node watch stays exact under the soak's transient faults: cut streams, 503 on watch
// requests, 429 with Retry-After on node requests, API latency. Every change the store makes must be
// reflected, or a reboot would compare against a stale boot ID.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Cluster } from '../../src/cluster/client.ts';
import { NodeListTimeout, NodeWatch } from '../../src/nodes/node-watch.ts';
import { MemoryLogger } from '../../src/util/log.ts';
import { typeOfObject } from '../twin/resources.ts';
import { type NodesTwin, startNodesTwin } from './support.ts';

let twin: NodesTwin;
beforeAll(async () => {
  twin = await startNodesTwin({
    nodes: Array.from({ length: 20 }, (_, i) => ({
      name: `worker-${i}`,
      pool: 'worker',
      addresses: [`127.0.94.${i + 2}`],
    })),
  });
});
afterAll(async () => {
  await twin.stop();
});

const NODE = typeOfObject('v1', 'Node');

it('sees every boot ID change while watches are cut and requests fail', async () => {
  const faults = twin.ctx.faults;
  faults.add({ kind: 'watch-cut', afterMs: 150 });
  faults.add({ kind: 'api-latency', ms: 3 });
  faults.add({ kind: 'http-errors', route: 'watch=', status: 503, count: 5 });
  faults.add({
    kind: 'http-errors',
    route: '^GET /api/v1/nodes(\\?|$)',
    status: 429,
    count: 3,
    retryAfterSeconds: 1,
  });
  const log = new MemoryLogger();
  const cluster = Cluster.fromKubeconfig(twin.kubeconfig, undefined, log);
  const watch = await NodeWatch.start(cluster, log);
  try {
    for (let round = 0; round < 30; round++) {
      for (let i = 0; i < 20; i++) {
        if ((i + round) % 3 !== 0) continue;
        twin.ctx.store.mutate(NODE, undefined, `worker-${i}`, 'test', (o) => {
          (o.status as { nodeInfo: { bootID: string } }).nodeInfo.bootID = `boot-${i}-${round}`;
        });
      }
      await new Promise((r) => setTimeout(r, 40));
    }
    for (let i = 0; i < 20; i++) {
      const want = (
        twin.ctx.store.get(NODE, undefined, `worker-${i}`)!.status as { nodeInfo: { bootID: string } }
      ).nodeInfo.bootID;
      await watch.until(`worker-${i}`, (n) => n.bootID === want, 15_000, `worker-${i} at ${want}`);
    }
  } finally {
    watch.stop();
    faults.clear();
  }
});

it('a first node list that cannot reach the API ends at its limit: NodeListTimeout, the watch stopped', async () => {
  const log = new MemoryLogger();
  const cluster = Cluster.fromKubeconfig(twin.kubeconfig, undefined, log);
  await twin.api.suspend();
  try {
    const err = await NodeWatch.start(cluster, log, undefined, 400).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NodeListTimeout);
    expect((err as Error).message).toMatch(
      /^the node list did not answer within 0\.4s \(wait-timeout\): the API server is unreachable — check it, then run again/,
    );
    // Stopped: once the API is back, no request comes from the abandoned watch.
    await twin.api.resume();
    const before = cluster.requestCount;
    await new Promise((r) => setTimeout(r, 1_500));
    expect(cluster.requestCount).toBe(before);
  } finally {
    await twin.api.resume();
  }
});
