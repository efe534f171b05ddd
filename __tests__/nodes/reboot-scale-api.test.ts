// A thousand nodes rebooted at once through the API: one pods/exec per node into its MCD pod (WebSocket,
// TLS, on loopback), every command accepted (the time it took is printed), every node seen back through the one shared watch, and no
// SSH connection at all.
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Cluster } from '../../src/cluster/client.ts';
import { ApiNodeAccess, MCO_NAMESPACE } from '../../src/nodes/api-access.ts';
import { NodeWatch } from '../../src/nodes/node-watch.ts';
import { rebootNodes } from '../../src/nodes/reboot.ts';
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
    { msPerSecond: 10, rebootMs: 500 },
  );
  twin.ctx.nodeShells = twin.ssh;
  for (const [i, n] of twin.ctx.scenario.nodes.entries())
    twin.ctx.store.create(
      {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: `machine-config-daemon-${String(i).padStart(5, '0')}`, namespace: MCO_NAMESPACE },
        spec: { nodeName: n.name, containers: [{ name: 'machine-config-daemon' }] },
        status: { phase: 'Running', hostIP: n.addresses[0] },
      },
      'test',
    );
  cluster = twin.cluster(log);
  watch = await NodeWatch.start(cluster, log);
});
afterAll(async () => {
  watch.stop();
  await twin?.stop();
});

it(`reboots ${COUNT} nodes through pods/exec with maxParallel 0`, async () => {
  const access = new ApiNodeAccess(cluster, log);
  const names = watch.all().map((n) => n.name);
  expect(names).toHaveLength(COUNT);
  const started = Date.now();
  const outcomes = await rebootNodes(names, { access, watch, maxParallel: 0, rebootTimeoutMs: 60_000, log });
  expect(outcomes.filter((o) => !o.ok)).toEqual([]);
  const lastSent = Math.max(...outcomes.map((o) => o.commandSentAt));
  console.log(`${COUNT} reboot commands accepted through the API in ${lastSent - started} ms`);
  // Time is reported, not asserted here: the 10 s target is for the bench (see the report).
  expect(twin.kubelet.reboots).toHaveLength(COUNT);
  expect(twin.kubelet.reboots.every((r) => r.command === 'systemd-run --on-active=3 systemctl reboot')).toBe(
    true,
  );
  expect(twin.ctx.timeline.counters.get('ssh connect') ?? 0).toBe(0);
});
