// After a cancel the run's bookkeeping (checkpoint, lease, the network's state for the summary) must be
// done before the runner's SIGTERM (7.5 s after SIGINT). With the API down — it is, while every master
// reboots — the client's retries alone took about 8 s per request (seen in the bad-day e2e run, which
// exited 8.1 s after SIGINT). finishWithin bounds every request of the connection, every handle, retries
// and their waits included.
import { afterEach, describe, expect, it } from 'vitest';
import { Cluster } from '../../src/cluster/client.ts';
import { NETWORK_CONFIG } from '../../src/cluster/types.ts';
import { MemoryLogger } from '../../src/util/log.ts';
import type { ApiFixture } from '../twin/api/fixture.ts';
import { useApiFixture } from './use-api-fixture.ts';

// Six attempts, 1 s apart: without a deadline a request that keeps failing takes 5 s.
const SLOW_RETRIES = { retry: { attempts: 6, initialMs: 1000, maxMs: 1000 } };

let f: ApiFixture;
let admin: string;

useApiFixture((fixture, kubeconfig) => {
  f = fixture;
  admin = kubeconfig;
});
afterEach(() => f.ctx.faults.clear());

function requestsTo(pattern: RegExp): number {
  let n = 0;
  for (const [key, count] of f.ctx.timeline.counters) if (pattern.test(key)) n += count;
  return n;
}

async function failure(p: Promise<unknown>): Promise<Error> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(Error);
  return err as Error;
}

describe('Cluster.finishWithin', () => {
  it('stops retrying a failing API at the deadline, on every handle of the connection', async () => {
    const raw = Cluster.fromKubeconfig(admin, undefined, new MemoryLogger(), SLOW_RETRIES);
    const gated = raw.withCancelGate(new AbortController().signal);
    f.ctx.faults.add({ kind: 'http-errors', route: '^GET .*networks', status: 503, count: 1000 });
    const before = requestsTo(/networks/);
    raw.finishWithin(300);
    const [a, b] = await Promise.all([failure(raw.get(NETWORK_CONFIG)), failure(gated.get(NETWORK_CONFIG))]);
    for (const err of [a, b]) expect(err.message).toContain('no answer from the API within');
    // One attempt each, then the wait for the second was cut: not the six the policy allows.
    expect(requestsTo(/networks/) - before).toBeLessThanOrEqual(2);
  });

  it('a healthy API answers as usual within the deadline', async () => {
    const raw = Cluster.fromKubeconfig(admin, undefined, new MemoryLogger(), SLOW_RETRIES);
    raw.finishWithin(5_000);
    expect((await raw.get(NETWORK_CONFIG))?.metadata.name).toBe('cluster');
  });
});
