// The run's checkpoint, kept in the cluster (a ConfigMap beside the network operator) so that any
// later run — on another runner, after a crash, a timeout or a cancel — continues where this one
// stopped: which variant, who started it, the steps completed, what the steps remembered (pools'
// original paused state, boot IDs before the reboot) and the original backup files, byte for byte.
import type { Cluster } from '../cluster/client.ts';
import type { KObject, ObjectRef } from '../cluster/types.ts';
import type { Logger } from '../util/log.ts';
import type { RunMemory, Variant } from './types.ts';

export const CHECKPOINT_REF: ObjectRef = {
  apiVersion: 'v1',
  kind: 'ConfigMap',
  namespace: 'openshift-network-operator',
  name: 'sdn-to-ovn-migration-checkpoint',
};

const STATE_KEY = 'checkpoint.json';
const BACKUP_PREFIX = 'backup.';

/** What must be the same for a run to continue another's migration. */
export interface CheckpointIdentity {
  variant: string;
  from: string;
  to: string;
  /** Only the inputs that change what is written to the cluster. */
  mtu: number | null;
  genevePort: number | null;
}

export interface CheckpointState {
  format: 1;
  identity: CheckpointIdentity;
  startedBy: { repository?: string; runUrl?: string; actor?: string; startedAt: string };
  completedSteps: string[];
  memory: RunMemory;
  updatedAt: string;
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

export class Checkpoint {
  readonly state: CheckpointState;
  /** Original backup files by name (cluster-openshift-sdn.yaml ...). */
  readonly backup: Map<string, string>;
  private exists: boolean;
  private readonly cluster: Cluster;
  private readonly log: Logger;

  private constructor(
    cluster: Cluster,
    log: Logger,
    state: CheckpointState,
    backup: Map<string, string>,
    exists: boolean,
  ) {
    this.cluster = cluster;
    this.log = log;
    this.state = state;
    this.backup = backup;
    this.exists = exists;
  }

  /** The checkpoint left by an unfinished run, if any. */
  static async load(cluster: Cluster, log: Logger): Promise<Checkpoint | undefined> {
    const cm = await cluster.get<KObject & { data?: Record<string, string> }>(CHECKPOINT_REF);
    if (!cm?.data?.[STATE_KEY]) return undefined;
    let state: CheckpointState;
    try {
      state = JSON.parse(cm.data[STATE_KEY]) as CheckpointState;
    } catch {
      throw new Error(
        `ConfigMap ${CHECKPOINT_REF.namespace}/${CHECKPOINT_REF.name} holds an unreadable checkpoint — inspect it, and delete it only if no migration is under way`,
      );
    }
    const backup = new Map<string, string>();
    for (const [k, v] of Object.entries(cm.data))
      if (k.startsWith(BACKUP_PREFIX)) backup.set(k.slice(BACKUP_PREFIX.length), v);
    return new Checkpoint(cluster, log, state, backup, true);
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
    return new Checkpoint(cluster, log, state, new Map(), false);
  }

  completed(stepId: string): boolean {
    return this.state.completedSteps.includes(stepId);
  }

  markDone(stepId: string): void {
    if (!this.completed(stepId)) this.state.completedSteps.push(stepId);
  }

  /** Writes the checkpoint (created on first save). */
  async save(): Promise<void> {
    this.state.updatedAt = new Date().toISOString();
    const data: Record<string, string> = { [STATE_KEY]: JSON.stringify(this.state) };
    for (const [k, v] of this.backup) data[BACKUP_PREFIX + k] = v;
    if (!this.exists) {
      await this.cluster.create({
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: {
          name: CHECKPOINT_REF.name,
          namespace: CHECKPOINT_REF.namespace,
          labels: { 'app.kubernetes.io/managed-by': 'sdn-to-ovn-migration-action' },
        },
        data,
      });
      this.exists = true;
      return;
    }
    await this.cluster.mergePatch(CHECKPOINT_REF, { data });
  }

  /** Removes the checkpoint once the migration is complete. */
  async clear(): Promise<void> {
    if (!this.exists) return;
    await this.cluster.delete(CHECKPOINT_REF);
    this.exists = false;
    this.log.info(
      `Removed the checkpoint ConfigMap ${CHECKPOINT_REF.namespace}/${CHECKPOINT_REF.name}: the migration is complete.`,
    );
  }
}
