// Scenarios describe the cluster a twin simulates. They are YAML files (see README.md beside this file
// and the examples in scenarios/); `loadScenario` fills every default so controllers never guess.
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import type { BastionSpec } from './ssh/bastion.ts';
import { DEFAULT_REALISM, type Realism, TIMING_PROFILES, type TimingProfile } from './realism.ts';

export type NetworkType = 'OpenShiftSDN' | 'OVNKubernetes';
export type SdnMode = 'NetworkPolicy' | 'Multitenant' | 'Subnet';

export interface NodeSpec {
  name: string;
  /** Pool the node belongs to (its role label): master, worker, infra ... */
  pool: string;
  /** InternalIP addresses; every one in 127.0.0.0/8 (IPv4 first). The SSH server listens on each. */
  addresses: string[];
  /** MTU of the node's primary interface, read over SSH. */
  mtu: number;
  ready: boolean;
  /** Reboot time for this node (virtual seconds); defaults to timing.rebootSeconds. */
  rebootSeconds?: number;
  /** Static routes an administrator added on the primary interface (`ip route`: proto static). */
  staticRoutes?: { dst: string; via: string }[];
  /** Addresses (CIDR form) on the primary interface besides its own. */
  extraAddresses?: string[];
  /**
   * More `node-role.kubernetes.io/<role>` labels besides the pool's: `[worker]` on the masters of a
   * compact cluster (they stay in pool master, as MCO puts them), `[worker]` on infra nodes.
   */
  roles?: string[];
  /** Cordoned from the start (spec.unschedulable and the node.kubernetes.io/unschedulable taint). */
  unschedulable?: boolean;
}

export interface PoolSpec {
  name: string;
  /** Number of nodes MCO updates at once. */
  maxUnavailable: number;
  paused: boolean;
  /** A Degraded pool from the start (reason text), or undefined. */
  degraded?: string;
}

export interface ClusterOperatorSpec {
  name: string;
  available: boolean;
  progressing: boolean;
  degraded: boolean;
  message?: string;
}

export type Fault =
  /** API requests whose `METHOD path` matches `route` (a regular expression) fail `count` times. */
  /**
   * 409 answers as a write conflict would; status 0 resets the connection without an answer (a load
   * balancer dropping it).
   */
  | {
      kind: 'http-errors';
      route: string;
      status: 500 | 503 | 429 | 409 | 0;
      count: number;
      retryAfterSeconds?: number;
    }
  /** Every watch stream is closed by the server after this many real milliseconds. */
  | { kind: 'watch-cut'; afterMs: number }
  /** Added latency on every API request (real milliseconds). */
  | { kind: 'api-latency'; ms: number }
  /** Added latency on every SSH round trip: handshake and command (real milliseconds). */
  | { kind: 'ssh-latency'; ms: number }
  /** The node goes down on reboot and never comes back. */
  | { kind: 'node-never-returns'; node: string }
  /** The node comes back from a reboot NotReady (new bootID, Ready=False). */
  | { kind: 'node-returns-notready'; node: string }
  /** The pool turns Degraded (with this reason) as soon as MCO starts rolling it out. */
  | { kind: 'pool-degraded'; pool: string; reason: string }
  /** The multus daemonset rollout stops after `afterPods` pods (default 1). */
  | { kind: 'multus-stuck'; afterPods?: number }
  | { kind: 'ssh-auth-refused'; node: string }
  | { kind: 'ssh-connection-refused'; node: string }
  /** Connections to the node are accepted and then never answered. */
  | { kind: 'ssh-hang'; node: string }
  /** The first `count` SSH connections to the node are reset (transient). */
  | { kind: 'ssh-reset'; node: string; count: number }
  /** `sudo -n` on the node asks for a password (exit 1, "sudo: a password is required"). */
  | { kind: 'sudo-password'; node: string }
  /** Pods on the node stay in error whatever reboots it gets. */
  | { kind: 'pods-error-persist'; node: string }
  /**
   * The node's pods crash-loop for their own reasons (an application bug, not the network): from the
   * node's next boot on, whatever the network plugin, and whatever reboots follow.
   */
  | { kind: 'pods-crashloop'; node: string }
  /** `sudo <command>` on the node (matching `command`, a regular expression, when given) exits 1 printing `stderr`. */
  | { kind: 'sudo-fails'; node: string; stderr: string; command?: string }
  /**
   * The network operator's SDN → OVN conversion (4.12+) leaves one object out: `EgressFirewall/<ns>/default`,
   * `EgressIP/<name>`, `Namespace/<ns>` (the multicast annotation) or `Node/<name>` (the egress label).
   */
  | { kind: 'conversion-drops'; object: string }
  /** `pods/exec` is refused (403) and access reviews for it deny: RBAC without `create pods/exec`. */
  | { kind: 'exec-forbidden' }
  /** Exec into the node's pods upgrades, then never answers (a kubelet that stopped responding). */
  | { kind: 'exec-hang'; node: string };

/** OpenShift SDN objects that change form in the migration (seeded by controllers/seed-inventory.ts). */
export interface SdnFeatures {
  /** NetNamespace egressIPs per namespace (the namespace is created when missing). */
  egressIPs?: { namespace: string; ips: string[] }[];
  /** HostSubnet egressIPs per node. */
  hostSubnetEgressIPs?: { node: string; ips: string[] }[];
  /** EgressNetworkPolicy objects. */
  egressFirewalls?: { namespace: string; name: string; deny?: string[] }[];
  /** Namespaces whose NetNamespace carries netnamespace.network.openshift.io/multicast-enabled: "true". */
  multicastNamespaces?: string[];
}

export interface Timing {
  /** Real milliseconds per virtual second. */
  msPerSecond: number;
  /** A node's reboot: NotReady for this long, then Ready with a new bootID. */
  rebootSeconds: number;
  /** Per node MCO update: drain + write config, then a reboot (rebootSeconds). */
  mcoUpdateSeconds: number;
  /** One multus pod restart during the daemonset rollout. */
  multusPodRestartSeconds: number;
  /** CNO's reaction time to a change of its config objects. */
  cnoReconcileSeconds: number;
  /** A namespace stays Terminating this long after delete. */
  namespaceTerminatingSeconds: number;
  /** cluster-backup.sh run time. */
  etcdBackupSeconds: number;
  /**
   * Floor, in real milliseconds, of every non-zero controller delay: with the `observable` profile
   * every state (a reboot, a pod restart, CNO's reaction) lasts long enough for a 1 s poller to see.
   */
  minStateMs: number;
}

export interface Scenario {
  name: string;
  /** Full OpenShift version, e.g. 4.6.21 or 4.14.12. */
  version: string;
  /** Infrastructure status.platform: BareMetal, AWS, VSphere, None ... */
  platform: string;
  network: {
    type: NetworkType;
    sdnMode: SdnMode;
    clusterNetwork: { cidr: string; hostPrefix: number }[];
    serviceNetwork: string[];
    machineNetwork: string[];
    /** Current overlay MTU (status.clusterNetworkMTU). */
    mtu: number;
  };
  nodes: NodeSpec[];
  pools: PoolSpec[];
  clusterOperators: ClusterOperatorSpec[];
  /** Workload pods per node (in namespace `workloads`). */
  podsPerNode: number;
  timing: Timing;
  faults: Fault[];
  /** SSH port every node listens on (0 = one free port chosen at start, the same for all nodes). */
  sshPort: number;
  /** Egress IPs, egress firewalls and multicast namespaces to seed (optional). */
  sdnFeatures?: SdnFeatures;
  /** false: no kube-system/cluster-config-v1 ConfigMap (a cluster whose install-config was removed). */
  installConfig?: boolean;
  /** Optional operators' CRDs installed (resources.ts `crd`), e.g. nodenetworkconfigurationpolicies.nmstate.io. */
  crds?: string[];
  /** Objects the cluster's users created, seeded as given (pods, PodDisruptionBudgets, DaemonSets …). */
  objects?: SeedObject[];
  /** The bad day: API outages, controller latency, operators flapping (see realism.ts). */
  realism: Realism;
  /** An SSH jump host in front of the nodes (ssh/bastion.ts); absent: none. */
  bastion?: BastionSpec;
  /** A hosted control plane (HyperShift): Infrastructure `status.controlPlaneTopology: External`. */
  hostedControlPlane?: boolean;
}

/** The ClusterOperators a 4.x cluster has (a representative subset, all healthy by default). */
export const DEFAULT_OPERATORS = [
  'authentication',
  'console',
  'dns',
  'etcd',
  'ingress',
  'kube-apiserver',
  'kube-controller-manager',
  'kube-scheduler',
  'machine-config',
  'monitoring',
  'network',
  'openshift-apiserver',
];

export const DEFAULT_TIMING: Timing = {
  msPerSecond: 5,
  rebootSeconds: 60,
  mcoUpdateSeconds: 30,
  multusPodRestartSeconds: 5,
  cnoReconcileSeconds: 2,
  namespaceTerminatingSeconds: 10,
  etcdBackupSeconds: 20,
  minStateMs: 0,
};

/** Raw YAML shape: everything optional except what has no sensible default. */
export interface ScenarioInput {
  name?: string;
  version: string;
  platform?: string;
  network?: Partial<Scenario['network']>;
  nodes?: (Partial<NodeSpec> & { name: string; pool?: string; addresses?: string[] })[];
  /** Generated nodes for large scenarios: `{prefix: worker-, count: 500, pool: worker}`. */
  nodeSets?: { prefix: string; count: number; pool: string; mtu?: number }[];
  pools?: (Partial<PoolSpec> & { name: string })[];
  clusterOperators?: (Partial<ClusterOperatorSpec> & { name: string })[];
  podsPerNode?: number;
  /** `fast` (default: msPerSecond 5, states of milliseconds) or `observable` (see realism.ts). */
  timing?: Partial<Timing> & { profile?: TimingProfile };
  realism?: Partial<Realism>;
  faults?: Fault[];
  sshPort?: number;
  sdnFeatures?: SdnFeatures;
  installConfig?: boolean;
  crds?: string[];
  objects?: SeedObject[];
  /** true, or `{address, exclusive}`: a bastion at 127.0.0.22 the nodes accept SSH from, exclusively. */
  bastion?: boolean | Partial<BastionSpec>;
  hostedControlPlane?: boolean;
}

/** A Kubernetes object as a scenario gives it (apiVersion, kind, metadata.name; the rest as the kind has it). */
export interface SeedObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; [k: string]: unknown };
  [k: string]: unknown;
}

export function loadScenarioFile(path: string): Scenario {
  return normalizeScenario(parse(readFileSync(path, 'utf8')) as ScenarioInput);
}

/** Fills defaults and allocates loopback addresses (127.0.<n/250>.<n%250+2>) where none are given. */
export function normalizeScenario(input: ScenarioInput): Scenario {
  if (!input || typeof input.version !== 'string')
    throw new Error('scenario: `version` (e.g. 4.14.12) is required');
  const nodes: NodeSpec[] = [];
  let next = 0;
  const used = new Set<string>();
  for (const n of input.nodes ?? []) for (const a of n.addresses ?? []) used.add(a);
  const allocate = (): string => {
    for (;;) {
      const ip = `127.0.${1 + Math.floor(next / 250)}.${(next % 250) + 2}`;
      next++;
      if (!used.has(ip)) {
        used.add(ip);
        return ip;
      }
    }
  };
  for (const n of input.nodes ?? []) {
    nodes.push({
      name: n.name,
      pool: n.pool ?? (n.name.startsWith('master') ? 'master' : 'worker'),
      addresses: n.addresses?.length ? n.addresses : [allocate()],
      mtu: n.mtu ?? 1500,
      ready: n.ready ?? true,
      rebootSeconds: n.rebootSeconds,
      ...(n.staticRoutes ? { staticRoutes: n.staticRoutes } : {}),
      ...(n.extraAddresses ? { extraAddresses: n.extraAddresses } : {}),
      ...(n.roles?.length ? { roles: [...n.roles] } : {}),
      ...(n.unschedulable ? { unschedulable: true } : {}),
    });
  }
  for (const set of input.nodeSets ?? []) {
    for (let i = 0; i < set.count; i++) {
      nodes.push({
        name: `${set.prefix}${i}`,
        pool: set.pool,
        addresses: [allocate()],
        mtu: set.mtu ?? 1500,
        ready: true,
      });
    }
  }
  if (nodes.length === 0) throw new Error('scenario: at least one node is required (nodes or nodeSets)');
  const poolNames = new Set([...(input.pools ?? []).map((p) => p.name), 'master', 'worker']);
  const pools: PoolSpec[] = [...poolNames].map((name) => {
    const p = (input.pools ?? []).find((x) => x.name === name);
    return {
      name,
      maxUnavailable: p?.maxUnavailable ?? 1,
      paused: p?.paused ?? false,
      degraded: p?.degraded,
    };
  });
  for (const n of nodes) {
    if (!poolNames.has(n.pool))
      throw new Error(`scenario: node ${n.name} is in pool ${n.pool}, which is not declared`);
  }
  const overrides = new Map((input.clusterOperators ?? []).map((c) => [c.name, c]));
  const coNames = [...new Set([...DEFAULT_OPERATORS, ...overrides.keys()])];
  const clusterOperators = coNames.map((name) => {
    const o = overrides.get(name);
    return {
      name,
      available: o?.available ?? true,
      progressing: o?.progressing ?? false,
      degraded: o?.degraded ?? false,
      message: o?.message,
    };
  });
  return {
    name: input.name ?? `ocp-${input.version}`,
    version: input.version,
    platform: input.platform ?? 'BareMetal',
    network: {
      type: input.network?.type ?? 'OpenShiftSDN',
      sdnMode: input.network?.sdnMode ?? 'NetworkPolicy',
      clusterNetwork: input.network?.clusterNetwork ?? [{ cidr: '10.128.0.0/14', hostPrefix: 23 }],
      serviceNetwork: input.network?.serviceNetwork ?? ['172.30.0.0/16'],
      machineNetwork: input.network?.machineNetwork ?? ['10.0.0.0/16'],
      mtu: input.network?.mtu ?? 1450,
    },
    nodes,
    pools,
    clusterOperators,
    podsPerNode: input.podsPerNode ?? 2,
    timing: timingOf(input.timing),
    realism: { ...DEFAULT_REALISM, ...input.realism },
    faults: input.faults ?? [],
    sshPort: input.sshPort ?? 0,
    ...(input.sdnFeatures ? { sdnFeatures: input.sdnFeatures } : {}),
    ...(input.installConfig !== undefined ? { installConfig: input.installConfig } : {}),
    ...(input.crds ? { crds: input.crds } : {}),
    ...(input.objects ? { objects: input.objects } : {}),
    ...bastionOf(input.bastion),
    ...(input.hostedControlPlane ? { hostedControlPlane: true } : {}),
  };
}

function bastionOf(input: ScenarioInput['bastion']): { bastion?: BastionSpec } {
  if (!input) return {};
  const spec = input === true ? {} : input;
  // Not 127.0.0.1: that is the source address of every direct loopback connection, so `exclusive`
  // could not tell the bastion's connections from a client skipping it.
  const address = spec.address ?? '127.0.0.22';
  if (!/^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(address))
    throw new Error(`scenario: bastion.address must be in 127.0.0.0/8, got ${address}`);
  return { bastion: { address, exclusive: spec.exclusive ?? true } };
}

function timingOf(input: (Partial<Timing> & { profile?: TimingProfile }) | undefined): Timing {
  const { profile, ...rest } = input ?? {};
  if (profile !== undefined && !(profile in TIMING_PROFILES))
    throw new Error(`scenario: timing.profile must be one of ${Object.keys(TIMING_PROFILES).join(', ')}`);
  return { ...DEFAULT_TIMING, ...(profile ? TIMING_PROFILES[profile] : {}), ...rest };
}

/** [major, minor] of an OpenShift version string. */
export function minorVersion(version: string): [number, number] {
  const m = /^(\d+)\.(\d+)/.exec(version);
  if (!m) throw new Error(`scenario: cannot read version ${version}`);
  return [Number(m[1]), Number(m[2])];
}
