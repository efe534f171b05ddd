// Bench section 7: the estimate against whole migrations on the twin (see estimate-accuracy.ts), and
// what max-unavailable 20% does to the rollout phase of procedure B at the largest size.
import type { Row } from './stats.ts';
import { caseVariantId, runAccuracyCase, type AccuracyCase, type AccuracyRun } from './estimate-accuracy.ts';

const SECTION = '7 estimate';
const TARGET_PCT = 15;

/** From this size up a case is a large one (the default: 203 nodes, 3 masters + 200 workers). */
export const LARGE_NODES = 100;

/**
 * The cases of one size. Below LARGE_NODES: every procedure, max-unavailable unset and 20%, and the
 * rollbacks of A and B after a migration on the same twin (the live strategy's rollback is not
 * covered). At a large size an unset run of A or live would take 8–15 real minutes each and measure
 * the same one-at-a-time worker rollout as B's unset run: there only B unset (for the ratio below), and
 * B, A and live at 20%; no rollback.
 */
export function casesOf(nodes: number, o: SectionOptions): AccuracyCase[] {
  const one = (
    variant: AccuracyCase['variant'],
    maxUnavailable?: string,
    rollback = false,
  ): AccuracyCase => ({
    nodes,
    variant,
    maxUnavailable,
    msPerSecond: o.msPerSecond,
    ...(rollback ? { rollback } : {}),
  });
  if (nodes >= LARGE_NODES)
    return o.procedures.flatMap((v) => (v === 'B' ? [one(v), one(v, '20%')] : [one(v, '20%')]));
  const both = [undefined, '20%'];
  const rollbacks = o.rollbacks === 'none' ? [] : o.rollbacks === 'one' ? ['20%'] : both;
  return [
    ...o.procedures.flatMap((v) => both.map((mu) => one(v, mu))),
    ...o.procedures.filter((v) => v !== 'C').flatMap((v) => rollbacks.map((mu) => one(v, mu, true))),
  ];
}

const sizeLabel = (nodes: number) =>
  nodes >= LARGE_NODES ? `${nodes} nodes (${nodes - 3} workers)` : `${nodes} nodes`;

export const caseLabel = (c: AccuracyCase) =>
  `${caseVariantId(c)} ${sizeLabel(c.nodes)}, max-unavailable ${c.maxUnavailable ?? 'unset'}`;

/** Why a part misses, from what the model leaves out (the bench says it rather than hiding it). */
function why(run: AccuracyRun, phase: string, errorPct: number | undefined): string {
  if (run.code !== 0) return `the run failed (${run.result ?? 'no result'})`;
  if (errorPct === undefined) return 'no phase of this part ran to its end';
  if (phase === 'total') return 'the misses of the parts above add up';
  if (phase === 'other' && run.variant === 'C' && errorPct > 0)
    return "the operators' flapping after the last reboots settles while the follow phase waits for multus, so verification's operator gate waits less than the profile's flapping time";
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

export interface SectionOptions {
  sizes: number[];
  msPerSecond: number;
  procedures: AccuracyCase['variant'][];
  /** Rollback cases at the smaller sizes: max-unavailable unset and 20% ('all'), 20% only ('one'), none. */
  rollbacks: 'all' | 'one' | 'none';
  rows: Row[];
  log: (m: string) => void;
}

export async function runEstimateSection(o: SectionOptions): Promise<AccuracyRun[]> {
  const runs: AccuracyRun[] = [];
  for (const nodes of o.sizes.filter((n) => n >= LARGE_NODES))
    o.rows.push({
      section: SECTION,
      what: `${sizeLabel(nodes)}: which cases`,
      value:
        'B max-unavailable unset and 20%, A and live 20% only, no rollback (unset A or live: 8–15 real min each, the same worker rollout as B unset)',
    });
  for (const c of o.sizes.flatMap((n) => casesOf(n, o))) {
    o.log(`estimate: ${caseLabel(c)}`);
    const run = await runAccuracyCase(c);
    runs.push(run);
    for (const r of [...run.rows, run.total]) {
      const met = r.errorPct !== undefined && Math.abs(r.errorPct) <= TARGET_PCT && run.code === 0;
      o.rows.push({
        section: SECTION,
        what: `${caseLabel(c)}: ${r.phase}`,
        value: `estimate ${r.estimateMin} vmin, actual ${r.actualMin ?? '—'} vmin, error ${r.errorPct ?? '—'}%`,
        target: `±${TARGET_PCT}%`,
        met,
        ...(met ? {} : { note: why(run, r.phase, r.errorPct) }),
      });
    }
  }
  const largest = Math.max(...o.sizes);
  const runB = (mu?: string) =>
    runs.find((r) => r.nodes === largest && r.variant === 'B' && !r.rollback && r.maxUnavailable === mu);
  const rollout = (mu?: string) => runB(mu)?.rows.find((x) => x.phase === 'prepare')?.actualMin;
  const [unset, fast] = [rollout(undefined), rollout('20%')];
  const [wallUnset, wallFast] = [runB(undefined)?.wallMs, runB('20%')?.wallMs];
  if (wallUnset && wallFast)
    o.rows.push({
      section: SECTION,
      what: `B ${sizeLabel(largest)}: whole migration's wall time, max-unavailable unset / 20% (${o.msPerSecond} ms per virtual s)`,
      value: `${(wallUnset / 1000).toFixed(0)} s / ${(wallFast / 1000).toFixed(0)} s = ${(wallUnset / wallFast).toFixed(1)}×`,
    });
  if (unset && fast)
    o.rows.push({
      section: SECTION,
      what: `B ${sizeLabel(largest)}: rollout phase, max-unavailable unset / 20%`,
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
