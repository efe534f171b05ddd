// mode: rollback (and plan-rollback) — back to OpenShift SDN, from any point: a finished migration (the
// cluster on OVN-Kubernetes, no checkpoint; the original settings from the record the migration left),
// an unfinished one (its checkpoint: only what it did is reverted, the shorter way when the network type
// never switched), or an unfinished rollback (continued). The same plan, checkpoint lease, resume and
// report as migrate; the checkpoint's identity (procedure X-rollback / X-undo, to OpenShiftSDN) tells a
// rollback from a migration.
import * as core from '@actions/core';
import { parse } from 'yaml';
import { NETWORK_CONFIG } from '../cluster/types.ts';
import { runChecks, refusalFor } from '../checks/preflight.ts';
import { apiCheck } from '../checks/preflight/api.ts';
import { clusterFacts } from '../checks/preflight/facts.ts';
import { describeNodes } from '../checks/preflight/node-table.ts';
import { maxUnavailableCheck } from '../checks/preflight/max-unavailable.ts';
import { mtuCheck } from '../checks/preflight/mtu.ts';
import { permissionsCheck } from '../checks/preflight/permissions.ts';
import { runnerOutsideClusterCheck } from '../checks/preflight/runner-outside-cluster.ts';
import { sshCheck } from '../checks/preflight/ssh.ts';
import type { PreflightCheck } from '../checks/preflight/types.ts';
import { hostedControlPlaneCheck } from '../checks/preflight/hosted-control-plane.ts';
import { nodesReadyCheck } from '../checks/preflight/nodes-ready.ts';
import { pdbEvictionsCheck } from '../checks/preflight/pdb-evictions.ts';
import { poolsNotPausedCheck } from '../checks/preflight/pools-not-paused.ts';
import { strategyOf } from '../inputs/strategy.ts';
import { isLive } from '../procedure/variant-live.ts';
import { startLiveRollback } from './live-rollback.ts';
import {
  Checkpoint,
  CHECKPOINT_REF,
  identityDifferences,
  type CheckpointIdentity,
} from '../procedure/checkpoint.ts';
import { planVariant } from '../procedure/engine.ts';
import {
  deleteRollbackRecord,
  loadRollbackRecord,
  ROLLBACK_RECORD_REF,
} from '../procedure/rollback-record.ts';
import { rollbackVariantById, selectRollback } from '../procedure/rollback-select.ts';
import { sdnSettingsOf } from '../procedure/rollback-steps.ts';
import type { RunMemory, StepContext, Variant } from '../procedure/types.ts';
import type { PhaseRecord } from '../report/model.ts';
import { requireAgreement } from './cross-check.ts';
import { ensureEtcdBackup } from './etcd.ts';
import { LeaseKeeper, thisRun } from './lease.ts';
import { cleanupLeft } from './migrate.ts';
import { remaining } from './plan.ts';
import { runVariantRestoringPools } from './restore-after-stop.ts';
import { checkLease, restoreBackup, SettingsDiffer, startedByText, stepCount } from './prepare.ts';
import { stepContext, type Session } from './session.ts';

/** Nothing to roll back: the cluster is on OpenShift SDN and no migration of ours is unfinished. */
export class NothingToRollBack extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NothingToRollBack';
  }
}

interface RollbackStart {
  variant: Variant;
  checkpoint: Checkpoint;
  /** An earlier rollback run left the checkpoint: this run continues it. */
  continuing: boolean;
}

export function rollbackIdentity(variant: Variant, s: Session): CheckpointIdentity {
  return {
    variant: variant.id,
    from: variant.from,
    to: variant.to,
    mtu: s.settings.mtu ?? null,
    genevePort: null,
    vxlanPort: s.settings.vxlanPort ?? null,
  };
}

/** The original OpenShift SDN settings, from the backup's Network.operator (network-operator.yaml). */
function originalSdn(s: Session, backup: Map<string, string>): RunMemory['originalSdn'] {
  const text = backup.get('network-operator.yaml');
  if (!text) {
    const msg = `No backup of the configuration from before the migration was found (checkpoint or ConfigMap ${ROLLBACK_RECORD_REF.namespace}/${ROLLBACK_RECORD_REF.name}): the OpenShift SDN mode, mtu and vxlanPort are left to the network operator's defaults unless the mtu / vxlan-port inputs set them.`;
    s.log.warn(msg);
    s.report.warnings.push(msg);
    return {};
  }
  return sdnSettingsOf(parse(text) as never);
}

async function networkSwitched(s: Session): Promise<boolean> {
  const config = await s.cluster.get(NETWORK_CONFIG);
  return config?.spec?.networkType === 'OVNKubernetes' || config?.status?.networkType === 'OVNKubernetes';
}

function startedBy(s: Session): Checkpoint['state']['startedBy'] {
  const c = s.report.context;
  return { repository: c.repository, runUrl: c.runUrl, actor: c.actor, startedAt: new Date().toISOString() };
}

/** An earlier rollback run's checkpoint: continue it with the same settings. */
function continueRollback(s: Session, earlier: Checkpoint): RollbackStart {
  const variant = rollbackVariantById(earlier.state.identity.variant);
  if (!variant)
    throw new SettingsDiffer(
      `the checkpoint names an unknown rollback procedure ${earlier.state.identity.variant}`,
    );
  checkLease(s, earlier);
  const diff = identityDifferences(earlier.state.identity, rollbackIdentity(variant, s));
  const who = startedByText(earlier);
  const done = `${earlier.state.completedSteps.length} of ${stepCount(variant)} step(s) done`;
  if (diff.length)
    throw new SettingsDiffer(
      `a rollback by this action is in progress (${who}; procedure ${variant.id}, ${done}) with other settings — ${diff.join('; ')}. No change was made by this run. To continue it, run again with the same inputs.`,
    );
  s.report.resume = {
    startedAt: earlier.state.startedBy.startedAt,
    ...(earlier.state.startedBy.actor ? { actor: earlier.state.startedBy.actor } : {}),
    ...(earlier.state.startedBy.runUrl ? { runUrl: earlier.state.startedBy.runUrl } : {}),
    stepsDone: earlier.state.completedSteps.length,
    stepsTotal: stepCount(variant),
  };
  s.log.info(`Continuing the rollback ${who}: ${done} (${earlier.state.completedSteps.join(', ')}).`);
  s.report.warnings.push(`This run continues an unfinished rollback ${who} (${done}).`);
  return { variant, checkpoint: earlier, continuing: true };
}

/**
 * An unfinished migration's checkpoint: the rollback takes it over (its lease, its original backup and
 * the pools' paused state from before the migration) and reverts only what the migration did.
 */
async function takeOverMigration(s: Session, earlier: Checkpoint, version: string): Promise<RollbackStart> {
  checkLease(s, earlier);
  const switched = earlier.completed('network-type') || (await networkSwitched(s));
  const variant = selectRollback(version, switched);
  const migrated = earlier.state.completedSteps;
  const msg = `Rolling back the unfinished migration ${startedByText(earlier)} (procedure ${earlier.state.identity.variant}; ${migrated.length} step(s) done: ${migrated.join(', ') || 'none'}): ${switched ? 'the network type switched, so the documented rollback runs' : 'the network type never switched, so only the migration trigger is reverted and no node is rebooted by this action'}.`;
  s.log.info(msg);
  s.report.warnings.push(msg);
  const state = earlier.state;
  state.memory = {
    poolsPausedBefore: state.memory.poolsPausedBefore,
    // A migration stopped with the temporary maxUnavailable on the pools (its runner killed): the
    // pools' own values, which the rollback's restore step puts back after its rollout.
    ...(state.memory.maxUnavailable ? { maxUnavailable: state.memory.maxUnavailable } : {}),
    originalSdn: originalSdn(s, earlier.backup),
    rollbackOf: { variant: state.identity.variant, completedSteps: migrated },
  };
  state.identity = rollbackIdentity(variant, s);
  state.completedSteps = [];
  state.startedBy = startedBy(s);
  return { variant, checkpoint: earlier, continuing: false };
}

/** No checkpoint: a finished migration (the cluster on OVN-Kubernetes) or nothing to roll back. */
async function fromFinishedMigration(s: Session, version: string): Promise<RollbackStart> {
  if (!(await networkSwitched(s)))
    throw new NothingToRollBack(
      `the cluster is on OpenShift SDN and no migration by this action is unfinished (no checkpoint ConfigMap ${CHECKPOINT_REF.namespace}/${CHECKPOINT_REF.name}): there is nothing to roll back — no change was made`,
    );
  const variant = selectRollback(version, true);
  const backup = await loadRollbackRecord(s.cluster);
  const checkpoint = Checkpoint.fresh(s.cluster, s.log, rollbackIdentity(variant, s), startedBy(s), {
    originalSdn: originalSdn(s, backup),
  });
  for (const [k, v] of backup) checkpoint.backup.set(k, v);
  return { variant, checkpoint, continuing: false };
}

async function start(s: Session): Promise<RollbackStart> {
  const version = s.report.cluster.version ?? '';
  const earlier = await Checkpoint.load(s.cluster, s.log);
  // 4.17+ (no SDN) is refused before anything else is read.
  selectRollback(version, true);
  if (earlier?.state.identity.to === 'OpenShiftSDN') return continueRollback(s, earlier);
  if (strategyOf(s.settings) === 'live') {
    const live = await startLiveRollback(s, version, earlier, (v) => rollbackIdentity(v, s));
    return { ...live, continuing: false };
  }
  if (earlier) return takeOverMigration(s, earlier, version);
  return fromFinishedMigration(s, version);
}

/** What must hold before the first change of a rollback: API, permissions, SSH (when it reboots), MTU. */
function rollbackChecks(variant: Variant, continuing: boolean): PreflightCheck[] {
  // Live: the operators roll every pool, so a paused pool or a sick node stalls it; no hosted control plane.
  if (isLive(variant))
    return [
      apiCheck,
      permissionsCheck,
      runnerOutsideClusterCheck,
      ...(continuing
        ? []
        : [nodesReadyCheck, poolsNotPausedCheck, pdbEvictionsCheck, hostedControlPlaneCheck]),
      maxUnavailableCheck,
    ];
  const reboots = variant.phases.some((p) => p.steps.some((st) => st.id === 'reboot-nodes'));
  // Mid-rollback a node may be down for its reboot: the reboot step names any node it cannot reach.
  return [
    apiCheck,
    permissionsCheck,
    ...(reboots && !continuing ? [sshCheck] : []),
    mtuCheck,
    runnerOutsideClusterCheck,
    // The rollout after the pools are resumed runs at max-unavailable too (a warning, as for migrate).
    maxUnavailableCheck,
  ];
}

async function preflight(s: Session, r: RollbackStart, ctx: StepContext): Promise<Error | undefined> {
  const plan = s.settings.mode === 'plan-rollback';
  const phase: PhaseRecord = {
    id: 'preflight',
    title: 'Preflight checks',
    startedAt: new Date().toISOString(),
  };
  s.report.phases.push(phase);
  const facts = clusterFacts(ctx, r.variant, { mode: plan ? 'plan' : 'migrate' });
  const checks = await core.group('Preflight checks (rollback)', async () => {
    const out = await runChecks(facts, rollbackChecks(r.variant, r.continuing));
    // The node table (addresses, pools) and the estimate, as a migration's preflight gives them.
    await describeNodes(facts);
    return out;
  });
  const refusal = refusalFor(checks, 'rollback');
  phase.endedAt = new Date().toISOString();
  phase.durationMs = Date.parse(phase.endedAt) - Date.parse(phase.startedAt);
  phase.outcome = refusal ? 'failed' : 'ok';
  for (const c of checks)
    if (!c.ok && c.severity === 'warn') s.report.warnings.push(`${c.title}: ${c.detail}`);
  if (refusal && plan)
    s.report.warnings.push(
      `mode: rollback would be refused: ${refusal.checks.map((c) => c.title).join('; ')}`,
    );
  return refusal;
}

async function plan(
  s: Session,
  r: RollbackStart,
  ctx: StepContext,
  refusal: Error | undefined,
): Promise<void> {
  const { report, log } = s;
  const done = (id: string) => r.continuing && r.checkpoint.completed(id);
  await core.group(`Plan (procedure ${r.variant.title})`, async () => {
    await planVariant(remaining(r.variant, done), ctx);
    report.plan.push({
      phase: 'Throughout',
      step: 'Keep a checkpoint (the lease of the run doing the rollback) so that an interrupted run can be continued',
      changes: [
        `ConfigMap ${CHECKPOINT_REF.namespace}/${CHECKPOINT_REF.name}: ${s.earlier ? 'taken over' : 'created'}, updated after every step, deleted when the rollback completes (with ConfigMap ${ROLLBACK_RECORD_REF.namespace}/${ROLLBACK_RECORD_REF.name})`,
      ],
    });
    for (const [i, e] of report.plan.entries())
      log.info(`${i + 1}. [${e.phase}] ${e.step}\n     ${e.changes.join('\n     ')}`);
  });
  if (refusal) throw refusal;
  report.result = 'planned';
}

async function execute(s: Session, r: RollbackStart, ctx: StepContext): Promise<void> {
  const { checkpoint, variant } = r;
  const etcd = await ensureEtcdBackup(
    ctx,
    r.continuing ? checkpoint.state.etcdBackup : undefined,
    r.continuing,
  );
  if (etcd) checkpoint.state.etcdBackup = etcd;
  const lease = new LeaseKeeper(checkpoint, thisRun(s.report.context), s.log, s.stop);
  await lease.acquire();
  s.lease = lease;
  s.started = true;
  s.saveProgress = () => lease.save();
  s.log.info(`Running procedure ${variant.title}`);
  await runVariantRestoringPools(s, variant, ctx, checkpoint, {
    completed: (id) => checkpoint.completed(id),
    onStepDone: async (_phase, id) => {
      checkpoint.markDone(id);
      await s.saveProgress();
    },
  });
  lease.end();
  await checkpoint.clear('the rollback is complete');
  await deleteRollbackRecord(s.cluster.withCancelGate(s.signal));
  if (!s.settings.cleanup) s.report.cleanupLeft = await cleanupLeft(variant, ctx);
  s.report.result = 'rolled-back';
}

export async function runRollback(s: Session): Promise<void> {
  const r = await start(s);
  s.variant = r.variant;
  s.report.cluster.variant = r.variant.title;
  s.earlier = r.continuing || r.checkpoint.exists ? r.checkpoint : undefined;
  s.checkpoint = r.checkpoint;
  const ctx = stepContext(s, r.variant, r.checkpoint.state.memory);
  if (r.checkpoint.backup.size) await restoreBackup(s, r.checkpoint);
  if (r.continuing)
    await core.group('Cross-check the checkpoint against the cluster', () =>
      requireAgreement(r.variant, ctx, r.checkpoint.state.completedSteps),
    );
  const refusal = await preflight(s, r, ctx);
  if (s.settings.mode === 'plan-rollback') return plan(s, r, ctx, refusal);
  if (refusal) throw refusal;
  await execute(s, r, ctx);
}
