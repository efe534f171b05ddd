// Runs a variant: phase by phase (one log group each), step by step, skipping steps that are already
// done, recording each phase's start, end and outcome. It knows nothing of SDN or OVN: a variant is
// data (see variant-*.ts), so rollback or the live strategy are new data, not new code paths.
import * as core from '@actions/core';
import type { PhaseRecord } from '../report/model.ts';
import { refuseIfAborted } from '../util/abort.ts';
import type { Phase, StepContext, Variant } from './types.ts';

/** A step failed: carries where, so the summary can say exactly where the cluster stands. */
export class StepFailure extends Error {
  readonly phase: Phase;
  readonly stepId: string;
  override readonly cause: unknown;
  constructor(phase: Phase, stepId: string, cause: unknown) {
    super(cause instanceof Error ? cause.message : String(cause));
    this.phase = phase;
    this.stepId = stepId;
    this.cause = cause;
  }
}

export class VerificationFailed extends Error {}

export interface EngineHooks {
  /** True for a step an earlier run completed (from the checkpoint): it is not run again. */
  completed?(stepId: string): boolean;
  /** Called after each step completes (the checkpoint is saved here). */
  onStepDone?(phase: Phase, stepId: string): Promise<void> | void;
}

function finishPhase(rec: PhaseRecord, outcome: PhaseRecord['outcome'], detail?: string): void {
  rec.endedAt = new Date().toISOString();
  rec.durationMs = Date.parse(rec.endedAt) - Date.parse(rec.startedAt);
  rec.outcome = outcome;
  if (detail) rec.detail = detail;
}

export async function runVariant(
  variant: Variant,
  runCtx: StepContext,
  hooks: EngineHooks = {},
): Promise<void> {
  // Steps reach the cluster only through the cancel gate: once the run is cancelled, no step can send
  // a change, whichever await it was at. (The checkpoint, saved through hooks, keeps its own handle.)
  const ctx: StepContext = { ...runCtx, cluster: runCtx.cluster.withCancelGate(runCtx.signal) };
  for (const [index, phase] of variant.phases.entries()) {
    if (phase.id === variant.cleanupPhase && !ctx.settings.cleanup) {
      ctx.report.phases.push({
        id: phase.id,
        title: phase.title,
        startedAt: new Date().toISOString(),
        outcome: 'skipped',
        detail: 'cleanup: false',
      });
      continue;
    }
    const rec: PhaseRecord = { id: phase.id, title: phase.title, startedAt: new Date().toISOString() };
    ctx.report.phases.push(rec);
    await core.group(`Phase ${index + 1}/${variant.phases.length}: ${phase.title}`, async () => {
      let applied = 0;
      for (const step of phase.steps) {
        if (ctx.signal.aborted) {
          finishPhase(rec, 'cancelled');
          throw new StepFailure(phase, step.id, new Error(`cancelled before step "${step.title}"`));
        }
        try {
          if (hooks.completed?.(step.id)) {
            ctx.log.info(`✓ ${step.title} — done by an earlier run`);
            continue;
          }
          if (await step.isDone(ctx)) {
            ctx.log.info(`✓ ${step.title} — already done`);
          } else {
            // A cancel that arrived while isDone() was reading the cluster: do not start the change.
            refuseIfAborted(ctx.signal);
            ctx.log.info(`→ ${step.title}`);
            await step.apply(ctx);
            applied++;
          }
          await hooks.onStepDone?.(phase, step.id);
        } catch (err) {
          finishPhase(
            rec,
            ctx.signal.aborted ? 'cancelled' : 'failed',
            err instanceof Error ? err.message : String(err),
          );
          throw new StepFailure(phase, step.id, err);
        }
      }
      finishPhase(rec, applied === 0 ? 'already-done' : 'ok');
    });
    if (phase.id === variant.verifyPhase) {
      const failed = ctx.report.failedChecks();
      if (failed.length) {
        rec.outcome = 'failed';
        rec.detail = `${failed.length} check(s) failed`;
        const rest = variant.phases.slice(index + 1);
        for (const p of rest) {
          ctx.report.phases.push({
            id: p.id,
            title: p.title,
            startedAt: new Date().toISOString(),
            outcome: 'skipped',
            detail: 'verification failed',
          });
        }
        throw new VerificationFailed(`verification failed: ${failed.map((c) => c.title).join('; ')}`);
      }
    }
  }
}

/** The plan: every step that is not yet done, with the changes it would make, in order. */
export async function planVariant(
  variant: Variant,
  ctx: StepContext,
  hooks: EngineHooks = {},
): Promise<void> {
  // A step that reverts an earlier one (unpause after pause) looks done on today's cluster; when the
  // step it reverts is still to do, it is planned as a change too.
  const pending = new Set<string>();
  for (const phase of variant.phases) {
    if (phase.id === variant.cleanupPhase && !ctx.settings.cleanup) continue;
    for (const step of phase.steps) {
      const earlier = hooks.completed?.(step.id) ?? false;
      const done = earlier || (!(step.reverts && pending.has(step.reverts)) && (await step.isDone(ctx)));
      if (!done) pending.add(step.id);
      const changes = earlier
        ? ['(done by an earlier run)']
        : done
          ? ['(already done)']
          : await step.plan(ctx);
      ctx.report.plan.push({ phase: phase.title, step: step.title, changes });
    }
  }
}
