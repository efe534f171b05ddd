// Reading a limited live migration (procedures.md "Variant C") from the cluster: the migration
// annotation on Network.config, its five NetworkTypeMigration* status conditions, the pools' rolling
// updates and co/network. Pure functions over the objects, so the follower (live-follow.ts), the
// preflight checks and the tests agree on what "in progress", "done" and "failed" mean.
import type { KObject } from '../cluster/types.ts';
import { conditionOf, poolProgress, type NetworkType } from '../openshift/objects.ts';
import { oneLine } from '../util/untrusted-text.ts';

/** The trigger annotation on Network.config.openshift.io cluster (value ""). */
export const LIVE_ANNOTATION = 'network.openshift.io/network-type-migration';

/** The five conditions, in the order the network operator sets them. */
export const LIVE_CONDITIONS = [
  'NetworkTypeMigrationInProgress',
  'NetworkTypeMigrationMTUReady',
  'NetworkTypeMigrationTargetCNIAvailable',
  'NetworkTypeMigrationTargetCNIInUse',
  'NetworkTypeMigrationOriginalCNIPurged',
] as const;

export const COMPLETED_REASON = 'NetworkTypeMigrationCompleted';

/** co/network Degraded reasons that end a live migration (the operator refused or failed it). */
export const FAILURE_REASONS = ['NetworkTypeMigrationFailed', 'InvalidClusterConfig'] as const;

export interface LiveCondition {
  type: string;
  /** True, False, Unknown — or "absent" when the operator has not set it. */
  status: string;
  reason?: string;
  message?: string;
  lastTransitionTime?: string;
}

/** `NetworkTypeMigrationMTUReady` → `MTUReady`. */
export function shortName(type: string): string {
  return type.replace(/^NetworkTypeMigration/, '');
}

/** The five conditions of Network.config, in order (absent ones included, so every line has five). */
export function liveConditions(config: KObject | undefined): LiveCondition[] {
  return LIVE_CONDITIONS.map((type) => {
    const c = conditionOf(config, type) as LiveCondition | undefined;
    return c
      ? {
          type,
          status: String(c.status),
          ...(c.reason ? { reason: String(c.reason) } : {}),
          ...(c.message ? { message: String(c.message) } : {}),
          ...(c.lastTransitionTime ? { lastTransitionTime: String(c.lastTransitionTime) } : {}),
        }
      : { type, status: 'absent' };
  });
}

export function hasLiveAnnotation(config: KObject | undefined): boolean {
  return config?.metadata.annotations?.[LIVE_ANNOTATION] !== undefined;
}

/** A live migration is under way: the annotation is set, or InProgress is True. */
export function liveInProgress(config: KObject | undefined): boolean {
  return hasLiveAnnotation(config) || conditionOf(config, LIVE_CONDITIONS[0])?.status === 'True';
}

/** Done: InProgress False (NetworkTypeMigrationCompleted), the other four Unknown, status.networkType = target. */
export function liveDone(config: KObject | undefined, target: NetworkType): boolean {
  const [inProgress, ...rest] = liveConditions(config);
  return (
    inProgress.status === 'False' &&
    inProgress.reason === COMPLETED_REASON &&
    rest.every((c) => c.status === 'Unknown') &&
    config?.status?.networkType === target
  );
}

/** Why the operator stopped the migration (co/network Degraded with a migration reason), or undefined. */
export function liveFailure(network: KObject | undefined): string | undefined {
  const d = conditionOf(network, 'Degraded');
  if (d?.status !== 'True' || !(FAILURE_REASONS as readonly string[]).includes(String(d.reason)))
    return undefined;
  return `co/network Degraded (${oneLine(d.reason, 200)}): ${oneLine(d.message ?? '(no message)', 1000)}`;
}

/** `12:03:10` (UTC) from a condition's lastTransitionTime. */
export function clockTime(iso: string | undefined): string | undefined {
  const t = iso ? Date.parse(iso) : NaN;
  return Number.isFinite(t) ? new Date(t).toISOString().slice(11, 19) : undefined;
}

/** `MTUReady True (12:03:10)`, `TargetCNIInUse Unknown`. */
export function conditionText(c: LiveCondition): string {
  const at = clockTime(c.lastTransitionTime);
  return `${shortName(c.type)} ${oneLine(c.status, 40)}${at ? ` (${at})` : ''}`;
}

export function conditionsLine(config: KObject | undefined): string {
  return liveConditions(config).map(conditionText).join('; ');
}

/** `pools master 2/3, worker 1/3 updated` (a paused pool says so). */
export function poolsLine(pools: KObject[]): string {
  const parts = pools.map((p) => {
    const pr = poolProgress(p);
    return `${oneLine(pr.name, 100)} ${pr.updated}/${pr.machines}${pr.paused ? ' (paused)' : ''}`;
  });
  return `pools ${parts.join(', ') || '(none)'} updated`;
}

/** `co/network Progressing`, `co/network Available`, `co/network Degraded (reason)`. */
export function operatorLine(network: KObject | undefined): string {
  if (!network) return 'co/network (not read yet)';
  const d = conditionOf(network, 'Degraded');
  if (d?.status === 'True') return `co/network Degraded (${oneLine(d.reason ?? '?', 200)})`;
  if (conditionOf(network, 'Progressing')?.status === 'True') return 'co/network Progressing';
  return conditionOf(network, 'Available')?.status === 'True'
    ? 'co/network Available'
    : 'co/network not Available';
}

/** The state's fingerprint: any change in it is progress (the stall timer starts again). */
export function progressKey(config: KObject | undefined, pools: KObject[], network: KObject | undefined) {
  const conds = liveConditions(config).map((c) => `${c.status}/${c.reason ?? ''}`);
  const ps = pools.map((p) => {
    const pr = poolProgress(p);
    return `${pr.name}:${pr.updated}/${pr.machines}:${pr.updating}:${pr.config ?? ''}`;
  });
  return JSON.stringify([conds, String(config?.status?.networkType ?? ''), ps, operatorLine(network)]);
}
