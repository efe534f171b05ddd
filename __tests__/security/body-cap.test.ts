// API response bodies are bounded: a server that answers with an endless body (or an endless watch
// event line) gets a clear error naming the request, not a process that grows until the runner dies.
// The server is HTTPS with its own CA, as a real API server.
import https from 'node:https';
import type net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Cluster, MAX_BODY_BYTES } from '../../src/cluster/client.ts';
import { ClusterError } from '../../src/cluster/errors.ts';
import { NODES } from '../../src/cluster/types.ts';
import { MemoryLogger } from '../../src/util/log.ts';
import { makeKubeconfig } from '../twin/api/kubeconfig.ts';
import { makeServingCertificates } from '../twin/api/tls.ts';

type Handler = (req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse) => void;
let handler: Handler = (_q, res) => res.end('{}');
let server: https.Server;
let kubeconfig: string;
let sent = 0;

/** Streams `bytes` of JSON-looking filler without a newline, counting what was sent. */
function flood(res: import('node:http').ServerResponse, bytes: number, headers: Record<string, string> = {}) {
  res.writeHead(200, { 'Content-Type': 'application/json', ...headers });
  const chunk = Buffer.alloc(1024 * 1024, 'a');
  const pump = () => {
    while (sent < bytes) {
      sent += chunk.length;
      if (!res.write(chunk)) return void res.once('drain', pump);
    }
    res.end();
  };
  res.on('error', () => {});
  pump();
}

beforeAll(async () => {
  const tls = await makeServingCertificates('body-cap');
  server = https.createServer({ cert: tls.certPem, key: tls.keyPem }, (req, res) => handler(req, res));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const url = `https://127.0.0.1:${(server.address() as net.AddressInfo).port}`;
  kubeconfig = makeKubeconfig({ url, caPem: tls.caPem, token: 'cap-token' });
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

const connect = () =>
  Cluster.fromKubeconfig(kubeconfig, undefined, new MemoryLogger(), {
    retry: { attempts: 3, initialMs: 10, maxMs: 20 },
  });

describe('API response bodies are bounded', () => {
  it('a list answer larger than 64 MiB fails with an error naming the request, without a retry', async () => {
    let requests = 0;
    sent = 0;
    handler = (_req, res) => {
      requests++;
      flood(res, 1024 * 1024 * 1024); // 1 GiB offered; the client must stop reading at 64 MiB
    };
    const err = await connect()
      .list(NODES)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ClusterError);
    expect((err as ClusterError).message).toMatch(/^the answer to API list Node.* is larger than 64 MiB/);
    expect((err as ClusterError).reason).toBe('ResponseTooLarge');
    expect(requests).toBe(1);
    // The server stopped being read soon after the cap (socket buffers allow some slack).
    expect(sent).toBeLessThan(MAX_BODY_BYTES + 64 * 1024 * 1024);
  });

  it('a Content-Length above the cap is refused before the body is read', async () => {
    sent = 0;
    handler = (_req, res) => flood(res, 200 * 1024 * 1024, { 'Content-Length': String(200 * 1024 * 1024) });
    await expect(connect().get({ ...NODES, name: 'worker-0' })).rejects.toThrow(
      /^the answer to API get Node worker-0 is larger than 64 MiB/,
    );
    expect(sent).toBeLessThan(MAX_BODY_BYTES);
  });

  it('a watch event line that never ends fails the watch once it passes the cap', async () => {
    sent = 0;
    handler = (_req, res) => flood(res, 1024 * 1024 * 1024);
    const ctl = new AbortController();
    const err = await connect()
      .watch(NODES, '1', () => {}, ctl.signal)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ClusterError);
    expect((err as ClusterError).message).toMatch(/^an event of the watch on Node.* is larger than 64 MiB/);
    expect(sent).toBeLessThan(MAX_BODY_BYTES + 64 * 1024 * 1024);
  });
});
