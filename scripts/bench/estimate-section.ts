// Bench section 7: the estimate against whole migrations on the twin (see estimate-accuracy.ts), and
// what max-unavailable 20% does to the rollout phase of procedure B at the largest size.
import type { Row } from './stats.ts';
import { runAccuracyCase, type AccuracyCase, type AccuracyRun } from './estimate-accuracy.ts';

const SECTION = '7 estimate';
const TARGET_PCT = 15;

function cases(sizes: number[], msPerSecond: number, procedures: AccuracyCase['variant'][]): AccuracyCase[] {
  return sizes.flatMap((nodes) =>
    procedures.flatMap((variant) =>
      [undefined, '20%'].map((maxUnavailable) => ({ nodes, variant, maxUnavailable, msPerSecond })),
    ),
  );
}

/** Why a part misses, from what the model leaves out (the bench says it rather than hiding it). */
function why(run: AccuracyRun, phase: string, errorPct: number): string {
  if (run.code !== 0) return `the run failed (${run.result ?? 'no result'})`;
  if (phase === 'total') return 'the misses of the parts above add up';
  if (phase === 'other')
    return errorPct > 0
      ? 'the reactions overlap (flapping operators settle while the reboot phase still waits on its watch)'
      : "the action's own polling and the operator gate's passes take longer than the profile's reactions (the machine is loaded: virtual time runs while the action waits on the CPU)";
  if (phase === 'reboot')
    return errorPct < 0
      ? "the nodes were seen back later than the API came back plus the watch's next try: the action waited on the CPU (a loaded machine stretches real-time pauses, and virtual time runs meanwhile)"
      : 'the node watch reconnected sooner than its retry schedule says (the API answered before its recovery time was up)';
  if (phase === 'follow')
    return errorPct < 0
      ? 'the two live rollouts overlap less than the model assumes (the operator waits for its daemonsets between steps)'
      : 'the live rollouts overlapped (pools in parallel finished sooner than the slowest pool twice)';
  return errorPct < 0
    ? 'MCO rounds overlap less than the model assumes (reaction per node, pools start apart)'
    : 'pools in parallel finished sooner than the slowest-pool rounds';
}

export async function runEstimateSection(o: {
  sizes: number[];
  msPerSecond: number;
  procedures: AccuracyCase['variant'][];
  rows: Row[];
  log: (m: string) => void;
}): Promise<AccuracyRun[]> {
  const runs: AccuracyRun[] = [];
  for (const c of cases(o.sizes, o.msPerSecond, o.procedures)) {
    o.log(
      `estimate: ${c.nodes} nodes, procedure ${c.variant}, max-unavailable ${c.maxUnavailable ?? 'unset'}`,
    );
    const run = await runAccuracyCase(c);
    runs.push(run);
    for (const r of [...run.rows, run.total]) {
      const met = r.errorPct !== undefined && Math.abs(r.errorPct) <= TARGET_PCT && run.code === 0;
      o.rows.push({
        section: SECTION,
        what: `${c.variant} ${c.nodes} nodes, max-unavailable ${c.maxUnavailable ?? 'unset'}: ${r.phase}`,
        value: `estimate ${r.estimateMin} vmin, actual ${r.actualMin ?? '—'} vmin, error ${r.errorPct ?? '—'}%`,
        target: `±${TARGET_PCT}%`,
        met,
        ...(met || r.errorPct === undefined ? {} : { note: why(run, r.phase, r.errorPct) }),
      });
    }
  }
  const largest = Math.max(...o.sizes);
  const rollout = (mu?: string) =>
    runs
      .find((r) => r.nodes === largest && r.variant === 'B' && r.maxUnavailable === mu)
      ?.rows.find((x) => x.phase === 'prepare')?.actualMin;
  const [unset, fast] = [rollout(undefined), rollout('20%')];
  if (unset && fast)
    o.rows.push({
      section: SECTION,
      what: `B ${largest} nodes: rollout phase, max-unavailable unset / 20%`,
      value: `${unset} / ${fast} vmin = ${(unset / fast).toFixed(1)}×`,
      target: '≥ 5×',
      met: unset / fast >= 5,
      ...(unset / fast >= 5
        ? {}
        : {
            note: `with ${largest - 3} workers the master pool (3 nodes, always one at a time) is as slow as the workers' ${largest - 3} rounds: the ratio needs more workers`,
          }),
    });
  return runs;
}
