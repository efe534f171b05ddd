// @kubernetes/client-node 2 against a whole twin (startTwin, 4.14 scenario), through the twin's own
// kubeconfig file with TLS verified: every object kind the twin serves is listed with its typed (or
// custom-object) API, watched from the list's resourceVersion as an informer does, and patched (merge,
// strategic merge and JSON patch), and the watch delivers exactly that change. api/client.test.ts
// covers paging, 409/410 and the wrong-CA refusal on the API fixture; this file covers the kinds.
import {
  AppsV1Api,
  CoreV1Api,
  CustomObjectsApi,
  KubeConfig,
  PatchStrategy,
  setHeaderOptions,
  Watch,
} from '@kubernetes/client-node';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTwin, type Twin } from './index.ts';
import { findType, type ResourceType } from './resources.ts';
import type { KObject } from './store.ts';

let twin: Twin;
let kc: KubeConfig;

beforeAll(async () => {
  twin = await startTwin(join(import.meta.dirname, 'scenarios/ocp-4.14.yaml'));
  kc = new KubeConfig();
  kc.loadFromFile(twin.kubeconfigPath);
});
afterAll(async () => {
  await twin.stop();
});

interface Listed {
  items: { metadata?: { name?: string; namespace?: string; labels?: Record<string, string> } }[];
  metadata?: { resourceVersion?: string };
}

interface Kind {
  kind: string;
  type: ResourceType;
  /** Collection path to watch. */
  path: string;
  namespace?: string;
  /** The object this case patches. */
  name: () => string;
  list: () => Promise<Listed>;
  patch: (name: string, label: string) => Promise<KObject>;
  /** Patch format used (each of the three appears at least once). */
  format: 'merge' | 'strategic' | 'json';
}

const merge = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);
const strategic = setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch);
const jsonPatch = setHeaderOptions('Content-Type', PatchStrategy.JsonPatch);
const labelBody = (label: string) => ({ metadata: { labels: { 'twin.test/patched': label } } });
/** JSON patch: `add` of the whole labels map (a missing map cannot take a member, as on a real server). */
const jsonLabelOps = (type: ResourceType, namespace: string | undefined, name: string, label: string) => [
  {
    op: 'add',
    path: '/metadata/labels',
    value: {
      ...twin.store.get(type, namespace, name)?.metadata.labels,
      'twin.test/patched': label,
    },
  },
];

function custom(
  kind: string,
  group: string,
  plural: string,
  name: () => string,
  format: 'merge' | 'json' = 'merge',
): Kind {
  const api = () => kc.makeApiClient(CustomObjectsApi);
  return {
    kind,
    type: findType(group, plural)!,
    path: `/apis/${group}/v1/${plural}`,
    name,
    format,
    list: async () => (await api().listClusterCustomObject({ group, version: 'v1', plural })) as Listed,
    patch: async (n, label) =>
      (await api().patchClusterCustomObject(
        {
          group,
          version: 'v1',
          plural,
          name: n,
          body:
            format === 'json'
              ? jsonLabelOps(findType(group, plural)!, undefined, n, label)
              : labelBody(label),
        },
        format === 'json' ? jsonPatch : merge,
      )) as KObject,
  };
}

const first =
  (group: string, plural: string, pred: (o: KObject) => boolean = () => true) =>
  () =>
    twin.store.list(findType(group, plural)!).find(pred)!.metadata.name;

const core = () => kc.makeApiClient(CoreV1Api);
const apps = () => kc.makeApiClient(AppsV1Api);

const KINDS: Kind[] = [
  custom('Network (config.openshift.io)', 'config.openshift.io', 'networks', () => 'cluster'),
  custom('Network (operator.openshift.io)', 'operator.openshift.io', 'networks', () => 'cluster', 'json'),
  custom('ClusterVersion', 'config.openshift.io', 'clusterversions', () => 'version'),
  custom('ClusterOperator', 'config.openshift.io', 'clusteroperators', () => 'network'),
  custom('Infrastructure', 'config.openshift.io', 'infrastructures', () => 'cluster'),
  custom('MachineConfigPool', 'machineconfiguration.openshift.io', 'machineconfigpools', () => 'worker'),
  custom(
    'MachineConfig',
    'machineconfiguration.openshift.io',
    'machineconfigs',
    first('machineconfiguration.openshift.io', 'machineconfigs', (o) =>
      o.metadata.name.startsWith('rendered-worker-'),
    ),
    'json',
  ),
  {
    kind: 'Node',
    type: findType('', 'nodes')!,
    path: '/api/v1/nodes',
    name: () => 'worker-1',
    format: 'strategic',
    list: () => core().listNode(),
    patch: async (name, label) =>
      (await core().patchNode({ name, body: labelBody(label) }, strategic)) as KObject,
  },
  {
    kind: 'Namespace',
    type: findType('', 'namespaces')!,
    path: '/api/v1/namespaces',
    name: () => 'workloads',
    format: 'merge',
    list: () => core().listNamespace(),
    patch: async (name, label) =>
      (await core().patchNamespace({ name, body: labelBody(label) }, merge)) as KObject,
  },
  {
    kind: 'DaemonSet',
    type: findType('apps', 'daemonsets')!,
    path: '/apis/apps/v1/namespaces/openshift-multus/daemonsets',
    namespace: 'openshift-multus',
    name: () => 'multus',
    format: 'strategic',
    list: () => apps().listNamespacedDaemonSet({ namespace: 'openshift-multus' }),
    patch: async (name, label) =>
      (await apps().patchNamespacedDaemonSet(
        { name, namespace: 'openshift-multus', body: labelBody(label) },
        strategic,
      )) as KObject,
  },
  {
    kind: 'Pod',
    type: findType('', 'pods')!,
    path: '/api/v1/namespaces/workloads/pods',
    namespace: 'workloads',
    name: first('', 'pods', (o) => o.metadata.namespace === 'workloads'),
    format: 'json',
    list: () => core().listNamespacedPod({ namespace: 'workloads' }),
    patch: async (name, label) =>
      (await core().patchNamespacedPod(
        { name, namespace: 'workloads', body: jsonLabelOps(findType('', 'pods')!, 'workloads', name, label) },
        jsonPatch,
      )) as KObject,
  },
  {
    kind: 'ConfigMap',
    type: findType('', 'configmaps')!,
    path: '/api/v1/namespaces/kube-system/configmaps',
    namespace: 'kube-system',
    name: () => 'cluster-config-v1',
    format: 'merge',
    list: () => core().listNamespacedConfigMap({ namespace: 'kube-system' }),
    patch: async (name, label) =>
      (await core().patchNamespacedConfigMap(
        { name, namespace: 'kube-system', body: labelBody(label) },
        merge,
      )) as KObject,
  },
];

describe('@kubernetes/client-node 2 against a whole twin', () => {
  it('uses the kubeconfig file as written: a verified CA, a bearer token, no skip-TLS', () => {
    const cluster = kc.getCurrentCluster()!;
    expect(cluster.server).toBe(twin.apiUrl);
    expect(cluster.skipTLSVerify).toBeFalsy();
    expect(Buffer.from(cluster.caData!, 'base64').toString()).toContain('BEGIN CERTIFICATE');
    expect(kc.getCurrentUser()?.token).toBe(twin.adminToken);
    expect(new Set(KINDS.map((k) => k.format))).toEqual(new Set(['merge', 'strategic', 'json']));
  });

  it.each(KINDS)('$kind: list, watch from the list, $format patch', async (k) => {
    const listed = await k.list();
    const stored = twin.store
      .list(k.type, k.namespace)
      .map((o) => o.metadata.name)
      .sort();
    expect(listed.items.map((o) => o.metadata?.name).sort()).toEqual(stored);
    expect(stored.length).toBeGreaterThan(0);
    const rv = listed.metadata?.resourceVersion;
    expect(rv).toMatch(/^\d+$/);

    const name = k.name();
    const label = `v${Math.floor(Math.random() * 1e9)}`;
    const events: { type: string; name: string; label?: string }[] = [];
    let settle: (e: unknown) => void = () => {};
    const ended = new Promise((r) => (settle = r));
    const controller = await new Watch(kc).watch(
      k.path,
      { resourceVersion: rv!, allowWatchBookmarks: 'false' },
      (type, obj: KObject) => {
        const got = { type, name: obj.metadata?.name, label: obj.metadata?.labels?.['twin.test/patched'] };
        events.push(got);
        if (got.label === label) controller.abort();
      },
      (err) => settle(err),
    );
    const patched = await k.patch(name, label);
    expect(patched.metadata.labels?.['twin.test/patched']).toBe(label);
    expect(patched.metadata.name).toBe(name);
    await Promise.race([ended, new Promise((r) => setTimeout(r, 10_000))]);
    // Watched from the list's resourceVersion: no replay of existing objects, our change arrives.
    expect(events.filter((e) => e.type === 'ADDED')).toEqual([]);
    expect(events.at(-1)).toEqual({ type: 'MODIFIED', name, label });
    // The store holds it, and the timeline blames the client.
    expect(twin.store.get(k.type, k.namespace, name)?.metadata.labels?.['twin.test/patched']).toBe(label);
    const write = twin.timeline
      .clientWrites()
      .filter((e) => e.object.endsWith(`/${name}`) && e.change.includes(label));
    expect(write).toHaveLength(1);
    expect(write[0].verb).toBe('patch');
  });

  it('refuses a JSON patch under a map the object lacks (422 Invalid, as a real API server does)', async () => {
    const infra = twin.store.get(findType('config.openshift.io', 'infrastructures')!, undefined, 'cluster');
    expect(infra?.metadata.annotations).toBeUndefined();
    const err = (await kc
      .makeApiClient(CustomObjectsApi)
      .patchClusterCustomObject(
        {
          group: 'config.openshift.io',
          version: 'v1',
          plural: 'infrastructures',
          name: 'cluster',
          body: [{ op: 'add', path: '/metadata/annotations/x~1y', value: 'z' }],
        },
        jsonPatch,
      )
      .catch((e: unknown) => e)) as { code?: number; body?: string };
    expect(err.code).toBe(422);
    expect(JSON.parse(err.body!)).toMatchObject({ kind: 'Status', reason: 'Invalid', code: 422 });
  });

  it('lists with label and field selectors through the typed APIs', async () => {
    const workers = await core().listNode({ labelSelector: 'node-role.kubernetes.io/worker' });
    expect(workers.items.map((n) => n.metadata?.name)).toEqual(['worker-0', 'worker-1', 'worker-2']);
    const onNode = await core().listPodForAllNamespaces({ fieldSelector: 'spec.nodeName=master-0' });
    expect(onNode.items.length).toBeGreaterThan(0);
    expect(new Set(onNode.items.map((p) => p.spec?.nodeName))).toEqual(new Set(['master-0']));
    const dss = await apps().listDaemonSetForAllNamespaces({});
    expect(dss.items.map((d) => `${d.metadata?.namespace}/${d.metadata?.name}`)).toEqual(
      expect.arrayContaining(['openshift-multus/multus', 'openshift-sdn/sdn']),
    );
  });
});
