// An API outage (the twin's API server suspended: connections refused, open ones reset) under a
// watch-driven wait: the wait survives it, sees what changed meanwhile, and the log tells the story
// once — one warning when it starts, one line when the API answers again — however long it lasts.
import { describe, expect, it } from 'vitest';
import { Cluster } from '../../src/cluster/client.ts';
import { type KObject, NODES } from '../../src/cluster/types.ts';
import { waitFor } from '../../src/cluster/wait.ts';
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

const NODE = typeOfObject('v1', 'Node');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function label(node: string, key: string, value: string): void {
  const obj = f.ctx.store.get(NODE, undefined, node)!;
  obj.metadata.labels = { ...obj.metadata.labels, [key]: value };
  delete obj.metadata.resourceVersion;
  f.ctx.store.update(obj, 'test');
}

describe('a watch-driven wait across an API outage', () => {
  it('rides through 9 s without the API: one warning, one line when it is back, the change seen', async () => {
    const log = new MemoryLogger();
    const cluster = Cluster.fromKubeconfig(admin, undefined, log);
    const wait = waitFor<KObject>(cluster, NODES, {
      description: 'every node labelled outage=over',
      timeoutMs: 60_000,
      evaluate: (items) => {
        const n = items.filter((i) => i.metadata.labels?.outage === 'over').length;
        return { done: n === items.length && n > 0, progress: `${n}/${items.length} labelled` };
      },
      log,
    });
    await sleep(300); // listed, watching
    await f.api.suspend();
    // The cluster moves on while the API is away (as the nodes do when they come back).
    for (const n of ['master-0', 'worker-0']) label(n, 'outage', 'over');
    await sleep(9_000);
    const requestsDuringOutage = cluster.requestCount;
    await f.api.resume();
    const items = await wait;
    expect(items.every((i) => i.metadata.labels?.outage === 'over')).toBe(true);

    const warnings = log.messages('warn');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(
      /^watch on Node \(all\) (lost its connection|interrupted: cannot reach).*; reconnecting in /,
    );
    expect(log.messages('info').filter((m) => /the API server answers again after \d/.test(m))).toHaveLength(
      1,
    );
    // Backing off: a handful of attempts in 9 s, not one every few hundred milliseconds.
    expect(requestsDuringOutage).toBeLessThan(12);
  }, 30_000);
});

describe('a watch-driven wait when the API comes back', () => {
  // Nothing listens while the API is away (connection refused): trying again costs no server any
  // work, so the watch keeps trying every few seconds and sees the API soon after it is back instead
  // of sleeping out a long backoff (the 10 s cap is for a server that answers with errors).
  it('sees a change made during a 9 s outage within 3 s of the API coming back', async () => {
    const log = new MemoryLogger();
    const cluster = Cluster.fromKubeconfig(admin, undefined, log);
    const wait = waitFor<KObject>(cluster, NODES, {
      description: 'master-0 labelled back=yes',
      timeoutMs: 60_000,
      evaluate: (items) => ({
        done: items.some((i) => i.metadata.name === 'master-0' && i.metadata.labels?.back === 'yes'),
        progress: 'waiting',
      }),
      log,
    });
    await sleep(300); // listed, watching
    await f.api.suspend();
    label('master-0', 'back', 'yes');
    await sleep(9_000);
    const requestsDuringOutage = cluster.requestCount;
    await f.api.resume();
    const resumedAt = Date.now();
    await wait;
    expect(Date.now() - resumedAt).toBeLessThan(3_000);
    // Still not a tight loop: a few attempts in 9 s.
    expect(requestsDuringOutage).toBeLessThan(12);
  }, 30_000);
});
