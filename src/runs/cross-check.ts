// A checkpoint must agree with the cluster before a run continues from it: every step it says is done
// is asked again, with the step's own isDone() on the live objects (annotation, spec.migration,
// status.migration, networkType, pools paused, boot IDs …). A checkpoint that lies — copied from
// another cluster, forged, or left from a migration someone rolled back by hand — would otherwise
// make the run skip the backup, relax blocking checks and patch the network type without its trigger.
import { CheckpointRejected } from '../procedure/checkpoint.ts';
import type { Step, StepContext, Variant } from '../procedure/types.ts';

/**
 * Steps whose effect a later step removed, so that isDone() no longer tells for them: a completed later
 * step, or the step the earlier run stopped in. That one may have been cut part-way — a cancel between
 * unpausing the master pool and the worker pool leaves pause-pools neither done nor undone — and the
 * run that continues does it again.
 */
function undone(variant: Variant, completed: Set<string>): Set<string> {
  const steps = variant.phases.flatMap((p) => p.steps);
  const inFlight = steps.find((s) => !completed.has(s.id))?.id;
  const touched = (id: string) => completed.has(id) || id === inFlight;
  const out = new Set<string>();
  for (const step of steps) {
    if (step.reverts && touched(step.id)) out.add(step.reverts);
    if (step.undoneBy?.some(touched)) out.add(step.id);
  }
  return out;
}

async function disagreement(step: Step, ctx: StepContext): Promise<string | undefined> {
  let done: boolean;
  try {
    done = await step.isDone(ctx);
  } catch (err) {
    return `${step.id} ("${step.title}"): could not be checked: ${err instanceof Error ? err.message : String(err)}`;
  }
  if (done) return undefined;
  const expected = await Promise.resolve(step.plan(ctx)).catch(() => [] as string[]);
  return `${step.id} ("${step.title}") is recorded as done, but the cluster does not show it${expected.length ? ` (expected ${expected.join('; ')})` : ''}`;
}

/** Every way the checkpoint's completed steps disagree with the cluster (empty when they agree). */
export async function crossCheck(
  variant: Variant,
  ctx: StepContext,
  completedSteps: string[],
): Promise<string[]> {
  const completed = new Set(completedSteps);
  const steps = new Map(variant.phases.flatMap((p) => p.steps).map((s) => [s.id, s]));
  const out = completedSteps
    .filter((id) => !steps.has(id))
    .map((id) => `${id} is not a step of procedure ${variant.id}`);
  const skip = undone(variant, completed);
  for (const [id, step] of steps) {
    if (!completed.has(id) || skip.has(id) || step.confirmable === false) continue;
    const d = await disagreement(step, ctx);
    if (d) out.push(d);
  }
  return out;
}

/** Refuses (no change made) when the checkpoint and the cluster disagree. */
export async function requireAgreement(
  variant: Variant,
  ctx: StepContext,
  completedSteps: string[],
): Promise<void> {
  const found = await crossCheck(variant, ctx, completedSteps);
  if (found.length)
    throw new CheckpointRejected(
      `disagrees with the cluster: ${found.join('; ')}. It does not describe this cluster's state, so this run will not continue from it`,
    );
  if (completedSteps.length)
    ctx.log.info(
      `The checkpoint agrees with the cluster: ${completedSteps.length} completed step(s) confirmed.`,
    );
}
