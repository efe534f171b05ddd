// The ClusterOperator gate, as OpenShift's own CI scripts run it: every ClusterOperator Available, not
// Progressing, not Degraded in three consecutive passes 30 s apart. One all-green look is not enough:
// after node and master reboots operators flap (green, then Progressing or Degraded for a while).
// Before the first change a cluster that is not stable is refused at once; in verification the gate
// waits (up to a bound) for the streak, starting over whenever a pass finds an unhealthy operator.
import { CLUSTER_OPERATORS } from '../cluster/types.ts';
import { unhealthyOperators } from '../openshift/objects.ts';
import type { StepContext } from '../procedure/types.ts';
import { sleep } from '../util/abort.ts';
import { formatDuration } from '../util/duration.ts';
import { ProgressPrinter } from '../util/progress.ts';

export const HEALTHY_PASSES = 3;
/** The default time between passes (the `operators-stable-interval` input). */
export const DEFAULT_PASS_INTERVAL_MS = 30_000;

export interface GateOutcome {
  ok: boolean;
  /** Consecutive healthy passes at the end. */
  streak: number;
  /** ClusterOperators seen at the last pass. */
  operators: number;
  /** The unhealthy operators of the last unhealthy pass (empty when ok). */
  unhealthy: string[];
  /** The gate in words: passes, interval, and what broke the streak. */
  detail: string;
}

export interface GateOptions {
  /** true: an unhealthy pass starts the streak over (verification); false: it fails the gate (preflight). */
  settle: boolean;
  /** With settle: give up when the next pass would start after this long. */
  timeoutMs?: number;
}

export async function operatorGate(ctx: StepContext, o: GateOptions): Promise<GateOutcome> {
  const interval = ctx.settings.operatorsStableIntervalMs ?? DEFAULT_PASS_INTERVAL_MS;
  const policy = `${HEALTHY_PASSES} consecutive passes ${formatDuration(interval)} apart`;
  const deadline = Date.now() + (o.timeoutMs ?? 0);
  // `[1m / 10m] ClusterOperators pass 3: …`; before the first change the gate takes its passes only.
  const progress = new ProgressPrinter({
    log: ctx.log,
    startedAt: Date.now(),
    limit: formatDuration(o.settle ? (o.timeoutMs ?? 0) : (HEALTHY_PASSES - 1) * interval),
  });
  let streak = 0;
  let pass = 0;
  let lastBad: string[] = [];
  for (;;) {
    pass++;
    const cos = (await ctx.cluster.list(CLUSTER_OPERATORS)).items;
    const bad = unhealthyOperators(cos);
    const result = (ok: boolean, detail: string): GateOutcome => ({
      ok,
      streak,
      operators: cos.length,
      unhealthy: ok ? [] : bad.length ? bad : lastBad,
      detail,
    });
    if (bad.length === 0) {
      streak++;
      if (streak >= HEALTHY_PASSES)
        return result(true, `${cos.length} ClusterOperators healthy in ${policy}`);
    } else if (!o.settle) {
      return result(
        false,
        streak
          ? `healthy in ${streak} pass(es), then ${bad.length} not healthy at pass ${pass} — the operators are not stable (${policy} are required)`
          : `${bad.length} not healthy`,
      );
    } else {
      streak = 0;
      lastBad = bad;
      if (Date.now() + interval > deadline)
        return result(false, `${bad.length} not healthy after ${pass} pass(es) (${policy} are required)`);
    }
    progress.print(
      `ClusterOperators pass ${pass}: ${bad.length ? `${bad.length} not healthy (${bad.slice(0, 3).join('; ')})` : `all ${cos.length} healthy`}; ${streak}/${HEALTHY_PASSES} consecutive healthy passes, next in ${formatDuration(interval)}`,
    );
    await sleep(interval, ctx.signal);
  }
}
