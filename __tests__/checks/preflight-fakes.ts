// Facts for one preflight check without a cluster: plain objects stand in for what the API and SSH
// would answer, so each check is tested alone (the twin tests in preflight.test.ts run them together).
import type { KObject } from '../../src/cluster/types.ts';
import type { NodeProbe, PreflightFacts, PreflightOptions } from '../../src/checks/preflight/types.ts';
import type { StepContext, Variant } from '../../src/procedure/types.ts';
import { variantA } from '../../src/procedure/variant-a.ts';
import { RunReport } from '../../src/report/model.ts';
import type { Settings } from '../../src/inputs/settings.ts';
import { MemoryLogger } from '../../src/util/log.ts';

export interface FakeFacts {
  variant?: Variant;
  opts?: Partial<PreflightOptions>;
  version?: string;
  settings?: Partial<Settings>;
  operator?: KObject;
  config?: KObject;
  nodes?: KObject[];
  pools?: KObject[];
  machineNetworks?: { cidrs?: string[]; problem?: string };
  probes?: NodeProbe[] | Error;
}

export const SETTINGS: Settings = {
  kubeconfig: '',
  mode: 'migrate',
  ssh: { user: 'core', port: 22, privateKey: 'key' },
  waitTimeoutMs: 60_000,
  operatorsStableIntervalMs: 1,
  rebootTimeoutMs: 60_000,
  maxParallelReboots: 0,
  cleanup: true,
  etcdBackup: true,
  artifactName: 'test',
};

export function fakeFacts(f: FakeFacts = {}): PreflightFacts {
  const report = new RunReport('https://127.0.0.1:6443');
  report.cluster.version = f.version ?? '4.6.21';
  const ctx = {
    settings: { ...SETTINGS, ...f.settings },
    report,
    log: new MemoryLogger(),
    cluster: { server: 'https://127.0.0.1:6443', user: 'admin' },
  } as unknown as StepContext;
  const minor = Number(/^\d+\.(\d+)/.exec(report.cluster.version)![1]);
  return {
    ctx,
    variant: f.variant ?? variantA,
    opts: { mode: 'migrate', ...f.opts },
    minor,
    operator: async () => f.operator,
    config: async () => f.config,
    nodes: async () => f.nodes,
    pools: async () => f.pools,
    machineNetworks: async () => f.machineNetworks ?? { cidrs: [] },
    probes: async () => {
      if (f.probes instanceof Error) throw f.probes;
      return f.probes;
    },
  };
}

export function node(name: string, ready = true): KObject {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, labels: { [`node-role.kubernetes.io/${name.split('-')[0]}`]: '' } },
    status: {
      addresses: [{ type: 'InternalIP', address: '127.0.0.2' }],
      conditions: [{ type: 'Ready', status: ready ? 'True' : 'False', reason: 'KubeletNotReady' }],
    },
  };
}

export function networkConfig(clusterNetwork: string[], serviceNetwork: string[]): KObject {
  return {
    apiVersion: 'config.openshift.io/v1',
    kind: 'Network',
    metadata: { name: 'cluster' },
    spec: {
      clusterNetwork: clusterNetwork.map((cidr) => ({ cidr, hostPrefix: 23 })),
      serviceNetwork,
      networkType: 'OpenShiftSDN',
    },
    status: { networkType: 'OpenShiftSDN' },
  };
}
