// The one typed view of the action's inputs. `readSettings()` in inputs.ts builds it and is the only
// place that touches `core.getInput`; everything else receives a Settings object.

import type { MigrationFeatures } from './migration-features.ts';
import type { OvnSubnets } from './ovn-internal-subnets.ts';

export type Mode = 'plan' | 'migrate' | 'plan-rollback' | 'rollback';

/** Modes that change the cluster (and so need SSH, verified TLS and pinned host keys). */
export function changesCluster(mode: Mode): boolean {
  return mode === 'migrate' || mode === 'rollback';
}

/** Modes that go back to OpenShift SDN (src/runs/rollback.ts). */
export function isRollback(mode: Mode): boolean {
  return mode === 'rollback' || mode === 'plan-rollback';
}

/** What a migrate run does when it fails after changing the cluster. */
export type OnFailure = 'stop' | 'rollback';

/**
 * What to do with a host key that ssh-known-hosts does not list, named after OpenSSH's
 * StrictHostKeyChecking: `strict` refuses it (and mode migrate then needs ssh-known-hosts); `accept-new`
 * accepts and records it. A key that differs from a listed one is refused either way.
 */
export type HostKeyPolicy = 'strict' | 'accept-new';

export interface Settings {
  /** Kubeconfig YAML text (decoded when the input was base64). Secret. */
  kubeconfig: string;
  /** Context to use; undefined = the kubeconfig's current-context. */
  context?: string;
  mode: Mode;
  /** offline | live | auto (inputs/strategy.ts); undefined in hand-built test settings = offline. */
  strategy?: import('./strategy.ts').StrategyInput;
  /** How nodes are reached (inputs/node-access.ts); undefined in hand-built test settings = as auto. */
  nodeAccess?: import('./node-access.ts').NodeAccessChoice;
  ssh: {
    /** OpenSSH or PEM private key text; undefined when not given (plan mode may run without SSH). Secret. */
    privateKey?: string;
    /** Secret. */
    passphrase?: string;
    user: string;
    port: number;
    bastion?: { user?: string; host: string; port: number };
    /** known_hosts lines; undefined = none given (plan: keys recorded as unverified). */
    knownHosts?: string;
    /** undefined = strict (readSettings always sets it; optional for hand-built test settings). */
    hostKeyPolicy?: HostKeyPolicy;
  };
  /** ClusterVersion spec.clusterID the run must find; undefined = not checked. */
  expectedClusterId?: string;
  /** insecure-skip-tls-verify is allowed in mode migrate (always a warning). */
  allowInsecureTls?: boolean;
  /** What the kubeconfig does that an approver should know (no TLS verification, plugins that run commands). */
  kubeconfigWarnings?: string[];
  /** Overlay MTU to set; undefined = leave as is. */
  mtu?: number;
  /** Geneve UDP port to set; undefined = leave as is. */
  genevePort?: number;
  /** Rollback: OpenShift SDN VXLAN port to set; undefined = the original (from the backup). */
  vxlanPort?: number;
  /** mode migrate: roll back in the same job when the run fails after changes; undefined = stop. */
  onFailure?: OnFailure;
  /** OVN-Kubernetes internal subnets chosen by the ovn-*-subnet-* inputs (only those given). */
  ovnSubnets?: OvnSubnets;
  /** 4.12+ offline: what the network operator converts (spec.migration.features); undefined = all. */
  migrationFeatures?: MigrationFeatures;
  /** Longest single wait, milliseconds. */
  waitTimeoutMs: number;
  /** Time between the three consecutive healthy ClusterOperator passes (checks/operator-gate.ts); undefined = 30 s. */
  operatorsStableIntervalMs?: number;
  /** Longest a node may take to come back from a reboot, milliseconds. */
  rebootTimeoutMs: number;
  /** Nodes rebooted at once; 0 = all. */
  maxParallelReboots: number;
  /** Non-master pools' maxUnavailable during the migration's MCO rollout (a count or "N%"); undefined = leave as is. */
  maxUnavailable?: number | string;
  cleanup: boolean;
  /** mode migrate: take an etcd backup (cluster-backup.sh on a control-plane node) before the first change. */
  etcdBackup: boolean;
  artifactName: string;
  /** undefined = the repository's default retention. */
  retentionDays?: number;
}
