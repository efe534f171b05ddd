// mode rollback with strategy live (procedures.md "Live rollback", 4.15–4.16): the live trigger with
// spec.networkType OpenShiftSDN, followed through the same five conditions. It starts from a finished
// migration (the cluster on OVN-Kubernetes) or continues an unfinished live rollback; a migration still
// under way is never turned around midway (the operators must finish it first).
import { NETWORK_CONFIG } from '../cluster/types.ts';
import { Checkpoint, type CheckpointIdentity } from '../procedure/checkpoint.ts';
import { liveInProgress } from '../procedure/live-conditions.ts';
import { FEATURE_GATE, liveSupport } from '../procedure/live-support.ts';
import { loadRollbackRecord } from '../procedure/rollback-record.ts';
import { liveRollback } from '../procedure/variant-live.ts';
import type { Variant } from '../procedure/types.ts';
import { StrategyRefused } from './strategy.ts';
import type { Session } from './session.ts';

/** Thrown when there is nothing a live rollback could start from (no change made). */
export class LiveRollbackRefused extends StrategyRefused {}

export interface LiveRollbackStart {
  variant: Variant;
  checkpoint: Checkpoint;
}

function refuseMidway(what: string): never {
  throw new LiveRollbackRefused(
    `${what}: a live rollback starts only from a finished migration — run mode migrate with the same inputs to follow it to the end, then roll back. No change was made.`,
  );
}

/**
 * A fresh live rollback: the cluster must be on OVN-Kubernetes with no migration under way, and offer
 * live migration. `earlier` is a migration checkpoint (to OVN-Kubernetes) if one was found.
 */
export async function startLiveRollback(
  s: Session,
  version: string,
  earlier: Checkpoint | undefined,
  identity: (v: Variant) => CheckpointIdentity,
): Promise<LiveRollbackStart> {
  if (earlier)
    refuseMidway(
      `an unfinished migration by this action (procedure ${earlier.state.identity.variant}) is in progress`,
    );
  const config = await s.cluster.get(NETWORK_CONFIG);
  if (liveInProgress(config)) refuseMidway('a live migration is under way on the cluster');
  const on = String(config?.status?.networkType ?? config?.spec?.networkType ?? '?');
  if (on !== liveRollback.from)
    throw new LiveRollbackRefused(
      `the cluster is on ${on}, not ${liveRollback.from}: there is nothing to roll back — no change was made`,
    );
  const sup = liveSupport(await s.cluster.get(FEATURE_GATE).catch(() => undefined), version);
  if (!sup.supported)
    throw new LiveRollbackRefused(
      `strategy live is refused before any change: OpenShift ${sup.why}. Roll back with strategy offline.`,
    );
  const line = `live: ${sup.why}; rollback with the live trigger (spec.networkType OpenShiftSDN); nodes reboot twice, rolling, no network outage`;
  s.report.strategy = { requested: 'live', chosen: 'live', line };
  s.log.info(`Strategy — ${line}`);
  const c = s.report.context;
  const checkpoint = Checkpoint.fresh(
    s.cluster,
    s.log,
    identity(liveRollback),
    { repository: c.repository, runUrl: c.runUrl, actor: c.actor, startedAt: new Date().toISOString() },
    {},
  );
  for (const [k, v] of await loadRollbackRecord(s.cluster)) checkpoint.backup.set(k, v);
  return { variant: liveRollback, checkpoint };
}
