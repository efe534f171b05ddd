// Test fixture: a twin context seeded with a small cluster, the API server on it, kubeconfigs on disk
// (mode 0600) and a helper to run the real kubectl against it.
import { execFile } from 'node:child_process';
import { request as httpsRequest } from 'node:https';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { VirtualClock } from '../clock.ts';
import type { TwinContext } from '../context.ts';
import { Faults } from '../faults.ts';
import { normalizeScenario } from '../scenario.ts';
import { type KObject, Store } from '../store.ts';
import { Timeline } from '../timeline.ts';
import { makeKubeconfig } from './kubeconfig.ts';
import { type ApiServer, startApiServer } from './server.ts';
import { tool } from '../../helpers/tools.ts';

export interface KubectlResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface ApiFixture {
  ctx: TwinContext;
  api: ApiServer;
  dir: string;
  adminKubeconfig: string;
  viewerKubeconfig: string;
  kubectl(args: string[], o?: { kubeconfig?: string; timeoutMs?: number }): Promise<KubectlResult>;
  stop(): Promise<void>;
}

const CONDITION_TIME = '2024-01-01T00:00:00Z';

function node(name: string, role: string, ip: string): KObject {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, labels: { 'kubernetes.io/hostname': name, [`node-role.kubernetes.io/${role}`]: '' } },
    spec: {},
    status: {
      capacity: { cpu: '8', memory: '32Gi', pods: '250' },
      allocatable: { cpu: '7500m', memory: '31Gi', pods: '250' },
      addresses: [
        { type: 'InternalIP', address: ip },
        { type: 'Hostname', address: name },
      ],
      conditions: [
        {
          type: 'Ready',
          status: 'True',
          reason: 'KubeletReady',
          message: 'kubelet is posting ready status',
          lastHeartbeatTime: CONDITION_TIME,
          lastTransitionTime: CONDITION_TIME,
        },
      ],
      nodeInfo: {
        kubeletVersion: 'v1.27.6+f67aeb3',
        bootID: `boot-${name}-1`,
        osImage: 'Red Hat Enterprise Linux CoreOS',
        kernelVersion: '5.14.0',
        containerRuntimeVersion: 'cri-o://1.27.1',
      },
    },
  };
}

function pod(namespace: string, name: string, nodeName: string, phase: string, waiting?: string): KObject {
  const state = waiting ? { waiting: { reason: waiting } } : { running: { startedAt: CONDITION_TIME } };
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace, labels: { app: name.replace(/-[^-]+$/, '') } },
    spec: { nodeName, containers: [{ name: 'main', image: 'quay.io/twin/main:1' }] },
    status: {
      phase,
      podIP: '10.128.0.10',
      containerStatuses: [{ name: 'main', ready: !waiting, restartCount: waiting ? 4 : 0, state }],
    },
  };
}

/** The objects every API test starts from. */
export function seedCluster(store: Store): void {
  const a = 'seed';
  for (const ns of ['default', 'openshift-multus', 'openshift-sdn', 'workloads'])
    store.create(
      {
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: { name: ns },
        spec: { finalizers: ['kubernetes'] },
        status: { phase: 'Active' },
      },
      a,
    );
  store.create(
    {
      apiVersion: 'config.openshift.io/v1',
      kind: 'Network',
      metadata: { name: 'cluster' },
      spec: {
        networkType: 'OpenShiftSDN',
        clusterNetwork: [{ cidr: '10.128.0.0/14', hostPrefix: 23 }],
        serviceNetwork: ['172.30.0.0/16'],
      },
      status: { networkType: 'OpenShiftSDN', clusterNetworkMTU: 1450 },
    },
    a,
  );
  store.create(
    {
      apiVersion: 'operator.openshift.io/v1',
      kind: 'Network',
      metadata: { name: 'cluster' },
      spec: { defaultNetwork: { type: 'OpenShiftSDN', openshiftSDNConfig: { mode: 'NetworkPolicy' } } },
    },
    a,
  );
  store.create(node('master-0', 'master', '127.0.1.2'), a);
  store.create(node('worker-0', 'worker', '127.0.1.3'), a);
  store.create(pod('workloads', 'web-1', 'worker-0', 'Running'), a);
  store.create(pod('workloads', 'web-2', 'master-0', 'Running'), a);
  store.create(pod('workloads', 'crash-1', 'worker-0', 'Running', 'CrashLoopBackOff'), a);
  store.create(pod('workloads', 'done-1', 'worker-0', 'Succeeded'), a);
  store.create(
    {
      apiVersion: 'apps/v1',
      kind: 'DaemonSet',
      metadata: { name: 'multus', namespace: 'openshift-multus' },
      spec: {
        selector: { matchLabels: { app: 'multus' } },
        template: {
          metadata: { labels: { app: 'multus' } },
          spec: {
            nodeSelector: { 'kubernetes.io/os': 'linux' },
            containers: [{ name: 'kube-multus', image: 'quay.io/twin/multus:1' }],
          },
        },
        updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1 } },
      },
      status: {
        observedGeneration: 1,
        desiredNumberScheduled: 2,
        currentNumberScheduled: 2,
        numberReady: 2,
        updatedNumberScheduled: 2,
        numberAvailable: 2,
      },
    },
    a,
  );
  store.create(
    {
      apiVersion: 'machineconfiguration.openshift.io/v1',
      kind: 'MachineConfigPool',
      metadata: { name: 'worker' },
      spec: { paused: false, maxUnavailable: 1 },
      status: {
        configuration: { name: 'rendered-worker-1' },
        machineCount: 1,
        readyMachineCount: 1,
        updatedMachineCount: 1,
        degradedMachineCount: 0,
        conditions: [
          { type: 'Updated', status: 'True', lastTransitionTime: CONDITION_TIME },
          { type: 'Updating', status: 'False', lastTransitionTime: CONDITION_TIME },
          { type: 'Degraded', status: 'False', lastTransitionTime: CONDITION_TIME },
        ],
      },
    },
    a,
  );
  store.create(
    {
      apiVersion: 'config.openshift.io/v1',
      kind: 'ClusterOperator',
      metadata: { name: 'network' },
      spec: {},
      status: {
        versions: [{ name: 'operator', version: '4.14.12' }],
        conditions: [
          { type: 'Available', status: 'True', lastTransitionTime: CONDITION_TIME },
          { type: 'Progressing', status: 'False', lastTransitionTime: CONDITION_TIME },
          { type: 'Degraded', status: 'False', lastTransitionTime: CONDITION_TIME },
        ],
      },
    },
    a,
  );
}

export async function startFixture(version = '4.14.12'): Promise<ApiFixture> {
  const clock = new VirtualClock(1);
  const timeline = new Timeline(clock);
  const store = new Store(clock, timeline);
  const scenario = normalizeScenario({ version, nodes: [{ name: 'master-0' }, { name: 'worker-0' }] });
  const ctx: TwinContext = { scenario, clock, timeline, store, faults: new Faults(), podLogs: new Map() };
  seedCluster(store);
  ctx.podLogs.set('workloads/web-1', ['line 1', 'line 2', 'line 3']);
  const api = await startApiServer(ctx);
  const dir = await mkdtemp(join(tmpdir(), 'twin-api-'));
  const adminKubeconfig = join(dir, 'admin.kubeconfig');
  const viewerKubeconfig = join(dir, 'viewer.kubeconfig');
  await writeFile(
    adminKubeconfig,
    makeKubeconfig({ url: api.url, caPem: api.caPem, token: api.adminToken }),
    { mode: 0o600 },
  );
  await writeFile(
    viewerKubeconfig,
    makeKubeconfig({ url: api.url, caPem: api.caPem, token: api.readonlyToken, user: 'viewer' }),
    { mode: 0o600 },
  );
  return {
    ctx,
    api,
    dir,
    adminKubeconfig,
    viewerKubeconfig,
    kubectl(args, o = {}) {
      return new Promise((resolve) => {
        execFile(
          tool('kubectl'),
          ['--kubeconfig', o.kubeconfig ?? adminKubeconfig, '--cache-dir', join(dir, 'cache'), ...args],
          { env: { PATH: process.env.PATH ?? '', HOME: dir }, timeout: o.timeoutMs ?? 30_000 },
          (err, stdout, stderr) => {
            const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
            resolve({ code, stdout, stderr });
          },
        );
      });
    },
    async stop() {
      await api.stop();
      clock.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  /** Parsed JSON body (undefined when the body is not JSON). */
  json: unknown;
  ms: number;
}

/** One HTTPS request to the twin, TLS verified against its CA; `token: null` sends no credentials. */
export function rawRequest(
  api: ApiServer,
  method: string,
  path: string,
  o: { token?: string | null; body?: unknown; contentType?: string; accept?: string } = {},
): Promise<RawResponse> {
  const started = performance.now();
  const token = o.token === undefined ? api.adminToken : o.token;
  const body =
    o.body === undefined ? undefined : typeof o.body === 'string' ? o.body : JSON.stringify(o.body);
  return new Promise((resolve, reject) => {
    const req = httpsRequest(
      new URL(path, api.url),
      {
        method,
        ca: api.caPem,
        headers: {
          ...(token ? { Authorization: `Bearer ${token}` } : {}),
          ...(body !== undefined ? { 'Content-Type': o.contentType ?? 'application/json' } : {}),
          Accept: o.accept ?? 'application/json',
        },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () => {
          let json: unknown;
          try {
            json = JSON.parse(text);
          } catch {
            json = undefined;
          }
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            text,
            json,
            ms: performance.now() - started,
          });
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}
