// The run stopped (a failed step, a cancel) between setting the temporary maxUnavailable on the pools
// and putting their own value back: put it back now, before the run ends, so a stopped migration never
// leaves a pool draining more nodes at once than its administrator allows.
//
// This writes after a cancel, which the cancel gate otherwise refuses (the steps' cluster handle is
// gated; `ctx.cluster` here is the run's ungated one, as the checkpoint's is). The exemption is narrow
// and safe: it only writes spec.maxUnavailable, only on pools that still hold the value this run set
// (recorded in the checkpoint before the change), and only back to the value recorded before it — it
// undoes this run's own change and starts nothing. It is skipped when the lease is lost: the run that
// took the checkpoint over owns the pools now.
import type { Checkpoint } from '../procedure/checkpoint.ts';
import { runVariant, type EngineHooks } from '../procedure/engine.ts';
import { memoryOf, RESTORE_STEP, restorePools, SET_STEP } from '../procedure/pool-max-unavailable.ts';
import { recordChange } from '../procedure/steps.ts';
import type { StepContext, Variant } from '../procedure/types.ts';
import type { Session } from './session.ts';

/** Runs the procedure; if it stops (a failed step, a cancel), puts the pools' own maxUnavailable back first. */
export async function runVariantRestoringPools(
  s: Session,
  variant: Variant,
  ctx: StepContext,
  checkpoint: Checkpoint,
  hooks: EngineHooks,
): Promise<void> {
  try {
    await runVariant(variant, ctx, hooks);
  } catch (err) {
    await restoreAfterStop(s, ctx, checkpoint);
    throw err;
  }
}

export async function restoreAfterStop(s: Session, ctx: StepContext, checkpoint: Checkpoint): Promise<void> {
  if (!memoryOf(ctx.memory) || checkpoint.completed(RESTORE_STEP) || s.lease?.lost) return;
  try {
    await restorePools({
      cluster: ctx.cluster,
      log: ctx.log,
      memory: ctx.memory,
      // "restoring" reaches the checkpoint before the first pool changes (saves are queued, so this
      // cannot race the lease's release that follows on the failure path).
      saveProgress: () => s.saveProgress(),
      changed: (object, from, to) => recordChange(ctx, RESTORE_STEP, object, 'spec.maxUnavailable', from, to),
    });
  } catch (err) {
    ctx.log.warn(
      `could not put back the MachineConfigPools' own maxUnavailable (${err instanceof Error ? err.message : String(err)}); the checkpoint records it and the next run puts it back`,
    );
    return;
  }
  // Back to the state before the run touched them: a re-run sets the temporary value again.
  const done = checkpoint.state.completedSteps;
  if (done.includes(SET_STEP)) done.splice(done.indexOf(SET_STEP), 1);
  delete ctx.memory.maxUnavailable;
  s.log.info(
    "Put back every MachineConfigPool's own maxUnavailable (the run stopped before its rollout completed).",
  );
}
