// probeCluster against a small local HTTP server standing in for the API server: the happy path and
// each failure the user must be able to tell apart (unreachable, token rejected, forbidden, not OpenShift).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { probeCluster } from '../src/cluster-probe.ts';

const TOKEN = 'sha256~probe-test-token';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;
let server: Server | undefined;

async function apiServer(handler: Handler): Promise<string> {
  server = createServer(handler);
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

afterEach(async () => {
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
});

/** A URL where nothing listens: a port the OS just handed out and took back. */
async function closedUrl(): Promise<string> {
  const s = createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}

let deadUrl = 'http://127.0.0.1:9';

function kubeconfig(url: string, context?: string): { kubeconfig: string; context?: string } {
  return {
    kubeconfig: stringify({
      apiVersion: 'v1',
      clusters: [
        // client-node 2 speaks plain HTTP only with TLS verification off.
        { name: 'c', cluster: { server: url, 'insecure-skip-tls-verify': true } },
        { name: 'other', cluster: { server: deadUrl, 'insecure-skip-tls-verify': true } },
      ],
      users: [{ name: 'u', user: { token: TOKEN } }],
      contexts: [
        { name: 'main', context: { cluster: 'c', user: 'u' } },
        { name: 'dead', context: { cluster: 'other', user: 'u' } },
      ],
      'current-context': 'main',
    }),
    ...(context ? { context } : {}),
  };
}

const json = (res: ServerResponse, code: number, body: unknown): void => {
  res.writeHead(code, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
};

const status = (code: number, message: string) => ({
  kind: 'Status',
  apiVersion: 'v1',
  status: 'Failure',
  message,
  code,
});

describe('probeCluster', () => {
  it('reads the version and the network type with the bearer token', async () => {
    const seen: string[] = [];
    const url = await apiServer((req, res) => {
      seen.push(`${req.headers.authorization} ${req.url}`);
      if (req.url === '/apis/config.openshift.io/v1/clusterversions/version') {
        return json(res, 200, {
          status: { desired: { version: '4.14.12' }, history: [{ version: '4.14.12' }] },
        });
      }
      if (req.url === '/apis/config.openshift.io/v1/networks/cluster') {
        return json(res, 200, {
          spec: { networkType: 'OpenShiftSDN' },
          status: { networkType: 'OpenShiftSDN' },
        });
      }
      json(res, 404, status(404, 'not found'));
    });
    const probe = await probeCluster(kubeconfig(url));
    expect(probe).toEqual({ server: url, context: 'main', version: '4.14.12', networkType: 'OpenShiftSDN' });
    expect(seen).toEqual([
      `Bearer ${TOKEN} /apis/config.openshift.io/v1/clusterversions/version`,
      `Bearer ${TOKEN} /apis/config.openshift.io/v1/networks/cluster`,
    ]);
  });

  it('falls back to history and spec when status fields are missing', async () => {
    const url = await apiServer((req, res) =>
      req.url?.includes('clusterversions')
        ? json(res, 200, { status: { history: [{ version: '4.7.60' }] } })
        : json(res, 200, { spec: { networkType: 'OVNKubernetes' } }),
    );
    const probe = await probeCluster(kubeconfig(url));
    expect(probe.version).toBe('4.7.60');
    expect(probe.networkType).toMatch(/^OVNKubernetes \(spec/);
  });

  it('uses the requested context', async () => {
    deadUrl = await closedUrl();
    const url = await apiServer((_req, res) => json(res, 200, {}));
    await expect(probeCluster(kubeconfig(url, 'dead'))).rejects.toThrow(
      `cannot reach the API server at ${deadUrl}: connect ECONNREFUSED`,
    );
  });

  it('says when the API server cannot be reached', async () => {
    const url = await apiServer(() => undefined);
    const port = (server!.address() as AddressInfo).port;
    await new Promise<void>((resolve) => server!.close(() => resolve()));
    server = undefined;
    await expect(probeCluster(kubeconfig(url))).rejects.toThrow(
      new RegExp(`^cannot reach the API server at http://127\\.0\\.0\\.1:${port}: .*ECONNREFUSED`),
    );
  });

  it('says when the API server does not answer in time', async () => {
    const url = await apiServer(() => undefined); // never responds
    await expect(probeCluster(kubeconfig(url), 300)).rejects.toThrow(
      /^cannot reach the API server at .*no answer within 0.3s/,
    );
    server?.closeAllConnections();
  });

  it('says when the token is rejected, without echoing it', async () => {
    const url = await apiServer((_req, res) => json(res, 401, status(401, 'Unauthorized')));
    const err = (await probeCluster(kubeconfig(url)).catch((e: unknown) => e)) as Error;
    expect(err.message).toMatch(/^the token was rejected \(401\): Unauthorized/);
    expect(err.message).not.toContain(TOKEN);
  });

  it('names the object and cluster-admin on 403', async () => {
    const url = await apiServer((_req, res) => json(res, 403, status(403, 'clusterversions is forbidden')));
    await expect(probeCluster(kubeconfig(url))).rejects.toThrow(
      /reading clusterversions\.config\.openshift\.io\/version was forbidden \(403\).*cluster-admin/,
    );
  });

  it('asks whether this is OpenShift on 404', async () => {
    const url = await apiServer((_req, res) =>
      json(res, 404, status(404, 'the server could not find the requested resource')),
    );
    await expect(probeCluster(kubeconfig(url))).rejects.toThrow(/not found \(404\).*OpenShift 4 cluster/);
  });
});
