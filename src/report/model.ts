// The run's record: what was found, what was done (phases, changes), what was checked, per node.
// Rendered to report.json, report.md and the job summary; it never holds a secret (settings are
// copied through `publicSettings`).
import { describeNodeAccess, nodeAccessOf } from '../inputs/node-access.ts';
import type { Settings } from '../inputs/settings.ts';

export type PhaseOutcome = 'ok' | 'failed' | 'skipped' | 'cancelled' | 'already-done';

export interface PhaseRecord {
  id: string;
  title: string;
  startedAt: string;
  endedAt?: string;
  durationMs?: number;
  outcome?: PhaseOutcome;
  detail?: string;
}

export interface ChangeRecord {
  at: string;
  step: string;
  object: string;
  field: string;
  from: unknown;
  to: unknown;
}

export interface CheckRecord {
  id: string;
  title: string;
  ok: boolean;
  /** A warning does not fail the run; a blocking check does. */
  severity: 'blocking' | 'warn';
  detail: string;
  /** Named items behind the outcome (pods in error with namespace/node/reason, nodes NotReady ...). */
  items?: string[];
  /** Extra evidence, e.g. a machine-config-daemon log tail. */
  evidence?: string;
}

export interface NodeRecord {
  name: string;
  pool?: string;
  addresses: string[];
  bootIdBefore?: string;
  bootIdAfter?: string;
  rebootSentAt?: string;
  backAfterMs?: number;
  ready?: boolean;
  /** The Ready condition when it is not True, read at the end of the run: `Ready=False (reason: message)`. */
  condition?: string;
  mcoState?: string;
  currentConfig?: string;
  hostKey?: string;
  notes: string[];
}

/** A host key a node address (or the bastion) presented, as the approver sees it. */
export interface HostKeyRecord {
  node: string;
  address: string;
  port: number;
  keyType: string;
  fingerprint: string;
  /** Listed in ssh-known-hosts (true) or accepted without verification (false). */
  verified: boolean;
}

export interface RunContextInfo {
  repository?: string;
  runUrl?: string;
  actor?: string;
  ref?: string;
  sha?: string;
  workflow?: string;
}

/**
 * How a run ended; each value means one thing (documented in action.yml and the README):
 * - planned: mode plan, and mode migrate would go ahead;
 * - migrated: this run finished the migration (verified);
 * - already-migrated: the cluster was already on OVN-Kubernetes (no migration of ours unfinished),
 *   verification passed, nothing changed;
 * - unhealthy: the cluster was already on OVN-Kubernetes, nothing changed, but verification failed;
 * - refused: this run stopped before changing anything (a blocking check, invalid input, a lease held
 *   by another run, a checkpoint that disagrees with the cluster, a plan migrate would refuse); an
 *   unfinished migration by an earlier run may still be in progress (the summary says so);
 * - failed: the run stopped after it started changing the cluster;
 * - cancelled: the runner cancelled it (no new change after the signal).
 */
export type RunResult =
  | 'planned'
  | 'migrated'
  | 'rolled-back'
  | 'already-migrated'
  | 'unhealthy'
  | 'failed'
  | 'refused'
  | 'cancelled';

/** The unfinished migration a run found (and continues, or would continue). */
export interface ResumeInfo {
  startedAt: string;
  actor?: string;
  runUrl?: string;
  stepsDone: number;
  stepsTotal: number;
}

export interface ClusterInfo {
  server: string;
  /** ClusterVersion spec.clusterID (UUID form only). */
  id?: string;
  version?: string;
  variant?: string;
  platform?: string;
  networkTypeBefore?: string;
  networkTypeAfter?: string;
}

/**
 * Where the cluster stands after a run that did not finish, as one of a fixed set of states (the
 * summary and report.json use the same value; `STANDS` gives each its words and consequence).
 */
export type ClusterStand =
  | 'untouched'
  | 'prepared'
  | 'switched-not-rebooted'
  | 'rebooted-not-verified'
  | 'verified-cleanup-pending'
  | 'on-target-unhealthy'
  | 'live-under-way'
  | 'unknown';

export const STANDS: Record<ClusterStand, { label: string; consequence: string }> = {
  untouched: {
    label: 'Untouched',
    consequence: 'This run changed nothing on the cluster; it runs as before.',
  },
  prepared: {
    label: 'Migration prepared, network not switched',
    consequence:
      'The pod network works; the migration is started, so the Machine Config Operator may still drain and reboot nodes until the migration continues or is rolled back.',
  },
  'switched-not-rebooted': {
    label: 'Network switched, nodes not rebooted',
    consequence: 'The pod network is down until the migration continues (every node must still be rebooted).',
  },
  'rebooted-not-verified': {
    label: 'Rebooted, not verified',
    consequence:
      'Every node was rebooted onto the new network; the pod network should work, but nothing has confirmed it yet.',
  },
  'verified-cleanup-pending': {
    label: 'Verified, cleanup pending',
    consequence:
      'The cluster runs OVN-Kubernetes and passed verification; the SDN leftovers (spec.migration, the openshift-sdn namespace) stay until cleanup runs.',
  },
  'on-target-unhealthy': {
    label: 'On OVN-Kubernetes, unhealthy',
    consequence: 'This run changed nothing; the failed checks below say what is wrong.',
  },
  'live-under-way': {
    label: 'Live migration under way',
    consequence:
      'The pod network works; the network and machine-config operators carry the live migration on (cancelling a run cannot stop them). A re-run with the same inputs attaches to it and follows it to the end.',
  },
  unknown: {
    label: 'Unknown — the cluster could not be read',
    consequence: 'Read the network configuration yourself (commands below) before acting.',
  },
};

export interface FailureInfo {
  message: string;
  /** Where the cluster stands (one fixed state); absent only in reports written before it existed. */
  stand?: ClusterStand;
  /**
   * Whose terms `stand` is in, when not the run's own: a refused rollback describes the unfinished
   * migration it left alone in the migration's terms.
   */
  standTerms?: 'migration' | 'rollback';
  /** The phase the run stopped in, when it stopped inside the procedure. */
  phase?: string;
  /** Where the cluster stands, in words an administrator acts on (the details behind `stand`). */
  clusterState: string;
  nextSteps: string[];
  /** Commands to look at first (run by a person; built from our own data, never cluster text). */
  commands?: string[];
}

/** SDN features that change form in the migration, found before it (preflight). */
export interface InventoryRecord {
  /** `NetNamespace <ns>: 10.0.0.5, …` and `HostSubnet <node>: …`. */
  egressIPs: string[];
  /** EgressNetworkPolicy objects as `namespace/name`. */
  egressFirewalls: string[];
  /** Namespaces whose NetNamespace has multicast enabled. */
  multicastNamespaces: string[];
}

/** How long the migration is expected to take, and how that was worked out (see checks/estimate.ts). */
export interface EstimateRecord {
  totalMs: number;
  /** phase: the procedure phase whose duration the part estimates ("other" = the phases no part names). */
  parts: { what: string; ms: number; basis: string; phase?: string }[];
  /** The model in words, with every assumption. */
  model: string;
}

/** One change of a live migration condition, as this run saw it (report.liveConditions). */
export interface LiveConditionRow {
  /** `MTUReady` (the NetworkTypeMigration prefix left out). */
  condition: string;
  status: string;
  reason?: string;
  message?: string;
  /** The condition's lastTransitionTime. */
  transitionAt?: string;
  /** When this run first saw it. */
  seenAt: string;
}

/** How the strategy was chosen (input strategy): the one line the plan opens with. */
export interface StrategyRecord {
  requested: 'offline' | 'live' | 'auto';
  chosen: 'offline' | 'live';
  /** `live: 4.16.20 supports it; no blocker found; nodes reboot twice, rolling, no network outage`. */
  line: string;
}

/** The etcd backup taken on a control-plane node before the first change (mode migrate). */
export interface EtcdBackupRecord {
  node: string;
  /** Directory on the node, e.g. /home/core/assets/backup-<run id>. */
  directory: string;
  snapshot: string;
  staticResources: string;
  takenAt: string;
}

export function publicSettings(s: Settings): Record<string, unknown> {
  return {
    context: s.context ?? '(current-context)',
    mode: s.mode,
    strategy: s.strategy,
    nodeAccess: describeNodeAccess(nodeAccessOf(s), s.ssh),
    sshUser: s.ssh.user,
    sshPort: s.ssh.port,
    sshBastion: s.ssh.bastion
      ? `${s.ssh.bastion.user ? `${s.ssh.bastion.user}@` : ''}${s.ssh.bastion.host}:${s.ssh.bastion.port}`
      : undefined,
    sshKnownHosts: s.ssh.knownHosts ? 'given (host keys checked)' : 'not given (fingerprints recorded)',
    sshHostKeyPolicy: s.ssh.hostKeyPolicy ?? 'strict',
    expectedClusterId: s.expectedClusterId,
    allowInsecureTls: s.allowInsecureTls ?? false,
    mtu: s.mtu,
    genevePort: s.genevePort,
    waitTimeoutMs: s.waitTimeoutMs,
    rebootTimeoutMs: s.rebootTimeoutMs,
    maxParallelReboots: s.maxParallelReboots,
    maxUnavailable: s.maxUnavailable,
    cleanup: s.cleanup,
    etcdBackup: s.etcdBackup,
    artifactName: s.artifactName,
    retentionDays: s.retentionDays,
  };
}

export class RunReport {
  readonly startedAt = new Date();
  context: RunContextInfo = {};
  cluster: ClusterInfo;
  settings: Record<string, unknown> = {};
  result: RunResult = 'failed';
  phases: PhaseRecord[] = [];
  changes: ChangeRecord[] = [];
  checks: CheckRecord[] = [];
  /** Steps the plan lists, in order: what the migration would change. */
  plan: { phase: string; step: string; changes: string[] }[] = [];
  warnings: string[] = [];
  nodes = new Map<string, NodeRecord>();
  /** Every host key seen, per address (the plan's known-hosts output is made of these). */
  hostKeys: HostKeyRecord[] = [];
  backup: { directory?: string; files: string[] } = { files: [] };
  /** The etcd backup on a control-plane node (files stay on the node; not part of the artifact). */
  etcdBackup?: EtcdBackupRecord;
  inventory?: InventoryRecord;
  /** Input strategy: what was asked, what was chosen and why. */
  strategy?: StrategyRecord;
  /** Live migration: every change of the five NetworkTypeMigration* conditions, in the order seen. */
  liveConditions?: LiveConditionRow[];
  estimate?: EstimateRecord;
  /** The estimate's parts beside the phases' actual durations (set when the run ends). */
  estimateVsActual?: { phase: string; what: string; estimateMs: number; actualMs?: number }[];
  /** Set when a checkpoint of an unfinished migration was found. */
  resume?: ResumeInfo;
  /** cleanup: false — the cleanup left to do, as commands. */
  cleanupLeft?: string[];
  artifact: { name?: string; id?: number; size?: number; error?: string } = {};
  failure?: FailureInfo;
  finishedAt?: Date;

  constructor(server: string) {
    this.cluster = { server };
  }

  node(name: string): NodeRecord {
    let n = this.nodes.get(name);
    if (!n) {
      n = { name, addresses: [], notes: [] };
      this.nodes.set(name, n);
    }
    return n;
  }

  failedChecks(): CheckRecord[] {
    return this.checks.filter((c) => !c.ok && c.severity === 'blocking');
  }

  toJSON(): Record<string, unknown> {
    return {
      result: this.result,
      startedAt: this.startedAt.toISOString(),
      finishedAt: this.finishedAt?.toISOString(),
      context: this.context,
      cluster: this.cluster,
      settings: this.settings,
      phases: this.phases,
      changes: this.changes,
      checks: this.checks,
      plan: this.plan,
      warnings: this.warnings,
      nodes: [...this.nodes.values()],
      hostKeys: this.hostKeys,
      backup: this.backup,
      etcdBackup: this.etcdBackup,
      inventory: this.inventory,
      strategy: this.strategy,
      liveConditions: this.liveConditions,
      estimate: this.estimate,
      resume: this.resume,
      cleanupLeft: this.cleanupLeft,
      artifact: this.artifact,
      failure: this.failure,
    };
  }
}
