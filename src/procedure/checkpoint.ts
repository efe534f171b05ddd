// The run's checkpoint, kept in the cluster (a ConfigMap beside the network operator) so that any
// later run — on another runner, after a crash, a timeout or a cancel — continues where this one
// stopped: which variant, who started it, the steps completed, what the steps remembered (pools'
// original paused state, boot IDs before the reboot), the etcd backup and the original backup files,
// byte for byte.
//
// It is also a lease: the run that holds it (run id, attempt, runner) renews it while it works
// (src/runs/lease.ts), and every write carries the resourceVersion last read, so a write after
// someone else's fails with 409 instead of overwriting it.
import { ClusterError } from '../cluster/errors.ts';
import type { Cluster } from '../cluster/client.ts';
import type { KObject, ObjectRef } from '../cluster/types.ts';
import type { EtcdBackupRecord } from '../report/model.ts';
import type { Logger } from '../util/log.ts';
import type { RunMemory, Variant } from './types.ts';

export const CHECKPOINT_REF: ObjectRef = {
  apiVersion: 'v1',
  kind: 'ConfigMap',
  namespace: 'openshift-network-operator',
  name: 'sdn-to-ovn-migration-checkpoint',
};

/** The command that removes the checkpoint, for messages. */
export const DELETE_CHECKPOINT = `oc -n ${CHECKPOINT_REF.namespace} delete configmap ${CHECKPOINT_REF.name}`;

const STATE_KEY = 'checkpoint.json';
const BACKUP_PREFIX = 'backup.';

/** Names that may become a file name on the runner: no path separator, not `.` or `..`. */
const SAFE_NAME = /^[A-Za-z0-9._-]+$/;
export function isSafeFileName(name: string): boolean {
  return SAFE_NAME.test(name) && name !== '.' && name !== '..';
}

/** What must be the same for a run to continue another's migration. */
export interface CheckpointIdentity {
  variant: string;
  from: string;
  to: string;
  /** Only the inputs that change what is written to the cluster. */
  mtu: number | null;
  genevePort: number | null;
  /** A rollback's VXLAN port input (absent in a migration's identity). */
  vxlanPort?: number | null;
}

/** The run holding the lease. */
export interface LeaseHolder {
  runId: string;
  attempt: string;
  runner: string;
  runUrl?: string;
  actor?: string;
}

export interface LeaseRecord {
  /** null once the holder let go of it (its run ended); anyone may then continue. */
  holder: LeaseHolder | null;
  /** When the holder last wrote the checkpoint (its own clock). */
  renewedAt: string;
  /** How often the holder renews it. */
  renewSeconds: number;
  /** Not renewed for this long, the holder is taken to be dead and the lease may be taken over. */
  staleAfterSeconds: number;
  /** Random per write: tells "my write landed but its answer was lost" from "someone else wrote". */
  writeId?: string;
}

export interface CheckpointState {
  format: 1;
  identity: CheckpointIdentity;
  startedBy: { repository?: string; runUrl?: string; actor?: string; startedAt: string };
  completedSteps: string[];
  memory: RunMemory;
  updatedAt: string;
  lease?: LeaseRecord;
  /** The etcd backup taken before the first change. */
  etcdBackup?: EtcdBackupRecord;
}

export function identityOf(variant: Variant, mtu?: number, genevePort?: number): CheckpointIdentity {
  return {
    variant: variant.id,
    from: variant.from,
    to: variant.to,
    mtu: mtu ?? null,
    genevePort: genevePort ?? null,
  };
}

/** Differences between a stored identity and this run's, in words (empty when they match). */
export function identityDifferences(stored: CheckpointIdentity, current: CheckpointIdentity): string[] {
  const out: string[] = [];
  for (const k of Object.keys(current) as (keyof CheckpointIdentity)[]) {
    if (stored[k] !== current[k])
      out.push(`${k}: in progress ${JSON.stringify(stored[k])}, this run ${JSON.stringify(current[k])}`);
  }
  return out;
}

/** The checkpoint was written by someone else since this run read it (409): the lease is theirs. */
export class CheckpointConflict extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CheckpointConflict';
  }
}

/** A checkpoint this action cannot trust or use as it is; the message says how to clear it. */
export class CheckpointRejected extends Error {
  constructor(problem: string) {
    super(
      `ConfigMap ${CHECKPOINT_REF.namespace}/${CHECKPOINT_REF.name} ${problem} — no change was made. Inspect it (oc -n ${CHECKPOINT_REF.namespace} get configmap ${CHECKPOINT_REF.name} -o yaml); if no migration by this action is under way, delete it (${DELETE_CHECKPOINT}) and run again`,
    );
    this.name = 'CheckpointRejected';
  }
}

type ConfigMap = KObject & { data?: Record<string, string> };

function parseState(cm: ConfigMap): CheckpointState {
  let state: CheckpointState;
  try {
    state = JSON.parse(cm.data![STATE_KEY]) as CheckpointState;
  } catch {
    throw new CheckpointRejected('holds an unreadable checkpoint');
  }
  if (!state || typeof state !== 'object' || !state.identity || !Array.isArray(state.completedSteps))
    throw new CheckpointRejected('holds a checkpoint without identity or completed steps');
  state.memory ??= {};
  state.startedBy ??= { startedAt: '(unknown)' };
  return state;
}

export class Checkpoint {
  readonly state: CheckpointState;
  /** Original backup files by name (cluster-openshift-sdn.yaml ...); every name is a safe file name. */
  readonly backup: Map<string, string>;
  private resourceVersion: string | undefined;
  private readonly cluster: Cluster;
  private readonly log: Logger;
  /** Writes one at a time: a renewal never races a save of the same run. */
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(
    cluster: Cluster,
    log: Logger,
    state: CheckpointState,
    backup: Map<string, string>,
    resourceVersion: string | undefined,
  ) {
    this.cluster = cluster;
    this.log = log;
    this.state = state;
    this.backup = backup;
    this.resourceVersion = resourceVersion;
  }

  /** The checkpoint left by an unfinished run, if any. Refuses names that are not plain file names. */
  static async load(cluster: Cluster, log: Logger): Promise<Checkpoint | undefined> {
    const cm = await cluster.get<ConfigMap>(CHECKPOINT_REF);
    if (!cm?.data?.[STATE_KEY]) return undefined;
    const state = parseState(cm);
    const backup = new Map<string, string>();
    for (const [k, v] of Object.entries(cm.data)) {
      if (!k.startsWith(BACKUP_PREFIX)) continue;
      const name = k.slice(BACKUP_PREFIX.length);
      if (!isSafeFileName(name))
        throw new CheckpointRejected(
          `holds a backup file name ${JSON.stringify(name)} that is not a plain file name (letters, digits, ".", "_", "-"; not "." or "..")`,
        );
      backup.set(name, v);
    }
    return new Checkpoint(cluster, log, state, backup, cm.metadata.resourceVersion);
  }

  static fresh(
    cluster: Cluster,
    log: Logger,
    identity: CheckpointIdentity,
    startedBy: CheckpointState['startedBy'],
    memory: RunMemory,
  ): Checkpoint {
    const state: CheckpointState = {
      format: 1,
      identity,
      startedBy,
      completedSteps: [],
      memory,
      updatedAt: new Date().toISOString(),
    };
    return new Checkpoint(cluster, log, state, new Map(), undefined);
  }

  /** Whether the checkpoint is in the cluster (read from it, or written by this run). */
  get exists(): boolean {
    return this.resourceVersion !== undefined;
  }

  completed(stepId: string): boolean {
    return this.state.completedSteps.includes(stepId);
  }

  markDone(stepId: string): void {
    if (!this.completed(stepId)) this.state.completedSteps.push(stepId);
  }

  /**
   * Writes the checkpoint: created on first save, then replaced with the resourceVersion last read or
   * written. A 409 means someone else wrote it since: CheckpointConflict, nothing overwritten.
   */
  save(): Promise<void> {
    const next = this.queue.then(() => this.write());
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async write(): Promise<void> {
    this.state.updatedAt = new Date().toISOString();
    const writeId = Math.random().toString(36).slice(2);
    if (this.state.lease) this.state.lease.writeId = writeId;
    const data: Record<string, string> = { [STATE_KEY]: JSON.stringify(this.state) };
    for (const [k, v] of this.backup) data[BACKUP_PREFIX + k] = v;
    const metadata = {
      name: CHECKPOINT_REF.name,
      namespace: CHECKPOINT_REF.namespace,
      labels: { 'app.kubernetes.io/managed-by': 'sdn-to-ovn-migration-action' },
      ...(this.resourceVersion ? { resourceVersion: this.resourceVersion } : {}),
    };
    const obj: ConfigMap = { apiVersion: 'v1', kind: 'ConfigMap', metadata, data };
    try {
      const written = this.exists ? await this.cluster.replace(obj) : await this.cluster.create(obj);
      // The client answers a create that may have landed with the existing object: only ours will do.
      const stored = written.data?.[STATE_KEY] ? parseState(written) : undefined;
      if (this.state.lease && stored?.lease?.writeId !== writeId)
        throw new CheckpointConflict(
          `ConfigMap ${CHECKPOINT_REF.namespace}/${CHECKPOINT_REF.name} was created by someone else${stored?.lease?.holder ? ` (held by ${describeHolder(stored.lease.holder)})` : ''}`,
        );
      this.resourceVersion = written.metadata.resourceVersion;
    } catch (err) {
      if (!(err instanceof ClusterError) || err.status !== 409) throw err;
      // A retried write whose first attempt landed also answers 409: then the stored one is ours.
      const now = await this.cluster.get<ConfigMap>(CHECKPOINT_REF);
      const stored = now?.data?.[STATE_KEY] ? parseState(now) : undefined;
      if (now && stored?.lease?.writeId === writeId) {
        this.resourceVersion = now.metadata.resourceVersion;
        return;
      }
      const holder = stored?.lease?.holder;
      throw new CheckpointConflict(
        `ConfigMap ${CHECKPOINT_REF.namespace}/${CHECKPOINT_REF.name} was ${now ? 'written' : 'deleted'} by someone else${holder ? ` (now held by ${describeHolder(holder)})` : ''}`,
      );
    }
  }

  /** Removes the checkpoint (the migration is complete, or nothing was done that a re-run needs). */
  async clear(why = 'the migration is complete'): Promise<void> {
    await this.queue;
    if (!this.exists) return;
    await this.cluster.delete(CHECKPOINT_REF);
    this.resourceVersion = undefined;
    this.log.info(
      `Removed the checkpoint ConfigMap ${CHECKPOINT_REF.namespace}/${CHECKPOINT_REF.name}: ${why}.`,
    );
  }
}

export function describeHolder(h: LeaseHolder): string {
  return `run ${h.runId} attempt ${h.attempt} on runner ${h.runner}${h.actor ? ` (by ${h.actor})` : ''}${h.runUrl ? `: ${h.runUrl}` : ''}`;
}
