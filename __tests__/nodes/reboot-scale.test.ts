// A thousand nodes rebooted at once: every command is accepted (how fast is the bench's job), every node
// is seen back through the one shared watch, and the API request count does not depend on node count.
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Cluster } from '../../src/cluster/client.ts';
import { NodeWatch } from '../../src/nodes/node-watch.ts';
import { rebootNodes } from '../../src/nodes/reboot.ts';
import { NodeShell } from '../../src/nodes/ssh.ts';
import { MemoryLogger } from '../../src/util/log.ts';
import { type NodesTwin, startNodesTwin } from './support.ts';

const COUNT = 1000;
let twin: NodesTwin;
let cluster: Cluster;
let watch: NodeWatch;
const log = new MemoryLogger();

beforeAll(async () => {
  twin = await startNodesTwin(
    { nodeSets: [{ prefix: 'worker-', count: COUNT, pool: 'worker' }] },
    { msPerSecond: 1, rebootMs: 500 },
  );
  cluster = twin.cluster(log);
  watch = await NodeWatch.start(cluster, log);
});
afterAll(async () => {
  watch.stop();
  await twin?.stop();
});

it(`reboots ${COUNT} nodes with maxParallel 0`, async () => {
  const shell = new NodeShell(
    { user: 'core', port: twin.ssh.port, privateKey: twin.ssh.clientPrivateKey },
    log,
  );
  const names = watch.all().map((n) => n.name);
  expect(names).toHaveLength(COUNT);
  const started = Date.now();
  const requestsBefore = cluster.requestCount;
  try {
    const outcomes = await rebootNodes(names, {
      access: shell,
      watch,
      maxParallel: 0,
      rebootTimeoutMs: 60_000,
      log,
    });
    const failures = outcomes.filter((o) => !o.ok);
    expect(failures).toEqual([]);
    const lastSent = Math.max(...outcomes.map((o) => o.commandSentAt));
    console.log(
      `${COUNT} reboot commands accepted in ${lastSent - started} ms; all back in ${Date.now() - started} ms`,
    );
    // The 10 s target is measured by `npm run bench` (fan-out section), not asserted here: on a loaded
    // 2-core machine a timed assertion fails for reasons that are not the action's.
    expect(twin.kubelet.reboots).toHaveLength(COUNT);
    // Reconnects of the one watch at most; never a request per node.
    expect(cluster.requestCount - requestsBefore).toBeLessThan(5);
  } finally {
    await shell.close();
  }
});
