// The API server's HTTP contract, request by request: auth, errors as Status, selectors, paging, watch
// semantics, patch formats, subresources, dry runs, access reviews and request counting.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findType } from '../resources.ts';
import { type ApiFixture, rawRequest, startFixture } from './fixture.ts';

let f: ApiFixture;
const nodes = findType('', 'nodes')!;

beforeAll(async () => {
  f = await startFixture('4.6.21');
});
afterAll(async () => {
  await f.stop();
});

type List = {
  metadata: { resourceVersion: string; continue?: string };
  items: { metadata: { name: string } }[];
};
const names = (l: unknown) => (l as List).items.map((i) => i.metadata.name);

describe('twin API server', () => {
  it('derives /version from the OpenShift release (4.6 → v1.19.0)', async () => {
    const r = await rawRequest(f.api, 'GET', '/version');
    expect(r.json).toMatchObject({ gitVersion: 'v1.19.0', minor: '19' });
  });

  it('answers 401 with a Status body without a valid token', async () => {
    for (const token of [null, 'nope']) {
      const r = await rawRequest(f.api, 'GET', '/api/v1/nodes', { token });
      expect(r.status).toBe(401);
      expect(r.json).toMatchObject({
        kind: 'Status',
        apiVersion: 'v1',
        status: 'Failure',
        reason: 'Unauthorized',
        code: 401,
      });
    }
  });

  it('serves discovery with subresources', async () => {
    const r = await rawRequest(f.api, 'GET', '/api/v1');
    const res = (r.json as { resources: { name: string }[] }).resources.map((x) => x.name);
    expect(res).toEqual(
      expect.arrayContaining(['pods', 'pods/log', 'pods/status', 'nodes', 'nodes/status', 'namespaces']),
    );
    const groups = await rawRequest(f.api, 'GET', '/apis');
    expect(JSON.stringify(groups.json)).toContain('"machineconfiguration.openshift.io/v1"');
    expect((await rawRequest(f.api, 'GET', '/apis/nope.example.com/v1')).status).toBe(404);
  });

  it('filters lists by label and field selectors', async () => {
    const q = (s: string) =>
      rawRequest(f.api, 'GET', `/api/v1/namespaces/workloads/pods?${s}`).then((r) => names(r.json));
    expect(await q('labelSelector=app%20in%20(web,crash)')).toEqual(['crash-1', 'web-1', 'web-2']);
    expect(await q('labelSelector=app!=web')).toEqual(['crash-1', 'done-1']);
    expect(await q('labelSelector=app,!missing')).toHaveLength(4);
    expect(await q('fieldSelector=spec.nodeName==worker-0,status.phase!=Succeeded')).toEqual([
      'crash-1',
      'web-1',
    ]);
    expect(await q('fieldSelector=metadata.name=web-2')).toEqual(['web-2']);
    f.ctx.store.create(
      {
        apiVersion: 'v1',
        kind: 'Event',
        metadata: { name: 'ev1', namespace: 'default' },
        involvedObject: { kind: 'Node', name: 'worker-0', namespace: '' },
        reason: 'Rebooted',
      },
      'kubelet',
    );
    const ev = await rawRequest(
      f.api,
      'GET',
      '/api/v1/events?fieldSelector=involvedObject.kind%3DNode,involvedObject.name%3Dworker-0,involvedObject.namespace%3D',
    );
    expect(names(ev.json)).toEqual(['ev1']);
    const bad = await rawRequest(f.api, 'GET', '/api/v1/pods?labelSelector=a%20in%20(');
    expect(bad.status).toBe(400);
  });

  it('pages with limit and an opaque continue token at one resourceVersion', async () => {
    const first = await rawRequest(f.api, 'GET', '/api/v1/pods?limit=3');
    const l1 = first.json as List;
    expect(l1.items).toHaveLength(3);
    expect(l1.metadata.continue).toBeTruthy();
    expect(l1.metadata.resourceVersion).toBe(String(f.ctx.store.currentRV()));
    const second = await rawRequest(f.api, 'GET', `/api/v1/pods?limit=3&continue=${l1.metadata.continue}`);
    const l2 = second.json as List;
    expect([...names(l1), ...names(l2)]).toEqual(['crash-1', 'done-1', 'web-1', 'web-2']);
    expect(l2.metadata.continue).toBeUndefined();
    expect(l2.metadata.resourceVersion).toBe(l1.metadata.resourceVersion);
    expect((await rawRequest(f.api, 'GET', '/api/v1/pods?continue=garbage')).status).toBe(400);
  });

  it('watches from a resourceVersion with filtering, reports leaving the selection as DELETED, and honours timeoutSeconds', async () => {
    const rv = f.ctx.store.currentRV();
    const watching = rawRequest(
      f.api,
      'GET',
      `/api/v1/nodes?watch=1&resourceVersion=${rv}&labelSelector=zone%3Da&timeoutSeconds=1`,
    );
    await new Promise((r) => setTimeout(r, 100));
    const label = (v: string | undefined) =>
      f.ctx.store.mutate(nodes, undefined, 'worker-0', 'test', (o) => {
        if (v) o.metadata.labels = { ...o.metadata.labels, zone: v };
        else delete o.metadata.labels?.zone;
      });
    label('a');
    label('b');
    f.ctx.store.mutate(
      nodes,
      undefined,
      'master-0',
      'test',
      (o) => (o.metadata.labels = { ...o.metadata.labels, x: '1' }),
    );
    const r = await watching;
    expect(r.status).toBe(200);
    expect(r.ms).toBeGreaterThanOrEqual(900);
    const events = r.text
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { type: string; object: { metadata: { name: string } } });
    expect(events.map((e) => `${e.type} ${e.object.metadata.name}`)).toEqual([
      'ADDED worker-0',
      'DELETED worker-0',
    ]);
  });

  it('starts a watch at resourceVersion=0 with the current objects as ADDED', async () => {
    const r = await rawRequest(f.api, 'GET', '/api/v1/nodes?watch=true&resourceVersion=0&timeoutSeconds=1');
    expect(r.text.split('\n').filter((l) => l.includes('"ADDED"'))).toHaveLength(2);
    expect(f.ctx.timeline.counters.get('watch nodes')).toBeGreaterThanOrEqual(1);
  });

  it('returns Tables with partial or full objects per includeObject', async () => {
    const accept = 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json';
    type Table = {
      kind: string;
      columnDefinitions: { name: string; priority: number }[];
      rows: { cells: unknown[]; object: { kind: string } }[];
    };
    const partial = (await rawRequest(f.api, 'GET', '/api/v1/namespaces/workloads/pods', { accept }))
      .json as Table;
    expect(partial.kind).toBe('Table');
    expect(partial.columnDefinitions.filter((c) => c.priority === 0).map((c) => c.name)).toEqual([
      'Name',
      'Ready',
      'Status',
      'Restarts',
      'Age',
    ]);
    expect(partial.rows[0].object.kind).toBe('PartialObjectMetadata');
    const full = (
      await rawRequest(f.api, 'GET', '/api/v1/namespaces/workloads/pods/crash-1?includeObject=Object', {
        accept,
      })
    ).json as Table;
    expect(full.rows).toHaveLength(1);
    expect(full.rows[0].object.kind).toBe('Pod');
    expect(full.rows[0].cells.slice(0, 4)).toEqual(['crash-1', '0/1', 'CrashLoopBackOff', '4']);
  });

  it('rejects server-side apply with 415 and a missing object with 404 NotFound details', async () => {
    const apply = await rawRequest(f.api, 'PATCH', '/api/v1/nodes/worker-0', {
      body: 'metadata: {}',
      contentType: 'application/apply-patch+yaml',
    });
    expect(apply.status).toBe(415);
    const missing = await rawRequest(f.api, 'GET', '/apis/config.openshift.io/v1/clusteroperators/nope');
    expect(missing.json).toMatchObject({
      status: 'Failure',
      reason: 'NotFound',
      code: 404,
      message: 'clusteroperators.config.openshift.io "nope" not found',
      details: { name: 'nope', group: 'config.openshift.io', kind: 'clusteroperators' },
    });
  });

  it('writes status only through the status subresource', async () => {
    const path = '/apis/machineconfiguration.openshift.io/v1/machineconfigpools/worker';
    const main = await rawRequest(f.api, 'PATCH', path, {
      body: { spec: { paused: true }, status: { machineCount: 9 } },
      contentType: 'application/merge-patch+json',
    });
    expect(main.json).toMatchObject({ spec: { paused: true }, status: { machineCount: 1 } });
    const st = await rawRequest(f.api, 'PATCH', `${path}/status`, {
      body: { spec: { paused: false }, status: { machineCount: 9 } },
      contentType: 'application/merge-patch+json',
    });
    expect(st.json).toMatchObject({ spec: { paused: true }, status: { machineCount: 9 } });
    expect(
      f.ctx.timeline.counters.get('patch machineconfigpools.machineconfiguration.openshift.io/status'),
    ).toBe(1);
    const current = (await rawRequest(f.api, 'GET', `${path}/status`)).json as {
      metadata: { resourceVersion: string };
    };
    const put = await rawRequest(f.api, 'PUT', `${path}/status`, {
      body: { ...current, status: { machineCount: 3 } },
    });
    expect(put.status).toBe(200);
    expect(put.json).toMatchObject({ status: { machineCount: 3 } });
  });

  it('creates, dry-runs and deletes, recording only real writes', async () => {
    const before = f.ctx.timeline.entries.length;
    const cm = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'tmp' },
      spec: { containers: [{ name: 'c', image: 'i' }] },
    };
    const dry = await rawRequest(f.api, 'POST', '/api/v1/namespaces/workloads/pods?dryRun=All', { body: cm });
    expect(dry.status).toBe(201);
    expect(f.ctx.store.get(findType('', 'pods')!, 'workloads', 'tmp')).toBeUndefined();
    expect(f.ctx.timeline.entries.length).toBe(before);
    const real = await rawRequest(f.api, 'POST', '/api/v1/namespaces/workloads/pods', { body: cm });
    expect(real.json).toMatchObject({ metadata: { name: 'tmp', namespace: 'workloads' } });
    const dup = await rawRequest(f.api, 'POST', '/api/v1/namespaces/workloads/pods', { body: cm });
    expect(dup.json).toMatchObject({ code: 409, reason: 'AlreadyExists' });
    const noNs = await rawRequest(f.api, 'POST', '/api/v1/namespaces/nowhere/pods', { body: cm });
    expect(noNs.json).toMatchObject({ code: 404, message: 'namespaces "nowhere" not found' });
    const del = await rawRequest(f.api, 'DELETE', '/api/v1/namespaces/workloads/pods/tmp');
    expect(del.status).toBe(200);
    expect(
      f.ctx.timeline
        .clientWrites()
        .slice(-2)
        .map((e) => `${e.verb} ${e.object}`),
    ).toEqual(['create Pod/workloads/tmp', 'delete Pod/workloads/tmp']);
  });

  it('answers SelfSubjectAccessReviews consistently with what each user may do', async () => {
    const review = (verb: string) => ({
      apiVersion: 'authorization.k8s.io/v1',
      kind: 'SelfSubjectAccessReview',
      spec: {
        resourceAttributes: { verb, group: 'config.openshift.io', resource: 'networks', name: 'cluster' },
      },
    });
    const ask = (token: string, verb: string) =>
      rawRequest(f.api, 'POST', '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews', {
        token,
        body: review(verb),
      }).then((r) => (r.json as { status: { allowed: boolean } }).status.allowed);
    expect(await ask(f.api.readonlyToken, 'get')).toBe(true);
    expect(await ask(f.api.readonlyToken, 'watch')).toBe(true);
    expect(await ask(f.api.readonlyToken, 'patch')).toBe(false);
    expect(await ask(f.api.adminToken, 'patch')).toBe(true);
    const write = await rawRequest(f.api, 'DELETE', '/api/v1/namespaces/workloads/pods/web-1', {
      token: f.api.readonlyToken,
    });
    expect(write.json).toMatchObject({
      code: 403,
      reason: 'Forbidden',
      message:
        'pods "web-1" is forbidden: User "viewer" cannot delete resource "pods" in API group "" in the namespace "workloads"',
    });
    expect(f.ctx.timeline.counters.get('create selfsubjectaccessreviews.authorization.k8s.io')).toBe(4);
  });
});
