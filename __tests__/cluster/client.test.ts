// Cluster client against the twin's HTTPS API server: typed reads and writes, paging, error messages,
// retries (with their log lines) and single watch requests.
import { readFile } from 'node:fs/promises';
import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { Cluster } from '../../src/cluster/client.ts';
import { ClusterError } from '../../src/cluster/errors.ts';
import { type KObject, NETWORK_CONFIG, NODES, nsRef } from '../../src/cluster/types.ts';
import { MemoryLogger } from '../../src/util/log.ts';
import type { ApiFixture } from '../twin/api/fixture.ts';
import { useApiFixture } from './use-api-fixture.ts';
import { makeKubeconfig } from '../twin/api/kubeconfig.ts';
import { makeServingCertificates } from '../twin/api/tls.ts';
import { typeOfObject } from '../twin/resources.ts';

const FAST = { retry: { attempts: 6, initialMs: 10, maxMs: 40 } };

let f: ApiFixture;
let admin: string;

useApiFixture((fixture, kubeconfig) => {
  f = fixture;
  admin = kubeconfig;
});

function connect(log = new MemoryLogger(), opts = {}) {
  return { cluster: Cluster.fromKubeconfig(admin, undefined, log, opts), log };
}

async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const { port } = s.address() as net.AddressInfo;
  await new Promise((r) => s.close(r));
  return port;
}

describe('kubeconfig', () => {
  it('exposes the server URL and the kubeconfig user name, never the token', () => {
    const { cluster } = connect();
    expect(cluster.server).toBe(f.api.url);
    expect(cluster.user).toBe('twin-user');
    expect(JSON.stringify(Object.keys(cluster))).not.toContain(f.api.adminToken);
  });

  it('names the missing context and the ones that exist', () => {
    expect(() => Cluster.fromKubeconfig(admin, 'prod', new MemoryLogger())).toThrow(
      'context "prod" is not in the kubeconfig (it has: twin) — fix the context input',
    );
  });

  it('does not echo unparsable kubeconfig text', () => {
    let message = '';
    try {
      Cluster.fromKubeconfig('clusters: [\n  secret-token-xyz: {', undefined, new MemoryLogger());
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toMatch(/^the kubeconfig could not be read/);
    expect(message).not.toContain('secret-token-xyz');
  });
});

describe('reads and writes', () => {
  it('gets an object, and undefined for one that does not exist', async () => {
    const { cluster } = connect();
    const net = await cluster.get<KObject>(NETWORK_CONFIG);
    expect(net?.spec.networkType).toBe('OpenShiftSDN');
    expect(net?.kind).toBe('Network');
    expect(await cluster.get(nsRef('no-such-namespace'))).toBeUndefined();
  });

  it('lists across pages, filling in kind, and streams pages one at a time', async () => {
    const { cluster } = connect();
    const before = cluster.requestCount;
    const all = await cluster.list<KObject>({ apiVersion: 'v1', kind: 'Namespace' }, 1);
    const names = all.items.map((n) => n.metadata.name).sort();
    expect(names).toEqual(['default', 'openshift-multus', 'openshift-sdn', 'workloads']);
    expect(all.items.every((n) => n.kind === 'Namespace' && n.apiVersion === 'v1')).toBe(true);
    expect(Number(all.resourceVersion)).toBeGreaterThan(0);
    // Four namespaces, one per page: four requests (the last page carries no continue token).
    expect(cluster.requestCount - before).toBe(4);

    const sizes: number[] = [];
    await cluster.forEachPage<KObject>({ apiVersion: 'v1', kind: 'Namespace' }, 3, (items) => {
      sizes.push(items.length);
    });
    expect(sizes).toEqual([3, 1]);
  });

  it('filters lists by label selector and lists pods of all namespaces', async () => {
    const { cluster } = connect();
    const workers = await cluster.list({ ...NODES, labelSelector: 'node-role.kubernetes.io/worker' });
    expect(workers.items.map((n) => n.metadata.name)).toEqual(['worker-0']);
    const pods = await cluster.list({ apiVersion: 'v1', kind: 'Pod' });
    expect(pods.items.length).toBeGreaterThan(0);
  });

  it('merge-patches, and a dry run changes nothing', async () => {
    const { cluster } = connect();
    const ref = nsRef('workloads');
    const dry = await cluster.mergePatch<KObject>(
      ref,
      { metadata: { labels: { dry: 'yes' } } },
      { dryRun: true },
    );
    expect(dry.metadata.labels?.dry).toBe('yes');
    expect((await cluster.get<KObject>(ref))?.metadata.labels?.dry).toBeUndefined();
    const patched = await cluster.mergePatch<KObject>(ref, { metadata: { labels: { migrated: 'soon' } } });
    expect(patched.metadata.labels?.migrated).toBe('soon');
    expect((await cluster.get<KObject>(ref))?.metadata.labels?.migrated).toBe('soon');
    const json = await cluster.jsonPatch<KObject>(ref, [{ op: 'remove', path: '/metadata/labels/migrated' }]);
    expect(json.metadata.labels?.migrated).toBeUndefined();
  });

  it('creates, replaces (409 on a stale resourceVersion) and deletes idempotently', async () => {
    const { cluster } = connect();
    const created = await cluster.create<KObject>({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: 'client-test' },
    });
    expect(created.metadata.uid).toBeTruthy();
    const fresh = await cluster.replace<KObject>({
      ...created,
      metadata: { ...created.metadata, labels: { a: '1' } },
    });
    expect(fresh.metadata.labels?.a).toBe('1');
    const stale = cluster.replace<KObject>({
      ...created,
      metadata: { ...created.metadata, labels: { a: '2' } },
    });
    await expect(stale).rejects.toMatchObject({ status: 409 });
    await expect(stale).rejects.toThrow(
      'Namespace client-test was changed by someone else since it was read (409 Conflict)',
    );
    await expect(cluster.create(created)).rejects.toThrow('Namespace client-test already exists');
    await cluster.delete(nsRef('client-test'));
    await cluster.delete(nsRef('client-test'));
    await cluster.delete(nsRef('never-existed'));
  });

  it('says which object was not found when patching one', async () => {
    const { cluster } = connect();
    await expect(cluster.mergePatch(nsRef('ghost'), { metadata: { labels: { a: 'b' } } })).rejects.toThrow(
      /^Namespace ghost not found$/,
    );
  });

  it('asks the API what the user may do', async () => {
    const { cluster } = connect();
    expect(await cluster.canI({ verb: 'patch', group: 'config.openshift.io', resource: 'networks' })).toBe(
      true,
    );
    const viewer = Cluster.fromKubeconfig(
      await readFile(f.viewerKubeconfig, 'utf8'),
      undefined,
      new MemoryLogger(),
    );
    expect(await viewer.canI({ verb: 'patch', group: 'config.openshift.io', resource: 'networks' })).toBe(
      false,
    );
    expect(await viewer.canI({ verb: 'list', group: '', resource: 'nodes' })).toBe(true);
  });

  it('reads a pod log tail', async () => {
    const { cluster } = connect();
    const text = await cluster.podLog('workloads', 'web-1', { tailLines: 2 });
    expect(text).toContain('line 3');
    expect(text).not.toContain('line 1');
  });
});

describe('errors', () => {
  it('says the token was rejected on 401, without retrying', async () => {
    const text = makeKubeconfig({ url: f.api.url, caPem: f.api.caPem, token: 'wrong' });
    const log = new MemoryLogger();
    const cluster = Cluster.fromKubeconfig(text, undefined, log);
    const err = await cluster.get(NETWORK_CONFIG).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ClusterError);
    expect((err as Error).message).toBe(
      `the token was rejected (401) by ${f.api.url} — the kubeconfig's credentials are invalid or expired`,
    );
    expect(cluster.requestCount).toBe(1);
    expect(log.messages('warn')).toEqual([]);
  });

  it('names verb, resource, object and user on 403', async () => {
    const viewer = Cluster.fromKubeconfig(
      await readFile(f.viewerKubeconfig, 'utf8'),
      undefined,
      new MemoryLogger(),
    );
    await expect(
      viewer.mergePatch(NETWORK_CONFIG, { spec: { networkType: 'OVNKubernetes' } }),
    ).rejects.toThrow(
      'patch networks.config.openshift.io "cluster" is forbidden for viewer: grant viewer "patch" on networks.config.openshift.io',
    );
  });

  it('says the API server cannot be reached, after retrying with a log line per retry', async () => {
    const port = await freePort();
    const text = makeKubeconfig({ url: `https://127.0.0.1:${port}`, caPem: f.api.caPem, token: 't' });
    const log = new MemoryLogger();
    const cluster = Cluster.fromKubeconfig(text, undefined, log, FAST);
    await expect(cluster.get(NETWORK_CONFIG)).rejects.toThrow(
      new RegExp(
        `^cannot reach the API server at https://127\\.0\\.0\\.1:${port}: .*ECONNREFUSED.* — check the kubeconfig's server address and that the runner can reach it$`,
      ),
    );
    expect(cluster.requestCount).toBe(6);
    expect(log.messages('warn')).toEqual([
      'API get Network cluster failed (ECONNREFUSED), retrying in 0.01s (attempt 2/6)',
      'API get Network cluster failed (ECONNREFUSED), retrying in 0.02s (attempt 3/6)',
      'API get Network cluster failed (ECONNREFUSED), retrying in 0.04s (attempt 4/6)',
      'API get Network cluster failed (ECONNREFUSED), retrying in 0.04s (attempt 5/6)',
      'API get Network cluster failed (ECONNREFUSED), retrying in 0.04s (attempt 6/6)',
    ]);
  });

  it('refuses a server whose certificate the kubeconfig CA did not sign', async () => {
    const other = await makeServingCertificates('someone-else');
    const text = makeKubeconfig({ url: f.api.url, caPem: other.caPem, token: f.api.adminToken });
    const cluster = Cluster.fromKubeconfig(text, undefined, new MemoryLogger(), FAST);
    await expect(cluster.get(NETWORK_CONFIG)).rejects.toThrow(/its TLS certificate was not accepted/);
    expect(cluster.requestCount).toBe(1);
  });
});

describe('retries', () => {
  it('retries 503 with growing delays and logs each retry once', async () => {
    const { cluster, log } = connect();
    f.ctx.faults.add({
      kind: 'http-errors',
      route: '^GET /apis/config.openshift.io/v1/networks/cluster',
      status: 503,
      count: 2,
    });
    const net = await cluster.get<KObject>(NETWORK_CONFIG);
    expect(net?.metadata.name).toBe('cluster');
    expect(cluster.requestCount).toBe(3);
    expect(log.messages('warn')).toEqual([
      'API get Network cluster failed (503), retrying in 0.25s (attempt 2/6)',
      'API get Network cluster failed (503), retrying in 0.5s (attempt 3/6)',
    ]);
  });

  it('honours Retry-After on 429', async () => {
    const { cluster, log } = connect(new MemoryLogger(), FAST);
    f.ctx.faults.add({
      kind: 'http-errors',
      route: '^GET /api/v1/nodes',
      status: 429,
      count: 1,
      retryAfterSeconds: 1,
    });
    const started = performance.now();
    const nodes = await cluster.list(NODES);
    expect(performance.now() - started).toBeGreaterThanOrEqual(950);
    expect(nodes.items).toHaveLength(2);
    expect(log.messages('warn')).toEqual(['API list Node (all) failed (429), retrying in 1s (attempt 2/6)']);
  });

  it('gives up after the last attempt with the status and the server message', async () => {
    const { cluster, log } = connect(new MemoryLogger(), FAST);
    f.ctx.faults.add({
      kind: 'http-errors',
      route: '^PATCH /api/v1/namespaces/default',
      status: 500,
      count: 10,
    });
    try {
      await expect(
        cluster.mergePatch(nsRef('default'), { metadata: { labels: { x: 'y' } } }),
      ).rejects.toThrow(
        'API patch Namespace default still failed (500) after 6 attempts: Internal error occurred: injected by the twin',
      );
    } finally {
      f.ctx.faults.clear('http-errors');
    }
    expect(log.messages('warn')).toHaveLength(5);
  });
});

describe('watch', () => {
  it('delivers events from a resourceVersion and ends when the server closes the stream', async () => {
    const { cluster } = connect();
    const { resourceVersion } = await cluster.list(NODES);
    f.ctx.faults.add({ kind: 'watch-cut', afterMs: 300 });
    try {
      const seen: string[] = [];
      const done = cluster.watch<KObject>(
        NODES,
        resourceVersion,
        (type, obj) => seen.push(`${type} ${obj.kind} ${obj.metadata.name}`),
        new AbortController().signal,
      );
      setTimeout(() => {
        const node = f.ctx.store.get(typeOf('Node'), undefined, 'worker-0')!;
        node.metadata.labels = { ...node.metadata.labels, touched: 'yes' };
        f.ctx.store.update(node, 'test');
      }, 50);
      expect(await done).toBe('ended');
      expect(seen).toEqual(['MODIFIED Node worker-0']);
    } finally {
      f.ctx.faults.clear('watch-cut');
    }
  });

  it("answers 'gone' for a resourceVersion older than the server keeps", async () => {
    const { cluster } = connect();
    const { resourceVersion } = await cluster.list(NODES);
    churn(20_050);
    const seen: string[] = [];
    const outcome = await cluster.watch(
      NODES,
      resourceVersion,
      (t) => seen.push(t),
      new AbortController().signal,
    );
    expect(outcome).toBe('gone');
    expect(seen).toEqual([]);
  });

  it("ends with 'ended' when aborted", async () => {
    const { cluster } = connect();
    const { resourceVersion } = await cluster.list(NODES);
    const ctl = new AbortController();
    setTimeout(() => ctl.abort(), 100);
    expect(await cluster.watch(NODES, resourceVersion, () => {}, ctl.signal)).toBe('ended');
  });
});

function typeOf(kind: 'Node' | 'Event') {
  return typeOfObject('v1', kind);
}

/** Many writes to an unrelated object, so that older resourceVersions fall out of the watch history. */
function churn(n: number): void {
  const ev = f.ctx.store.create(
    {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: `churn-${Date.now()}`, namespace: 'default' },
      n: 0,
    },
    'test',
  );
  for (let i = 0; i < n; i++) {
    ev.n = i;
    delete ev.metadata.resourceVersion;
    f.ctx.store.update(ev, 'test');
  }
}
