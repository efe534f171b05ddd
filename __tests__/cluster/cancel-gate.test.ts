// The cancel gate of the Cluster client: once the run's signal aborts, a handle made by withCancelGate
// sends no request that could change the cluster (create, replace, patch, delete, retries included),
// while reads, watches and the read-only access review still go through; the ungated handle (the run's
// checkpoint) can still write. Checked on the twin's API server, which counts every request it gets.
import { afterEach, describe, expect, it } from 'vitest';
import { Cluster } from '../../src/cluster/client.ts';
import { NETWORK_CONFIG, NODES } from '../../src/cluster/types.ts';
import { isAbortError } from '../../src/util/abort.ts';
import { MemoryLogger } from '../../src/util/log.ts';
import type { ApiFixture } from '../twin/api/fixture.ts';
import { useApiFixture } from './use-api-fixture.ts';

const FAST = { retry: { attempts: 6, initialMs: 200, maxMs: 200 } };
const CM = { apiVersion: 'v1', kind: 'ConfigMap', namespace: 'default' };

let f: ApiFixture;
let admin: string;

useApiFixture((fixture, kubeconfig) => {
  f = fixture;
  admin = kubeconfig;
});
afterEach(() => f.ctx.faults.clear());

/** Requests the twin received whose verb could change something (create, update, patch, delete). */
function writesReceived(): number {
  let n = 0;
  for (const [key, count] of f.ctx.timeline.counters)
    if (
      /^(create|update|patch|delete|deletecollection) /.test(key) &&
      !key.includes('selfsubjectaccessreviews')
    )
      n += count;
  return n;
}

function handles() {
  const raw = Cluster.fromKubeconfig(admin, undefined, new MemoryLogger(), FAST);
  const cancel = new AbortController();
  return { raw, gated: raw.withCancelGate(cancel.signal), cancel };
}

async function refused(p: Promise<unknown>): Promise<void> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(isAbortError(err), `expected AbortError, got ${String(err)}`).toBe(true);
}

describe('Cluster.withCancelGate', () => {
  it('writes normally until the signal aborts, then refuses every mutating verb without sending it', async () => {
    const { raw, gated, cancel } = handles();
    await gated.create({ ...CM, metadata: { name: 'gate-a', namespace: 'default' }, data: { a: '1' } });
    const ref = { ...CM, name: 'gate-a' };
    const current = (await gated.get(ref))!;
    cancel.abort(new Error('cancelled (SIGINT)'));

    const before = writesReceived();
    await refused(gated.mergePatch(ref, { data: { a: '2' } }));
    await refused(gated.jsonPatch(ref, [{ op: 'replace', path: '/data/a', value: '3' }]));
    await refused(gated.replace({ ...current, data: { a: '4' } }));
    await refused(gated.create({ ...CM, metadata: { name: 'gate-b', namespace: 'default' } }));
    await refused(gated.delete(ref));
    expect(writesReceived()).toBe(before);
    expect((await raw.get(ref))?.data).toEqual({ a: '1' });

    // Reads and the access review still work: the cancelled run still reports and checks.
    expect((await gated.get(NETWORK_CONFIG))?.metadata.name).toBe('cluster');
    expect((await gated.list(NODES)).items.length).toBeGreaterThan(0);
    expect(await gated.canI({ verb: 'get', group: '', resource: 'nodes' })).toBe(true);

    // The ungated handle (the checkpoint's) still writes: the run's own bookkeeping after a cancel.
    await raw.mergePatch(ref, { data: { a: 'checkpoint' } });
    expect(writesReceived()).toBe(before + 1);
    expect((await raw.get(ref))?.data).toEqual({ a: 'checkpoint' });
    // Both handles share one connection and one request counter.
    expect(gated.requestCount).toBe(raw.requestCount);
  });

  it('does not retry a write once the signal aborts, and stops waiting between attempts at once', async () => {
    const { raw, gated, cancel } = handles();
    await raw.create({ ...CM, metadata: { name: 'gate-retry', namespace: 'default' } });
    const ref = { ...CM, name: 'gate-retry' };
    // Every attempt answered 503: the client would retry six times, 200 ms apart.
    f.ctx.faults.add({
      kind: 'http-errors',
      route: '^PATCH .*/configmaps/gate-retry',
      status: 503,
      count: 100,
    });
    const before = f.ctx.timeline.counters.get('patch configmaps') ?? 0;
    const started = Date.now();
    const patch = gated.mergePatch(ref, { data: { x: '1' } });
    // Cancel while it waits for its second attempt.
    await new Promise((r) => setTimeout(r, 100));
    cancel.abort(new Error('cancelled (SIGINT)'));
    await refused(patch);
    expect(Date.now() - started).toBeLessThan(190);
    expect((f.ctx.timeline.counters.get('patch configmaps') ?? 0) - before).toBe(1);
  });

  it('leaves a handle without the gate, and GETs on a gated one, untouched by an aborted signal', async () => {
    const { raw, gated, cancel } = handles();
    cancel.abort();
    await raw.create({ ...CM, metadata: { name: 'gate-raw', namespace: 'default' } });
    expect(await gated.get({ ...CM, name: 'gate-raw' })).toBeDefined();
  });
});
