// Behaviours the twin's API server does not produce on demand, against a scripted local server:
// 409 on a merge patch (retried) versus on a PUT (not), patch content types, a create whose first
// answer was lost, and a watch connection cut mid-stream (waitFor backs off and reconnects).
import http from 'node:http';
import type net from 'node:net';
import { stringify } from 'yaml';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Cluster } from '../../src/cluster/client.ts';
import { type KObject, NETWORK_CONFIG, NODES, nsRef } from '../../src/cluster/types.ts';
import { waitFor } from '../../src/cluster/wait.ts';
import { MemoryLogger } from '../../src/util/log.ts';

type Handler = (req: http.IncomingMessage, body: string, res: http.ServerResponse) => void;
let handlers: Handler[] = [];
const seen: { method: string; url: string; contentType?: string }[] = [];
let server: http.Server;
let url: string;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      seen.push({ method: req.method!, url: req.url!, contentType: req.headers['content-type'] });
      const next = handlers.shift();
      if (!next) return json(res, 500, { kind: 'Status', code: 500, message: 'no handler scripted' });
      next(req, Buffer.concat(chunks).toString('utf8'), res);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  url = `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});
beforeEach(() => {
  handlers = [];
  seen.length = 0;
});

function json(res: http.ServerResponse, code: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(code, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

function cluster(log = new MemoryLogger()) {
  // A plain-http server is only accepted with insecure-skip-tls-verify, as client-go does.
  const kubeconfig = stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'c', cluster: { server: url, 'insecure-skip-tls-verify': true } }],
    users: [{ name: 'u', user: { token: 'secret-token' } }],
    contexts: [{ name: 'x', context: { cluster: 'c', user: 'u' } }],
    'current-context': 'x',
  });
  return {
    log,
    c: Cluster.fromKubeconfig(kubeconfig, undefined, log, {
      retry: { attempts: 4, initialMs: 10, maxMs: 20 },
    }),
  };
}

const network: KObject = {
  apiVersion: 'config.openshift.io/v1',
  kind: 'Network',
  metadata: { name: 'cluster', resourceVersion: '5' },
  spec: { networkType: 'OVNKubernetes' },
};
const conflict = { kind: 'Status', code: 409, reason: 'Conflict', message: 'the object has been modified' };

describe('patches and conflicts', () => {
  it('retries a 409 on a merge patch, sending the merge-patch content type and the bearer token', async () => {
    const { c, log } = cluster();
    let auth = '';
    handlers = [
      (req, _b, res) => {
        auth = req.headers.authorization ?? '';
        json(res, 409, conflict);
      },
      (_r, body, res) => json(res, 200, { ...network, spec: JSON.parse(body).spec }),
    ];
    const out = await c.mergePatch<KObject>(NETWORK_CONFIG, { spec: { networkType: 'OVNKubernetes' } });
    expect(out.spec.networkType).toBe('OVNKubernetes');
    expect(auth).toBe('Bearer secret-token');
    expect(seen.map((s) => `${s.method} ${s.url} ${s.contentType}`)).toEqual([
      'PATCH /apis/config.openshift.io/v1/networks/cluster application/merge-patch+json',
      'PATCH /apis/config.openshift.io/v1/networks/cluster application/merge-patch+json',
    ]);
    expect(log.messages('warn')).toEqual([
      'API patch Network cluster failed (409), retrying in 0.01s (attempt 2/4)',
    ]);
  });

  it('does not retry a 409 on a PUT or on a JSON patch with a test op', async () => {
    const { c } = cluster();
    handlers = [(_r, _b, res) => json(res, 409, conflict)];
    await expect(c.replace(network)).rejects.toMatchObject({ status: 409 });
    handlers = [(_r, _b, res) => json(res, 409, conflict)];
    await expect(
      c.jsonPatch(NETWORK_CONFIG, [
        { op: 'test', path: '/spec/networkType', value: 'OpenShiftSDN' },
        { op: 'replace', path: '/spec/networkType', value: 'OVNKubernetes' },
      ]),
    ).rejects.toMatchObject({ status: 409 });
    expect(seen.map((s) => s.contentType)).toEqual(['application/json', 'application/json-patch+json']);
  });

  it('returns the existing object when a create was applied but its answer was lost', async () => {
    const { c } = cluster();
    const ns: KObject = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'n1' } };
    handlers = [
      (_r, _b, res) => res.socket?.destroy(), // applied, then the connection dropped
      (_r, _b, res) =>
        json(res, 409, {
          kind: 'Status',
          code: 409,
          reason: 'AlreadyExists',
          message: 'namespaces "n1" already exists',
        }),
      (_r, _b, res) => json(res, 200, { ...ns, metadata: { name: 'n1', uid: 'u-1' } }),
    ];
    const created = await c.create(ns);
    expect(created.metadata.uid).toBe('u-1');
    expect(seen.map((s) => `${s.method} ${s.url}`)).toEqual([
      'POST /api/v1/namespaces',
      'POST /api/v1/namespaces',
      'GET /api/v1/namespaces/n1',
    ]);
  });

  it('honours a Retry-After given as an HTTP date', async () => {
    const { c, log } = cluster();
    handlers = [
      (_r, _b, res) => {
        res.writeHead(429, { 'Retry-After': new Date(Date.now() + 1_500).toUTCString() });
        res.end();
      },
      (_r, _b, res) => json(res, 200, { ...network }),
    ];
    await c.get(nsRef('x'));
    expect(log.messages('warn')[0]).toMatch(
      /^API get Namespace x failed \(429\), retrying in [01](\.\d+)?s \(attempt 2\/4\)$/,
    );
  });
});

describe('paging', () => {
  it('lists again from the start once when the continue token expires', async () => {
    const { c, log } = cluster();
    const ns = (name: string) => ({ metadata: { name } });
    const expired = { kind: 'Status', code: 410, reason: 'Expired', message: 'continue token expired' };
    handlers = [
      (_r, _b, res) =>
        json(res, 200, { metadata: { resourceVersion: '7', continue: 't1' }, items: [ns('a')] }),
      (_r, _b, res) => json(res, 410, expired),
      (_r, _b, res) =>
        json(res, 200, { metadata: { resourceVersion: '9', continue: 't2' }, items: [ns('a')] }),
      (_r, _b, res) => json(res, 200, { metadata: { resourceVersion: '9' }, items: [ns('b')] }),
    ];
    const list = await c.list<KObject>({ apiVersion: 'v1', kind: 'Namespace' }, 1);
    expect(list.items.map((i) => `${i.kind} ${i.metadata.name}`)).toEqual(['Namespace a', 'Namespace b']);
    expect(list.resourceVersion).toBe('9');
    expect(seen.map((s) => new URL(s.url, url).searchParams.get('continue'))).toEqual([
      null,
      't1',
      null,
      't2',
    ]);
    expect(log.messages('warn')).toEqual([
      'API list Namespace (all): paging token expired, listing again from the start',
    ]);
  });
});

describe('watch cut mid-stream', () => {
  it('makes waitFor back off, reconnect from the last resourceVersion and finish', async () => {
    const { c, log } = cluster();
    const node = (rv: string, ready: string) => ({
      apiVersion: 'v1',
      kind: 'Node',
      metadata: { name: 'n1', resourceVersion: rv },
      status: { conditions: [{ type: 'Ready', status: ready }] },
    });
    handlers = [
      (_r, _b, res) =>
        json(res, 200, {
          kind: 'NodeList',
          metadata: { resourceVersion: '10' },
          items: [node('10', 'False')],
        }),
      (_r, _b, res) => {
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.write(`${JSON.stringify({ type: 'MODIFIED', object: node('11', 'False') })}\n`);
        setTimeout(() => res.socket?.destroy(), 30);
      },
      (_r, _b, res) => {
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.write(
          `${JSON.stringify({ type: 'BOOKMARK', object: { kind: 'Node', metadata: { resourceVersion: '12' } } })}\n`,
        );
        res.write(`${JSON.stringify({ type: 'MODIFIED', object: node('13', 'True') })}\n`);
      },
    ];
    const items = await waitFor<KObject>(c, NODES, {
      description: 'n1 Ready',
      timeoutMs: 5_000,
      evaluate: (items) => {
        const ready = items.every((i) => i.status.conditions[0].status === 'True');
        return { done: ready, progress: ready ? 'ready' : 'not ready' };
      },
      log,
    });
    expect(items[0].metadata.resourceVersion).toBe('13');
    const watches = seen.filter((s) => s.url.includes('watch=1'));
    expect(watches.map((w) => new URL(w.url, url).searchParams.get('resourceVersion'))).toEqual(['10', '11']);
    expect(log.messages('warn')).toEqual([
      'watch on Node (all) lost its connection (aborted); reconnecting in 0.5s',
    ]);
  });
});
