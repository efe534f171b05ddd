// The decision every kind of run shares, made by one piece of code so that a plan and a migrate on
// the same cluster decide the same way: is there an unfinished migration (checkpoint), may this run
// continue it (same settings, lease free or stale, names safe, agreeing with the cluster); is the
// cluster already on the target; and would migrate refuse (blocking preflight checks, with the
// relaxations a resumed run gets).
import * as core from '@actions/core';
import { mkdir, writeFile } from 'node:fs/promises';
import { refusalFor, runPreflight } from '../checks/preflight.ts';
import {
  Checkpoint,
  CHECKPOINT_REF,
  DELETE_CHECKPOINT,
  identityDifferences,
  identityOf,
} from '../procedure/checkpoint.ts';
import type { RunMemory, StepContext, Variant } from '../procedure/types.ts';
import type { CheckRecord } from '../report/model.ts';
import { requireAgreement } from './cross-check.ts';
import { checkEtcdRecord } from './etcd.ts';
import { ageText, LeaseHeld, leaseView, thisRun } from './lease.ts';
import { pathUnder } from './paths.ts';
import { stepContext, type Session } from './session.ts';
import { WOULD_REFUSE } from '../report/verdict.ts';

/** Checks that still block a run that continues an unfinished migration. */
// SSH is not among them: mid-migration a node may be down for its reboot. The reboot step names any
// node it cannot reach, and a host key mismatch still stops it before a command is sent.
const RESUME_BLOCKING = new Set(
  ['permissions', 'no-migration-in-progress', 'runner-outside-cluster'].map((id) => `preflight-${id}`),
);

export interface Prepared {
  variant: Variant;
  ctx: StepContext;
  /** The checkpoint this run keeps: the earlier run's, or a fresh one (not yet written). */
  checkpoint: Checkpoint;
  /** The cluster is already on the target network and no migration of ours is unfinished. */
  onTarget: boolean;
  /** Why mode migrate would refuse, if it would. */
  refusal?: Error;
}

/** An unfinished migration by this action was started with other settings: refused, no change. */
export class SettingsDiffer extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SettingsDiffer';
  }
}

/** Describes who started the unfinished migration, for logs and messages. */
export function startedByText(cp: Checkpoint): string {
  const by = cp.state.startedBy;
  return `started ${by.startedAt}${by.actor ? ` by ${by.actor}` : ''}${by.runUrl ? ` (${by.runUrl})` : ''}`;
}

export function stepCount(variant: Variant): number {
  return variant.phases.reduce((n, p) => n + p.steps.length, 0);
}

/** Another run holds a fresh lease: refuse. A stale one is taken over, with a warning. */
export function checkLease(s: Session, earlier: Checkpoint): void {
  const view = leaseView(earlier, thisRun(s.report.context));
  const what = earlier.state.identity.to === 'OpenShiftSDN' ? 'rollback' : 'migration';
  if (view.kind === 'held')
    throw new LeaseHeld(
      view.holder,
      `lease renewed ${ageText(view.ageMs)}, held until not renewed for ${Math.round(view.staleAfterMs / 1000)} s`,
      what,
    );
  if (view.kind === 'stale') {
    const msg = `The checkpoint lease of run ${view.holder.runId} attempt ${view.holder.attempt} (runner ${view.holder.runner}) was last renewed ${ageText(view.ageMs)}: that run is taken to be dead, and this run takes the ${what} over.`;
    s.log.warn(msg);
    s.report.warnings.push(msg);
  }
}

/** An unfinished run of this action left a checkpoint: continue it (same settings) or refuse. */
async function continueEarlier(s: Session, variant: Variant, earlier: Checkpoint): Promise<void> {
  const identity = identityOf(variant, s.settings.mtu, s.settings.genevePort);
  const diff = identityDifferences(earlier.state.identity, identity);
  const who = startedByText(earlier);
  const done = `${earlier.state.completedSteps.length} of ${stepCount(variant)} step(s) done`;
  s.report.resume = {
    startedAt: earlier.state.startedBy.startedAt,
    ...(earlier.state.startedBy.actor ? { actor: earlier.state.startedBy.actor } : {}),
    ...(earlier.state.startedBy.runUrl ? { runUrl: earlier.state.startedBy.runUrl } : {}),
    stepsDone: earlier.state.completedSteps.length,
    stepsTotal: stepCount(variant),
  };
  checkLease(s, earlier);
  if (earlier.state.identity.to !== variant.to)
    throw new SettingsDiffer(
      `a rollback to ${earlier.state.identity.to} by this action is unfinished (${who}; procedure ${earlier.state.identity.variant}, ${earlier.state.completedSteps.length} step(s) done). No change was made by this run. Finish it first with mode: rollback and the same inputs; then migrate again.`,
    );
  if (diff.length) {
    throw new SettingsDiffer(
      `a migration by this action is in progress (${who}; procedure ${earlier.state.identity.variant}, ${done}) with other settings — ${diff.join('; ')}. No change was made by this run. ` +
        `To continue it, run again with the same inputs; to abandon it, roll the cluster back and delete the checkpoint (${DELETE_CHECKPOINT}).`,
    );
  }
  checkEtcdRecord(earlier.state.etcdBackup);
  s.log.info(`Continuing the migration ${who}: ${done} (${earlier.state.completedSteps.join(', ')}).`);
  s.report.warnings.push(`This run continues an unfinished migration ${who} (${done}).`);
}

/** The original backup, from before the first change, byte for byte; names checked on load. */
export async function restoreBackup(s: Session, earlier: Checkpoint): Promise<void> {
  if (!earlier.backup.size) return;
  const files = [...earlier.backup.keys()].map((name) => pathUnder(s.backupDir, name));
  await mkdir(s.backupDir, { recursive: true });
  for (const [i, text] of [...earlier.backup.values()].entries())
    await writeFile(files[i], text, { mode: 0o600 });
  s.report.backup = { directory: s.backupDir, files };
}

/** Mid-migration the cluster is expected to look unhealthy: only what the next steps need still blocks. */
function relaxForResume(s: Session, checks: CheckRecord[]): void {
  for (const c of checks) {
    if (RESUME_BLOCKING.has(c.id) || c.ok || c.severity !== 'blocking') continue;
    c.severity = 'warn';
    s.report.warnings.push(`${c.title}: ${c.detail} (expected mid-migration; not blocking when continuing)`);
  }
  // Preflight judged before the relaxation: its verdict (plan warning, phase outcome) is redone.
  s.report.warnings = s.report.warnings.filter((w) => !w.startsWith(WOULD_REFUSE));
  const refusal = refusalFor(checks);
  const phase = s.report.phases.find((p) => p.id === 'preflight');
  if (phase && !refusal) {
    phase.outcome = 'ok';
    delete phase.detail;
  }
  if (refusal && s.settings.mode === 'plan')
    s.report.warnings.push(`${WOULD_REFUSE} ${refusal.checks.map((c) => c.title).join('; ')}`);
}

async function preflight(s: Session, variant: Variant, ctx: StepContext): Promise<Error | undefined> {
  // A live migration under way (ours from a checkpoint, or one this run attaches to) is mid-way too.
  const resuming = s.earlier !== undefined || s.attachLive === true;
  const checks = await core.group('Preflight checks', () =>
    runPreflight(ctx, variant, {
      mode: s.settings.mode === 'plan' ? 'plan' : 'migrate',
      // Attaching is not "our own run": no-migration-in-progress says it attaches (live only).
      ownRunInProgress: s.earlier !== undefined,
    }),
  );
  if (resuming) relaxForResume(s, checks);
  return refusalFor(checks);
}

export async function prepare(s: Session, variant: Variant): Promise<Prepared> {
  const earlier = await Checkpoint.load(s.cluster, s.log);
  if (earlier) await continueEarlier(s, variant, earlier);
  const memory: RunMemory = earlier?.state.memory ?? {};
  const ctx = stepContext(s, variant, memory);
  if (earlier) {
    await restoreBackup(s, earlier);
    await core.group('Cross-check the checkpoint against the cluster', () =>
      requireAgreement(variant, ctx, earlier.state.completedSteps),
    );
  }
  s.earlier = earlier;
  const checkpoint =
    earlier ??
    Checkpoint.fresh(
      s.cluster,
      s.log,
      identityOf(variant, s.settings.mtu, s.settings.genevePort),
      {
        repository: s.report.context.repository,
        runUrl: s.report.context.runUrl,
        actor: s.report.context.actor,
        startedAt: new Date().toISOString(),
      },
      memory,
    );
  s.checkpoint = checkpoint;
  const onTarget = !earlier && !s.attachLive && s.report.cluster.networkTypeBefore === variant.to;
  s.onTarget = onTarget;
  const refusal = onTarget ? undefined : await preflight(s, variant, ctx);
  return { variant, ctx, checkpoint, onTarget, refusal };
}

export { CHECKPOINT_REF };
