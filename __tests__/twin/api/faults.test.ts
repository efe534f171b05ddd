// API faults switched on at run time: injected HTTP errors (used up after `count`), 409, dropped
// connections, 429 with
// Retry-After, watch streams cut by the server, and added latency.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type ApiFixture, rawRequest, startFixture } from './fixture.ts';

let f: ApiFixture;

beforeAll(async () => {
  f = await startFixture();
});
afterEach(() => f.ctx.faults.clear());
afterAll(async () => {
  await f.stop();
});

describe('API faults', () => {
  it('http-errors: 503 for the matching route count times, then success', async () => {
    f.ctx.faults.add({ kind: 'http-errors', route: '^GET /api/v1/nodes\\?limit=', status: 503, count: 2 });
    const other = await rawRequest(f.api, 'GET', '/api/v1/nodes');
    expect(other.status).toBe(200);
    const a = await rawRequest(f.api, 'GET', '/api/v1/nodes?limit=5');
    const b = await rawRequest(f.api, 'GET', '/api/v1/nodes?limit=5');
    const c = await rawRequest(f.api, 'GET', '/api/v1/nodes?limit=5');
    expect([a.status, b.status, c.status]).toEqual([503, 503, 200]);
    expect(a.json).toMatchObject({
      kind: 'Status',
      status: 'Failure',
      reason: 'ServiceUnavailable',
      code: 503,
    });
    expect(f.ctx.faults.fired.get('http-errors')).toBe(2);
    expect(f.ctx.faults.list()).toHaveLength(0);
    // Failed requests are still requests the client made.
    expect(f.ctx.timeline.counters.get('list nodes')).toBe(4);
  });

  it('http-errors: 429 carries Retry-After', async () => {
    f.ctx.faults.add({ kind: 'http-errors', route: '^PATCH ', status: 429, count: 1, retryAfterSeconds: 7 });
    const body = { metadata: { annotations: { a: 'b' } } };
    const opts = { body, contentType: 'application/merge-patch+json' };
    const first = await rawRequest(f.api, 'PATCH', '/api/v1/nodes/worker-0', opts);
    expect(first.status).toBe(429);
    expect(first.headers['retry-after']).toBe('7');
    expect(first.json).toMatchObject({ reason: 'TooManyRequests', details: { retryAfterSeconds: 7 } });
    expect(f.ctx.timeline.clientWrites()).toHaveLength(0);
    const second = await rawRequest(f.api, 'PATCH', '/api/v1/nodes/worker-0', opts);
    expect(second.status).toBe(200);
  });

  it('http-errors: 409 answers as a conflict, status 0 drops the connection without an answer', async () => {
    const firedBefore = f.ctx.faults.fired.get('http-errors') ?? 0;
    f.ctx.faults.add({ kind: 'http-errors', route: '^PATCH ', status: 409, count: 1 });
    const opts = { body: { metadata: { labels: { x: 'y' } } }, contentType: 'application/merge-patch+json' };
    const conflict = await rawRequest(f.api, 'PATCH', '/api/v1/nodes/worker-0', opts);
    expect(conflict.status).toBe(409);
    expect(conflict.json).toMatchObject({ reason: 'Conflict', code: 409 });
    f.ctx.faults.add({ kind: 'http-errors', route: '^GET /api/v1/nodes$', status: 0, count: 1 });
    await expect(rawRequest(f.api, 'GET', '/api/v1/nodes')).rejects.toThrow(/socket hang up|ECONNRESET/);
    expect((await rawRequest(f.api, 'GET', '/api/v1/nodes')).status).toBe(200);
    expect(f.ctx.faults.fired.get('http-errors')).toBe(firedBefore + 2);
  });

  it('watch-cut: the server ends each watch stream after afterMs', async () => {
    f.ctx.faults.add({ kind: 'watch-cut', afterMs: 150 });
    const r = await rawRequest(f.api, 'GET', '/api/v1/nodes?watch=true');
    expect(r.status).toBe(200);
    expect(r.ms).toBeGreaterThanOrEqual(140);
    expect(r.text.trim().split('\n')).toHaveLength(2);
    expect(f.ctx.faults.fired.get('watch-cut')).toBe(1);
  });

  it('api-latency: every response is delayed, and the delay goes when the fault is cleared', async () => {
    f.ctx.faults.add({ kind: 'api-latency', ms: 250 });
    const slow = await rawRequest(f.api, 'GET', '/api/v1/namespaces');
    expect(slow.status).toBe(200);
    expect(slow.ms).toBeGreaterThanOrEqual(240);
    expect(f.ctx.faults.fired.get('api-latency')).toBe(1);
    f.ctx.faults.clear('api-latency');
    const fast = await rawRequest(f.api, 'GET', '/api/v1/namespaces');
    expect(fast.status).toBe(200);
    // Cleared: the fault no longer fires (its delay is not asserted as a time: a loaded machine is slow).
    expect(f.ctx.faults.fired.get('api-latency')).toBe(1);
  });
});

describe('stop()', () => {
  it('returns promptly while watches are open', async () => {
    const g = await startFixture();
    const open = rawRequest(g.api, 'GET', '/api/v1/nodes?watch=1').catch((e: unknown) => e);
    await new Promise((r) => setTimeout(r, 100));
    const t = performance.now();
    await g.stop();
    // A hang (stop waiting for the watch to end) would take the test's timeout; 10 s is generous.
    expect(performance.now() - t).toBeLessThan(10_000);
    await open;
  });
});
