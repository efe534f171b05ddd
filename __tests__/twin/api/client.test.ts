// @kubernetes/client-node 2 (the client the action uses) against the twin: TLS verification, paging,
// watch, merge patch, optimistic concurrency and a 410 Expired watch.
import {
  ApiException,
  CoreV1Api,
  CustomObjectsApi,
  KubeConfig,
  KubernetesObjectApi,
  PatchStrategy,
  setHeaderOptions,
  Watch,
} from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findType } from '../resources.ts';
import { type ApiFixture, startFixture } from './fixture.ts';
import { makeKubeconfig } from './kubeconfig.ts';
import { makeServingCertificates } from './tls.ts';

let f: ApiFixture;
let kc: KubeConfig;
const nodes = findType('', 'nodes')!;

beforeAll(async () => {
  f = await startFixture();
  kc = new KubeConfig();
  kc.loadFromString(makeKubeconfig({ url: f.api.url, caPem: f.api.caPem, token: f.api.adminToken }));
});
afterAll(async () => {
  await f.stop();
});

interface Seen {
  type: string;
  name: string;
  code?: number;
}

/** Starts a watch and collects events until `until` says so (or the stream ends). */
async function collect(path: string, query: Record<string, string>, until: (s: Seen[]) => boolean) {
  const seen: Seen[] = [];
  let finish: (err: unknown) => void = () => {};
  const ended = new Promise<unknown>((r) => (finish = r));
  const controller = await new Watch(kc).watch(
    path,
    query,
    (type, obj: { metadata?: { name: string }; code?: number }) => {
      seen.push({ type, name: obj.metadata?.name ?? '', code: obj.code });
      if (until(seen)) controller.abort();
    },
    (err) => finish(err),
  );
  return { seen, ended, controller };
}

describe('@kubernetes/client-node against the twin', () => {
  it('verifies TLS against the kubeconfig CA and fails with another CA', async () => {
    const core = kc.makeApiClient(CoreV1Api);
    expect((await core.listNode()).items.map((n) => n.metadata?.name)).toEqual(['master-0', 'worker-0']);
    const other = await makeServingCertificates();
    const wrong = new KubeConfig();
    wrong.loadFromString(makeKubeconfig({ url: f.api.url, caPem: other.caPem, token: f.api.adminToken }));
    const err = (await wrong
      .makeApiClient(CoreV1Api)
      .listNode()
      .catch((e: unknown) => e)) as Error & { cause?: { code?: string; message?: string } };
    // undici reports "fetch failed" with the TLS verification error as its cause.
    expect(err).toBeInstanceOf(Error);
    expect(`${err.cause?.code} ${err.cause?.message}`).toMatch(/CERT|certificate|self.signed|verify/i);
  });

  it('lists with limit and continue', async () => {
    const core = kc.makeApiClient(CoreV1Api);
    const first = await core.listNamespacedPod({ namespace: 'workloads', limit: 3 });
    expect(first.items).toHaveLength(3);
    expect(first.metadata?._continue).toBeTruthy();
    const second = await core.listNamespacedPod({
      namespace: 'workloads',
      limit: 3,
      _continue: first.metadata?._continue,
    });
    expect([...first.items, ...second.items].map((p) => p.metadata?.name)).toEqual([
      'crash-1',
      'done-1',
      'web-1',
      'web-2',
    ]);
    const objects = KubernetesObjectApi.makeApiClient(kc);
    const page = await objects.list(
      'v1',
      'Node',
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
      1,
    );
    expect(page.items).toHaveLength(1);
    expect(page.metadata?._continue).toBeTruthy();
  });

  it('watches ADDED then MODIFIED', async () => {
    const w = await collect('/api/v1/nodes', {}, (s) => s.some((e) => e.type === 'MODIFIED'));
    await new Promise((r) => setTimeout(r, 100));
    f.ctx.store.mutate(
      nodes,
      undefined,
      'worker-0',
      'kubelet',
      (o) => (o.metadata.labels = { ...o.metadata.labels, rebooted: 'yes' }),
    );
    await w.ended;
    expect(w.seen.map((e) => `${e.type} ${e.name}`)).toEqual([
      'ADDED master-0',
      'ADDED worker-0',
      'MODIFIED worker-0',
    ]);
  });

  it('merge-patches a custom resource and a typed object', async () => {
    const custom = kc.makeApiClient(CustomObjectsApi);
    const out = (await custom.patchClusterCustomObject(
      {
        group: 'config.openshift.io',
        version: 'v1',
        plural: 'networks',
        name: 'cluster',
        body: { spec: { networkType: 'OVNKubernetes' } },
      },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    )) as { spec: { networkType: string; serviceNetwork: string[] } };
    expect(out.spec).toMatchObject({ networkType: 'OVNKubernetes', serviceNetwork: ['172.30.0.0/16'] });
    const objects = KubernetesObjectApi.makeApiClient(kc);
    const patched = await objects.patch(
      {
        apiVersion: 'machineconfiguration.openshift.io/v1',
        kind: 'MachineConfigPool',
        metadata: { name: 'worker' },
        spec: { paused: true },
      } as never,
      undefined,
      undefined,
      undefined,
      undefined,
      PatchStrategy.MergePatch,
    );
    expect(patched).toMatchObject({ spec: { paused: true, maxUnavailable: 1 } });
    expect(f.ctx.timeline.clientWrites().map((e) => e.actor)).toEqual([
      'client:system:admin',
      'client:system:admin',
    ]);
  });

  it('refuses a PUT with a stale resourceVersion (409 Conflict)', async () => {
    const core = kc.makeApiClient(CoreV1Api);
    const node = await core.readNode({ name: 'master-0' });
    f.ctx.store.mutate(
      nodes,
      undefined,
      'master-0',
      'kubelet',
      (o) => (o.metadata.labels = { ...o.metadata.labels, touched: '1' }),
    );
    node.metadata!.labels = { ...node.metadata!.labels, mine: '1' };
    const err = await core.replaceNode({ name: 'master-0', body: node }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiException);
    expect((err as ApiException<string>).code).toBe(409);
    expect(JSON.parse((err as ApiException<string>).body)).toMatchObject({
      kind: 'Status',
      reason: 'Conflict',
    });
  });

  it('ends a watch from a compacted resourceVersion with a 410 Expired ERROR event', async () => {
    const oldRV = String(f.ctx.store.currentRV());
    // Push the old version out of the store's bounded watch history, as etcd compaction would.
    for (let i = 0; f.ctx.store.oldestWatchableRV() <= Number(oldRV); i++) {
      f.ctx.store.mutate(
        nodes,
        undefined,
        'worker-0',
        'kubelet',
        (o) => (o.metadata.annotations = { beat: String(i) }),
      );
    }
    const w = await collect('/api/v1/nodes', { resourceVersion: oldRV }, () => false);
    await w.ended;
    expect(w.seen).toEqual([{ type: 'ERROR', name: '', code: 410 }]);
  });
});
