// Whole migrations on the twin with its realism on (API outage while the masters are down, MCO/CNO
// latency, operators flapping), procedure A (4.6), B (4.14) and C (live, 4.16), max-unavailable unset
// and 20%: the
// estimate the action would show (src/checks/estimate.ts, given the twin's timing profile as the
// per-node figures, since a fresh twin has no MCO update history to learn them from) against the
// phases' actual durations from the run's own report (report.estimateVsActual), in virtual minutes.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { OPERATOR_PASS_SECONDS, startHarness, type Harness } from '../../__tests__/helpers/twin-action.ts';
import { findType } from '../../__tests__/twin/resources.ts';
import type { Scenario, ScenarioInput } from '../../__tests__/twin/scenario.ts';
import { reconnectDelayMs } from '../../src/cluster/reflector.ts';
import { compareWithActual, estimateDuration, type KnownTimings } from '../../src/checks/estimate.ts';
import { rollbackTimings, SRC } from './estimate-rollback.ts';
import type { EstimateRecord, PhaseRecord } from '../../src/report/model.ts';

export interface AccuracyCase {
  nodes: number;
  /** A (4.6), B (4.14), C: the live strategy on 4.16. */
  variant: 'A' | 'B' | 'C';
  maxUnavailable?: string;
  msPerSecond: number;
  /**
   * Measure the rollback (A-rollback, B-rollback) that follows a migration on the same twin: the
   * migration runs first at max-unavailable 20% (quick, not measured), then `mode: rollback` at
   * `maxUnavailable`.
   */
  rollback?: boolean;
}

/** What the estimate and the rows call the measured procedure: A, B, C, A-rollback, B-rollback. */
export const caseVariantId = (c: AccuracyCase): string => (c.rollback ? `${c.variant}-rollback` : c.variant);

export interface AccuracyRow {
  phase: string;
  estimateMin: number;
  actualMin?: number;
  errorPct?: number;
}

export interface AccuracyRun extends AccuracyCase {
  code: number | null;
  result?: string;
  wallMs: number;
  rows: AccuracyRow[];
  total: AccuracyRow;
  basis: string[];
}

export function accuracyScenario(c: AccuracyCase): ScenarioInput {
  const workers = Math.max(1, c.nodes - 3);
  return {
    name: `bench-estimate-${c.variant}-${c.nodes}`,
    version: { A: '4.6.21', B: '4.14.12', C: '4.16.20' }[c.variant],
    nodes: [{ name: 'master-0' }, { name: 'master-1' }, { name: 'master-2' }],
    nodeSets: [{ prefix: 'worker-', count: workers, pool: 'worker' }],
    pools: [
      { name: 'master', maxUnavailable: 1 },
      { name: 'worker', maxUnavailable: 1 },
    ],
    podsPerNode: 1,
    timing: { msPerSecond: c.msPerSecond },
  };
}

/**
 * How much later than the API's return the action's node watch is back, in virtual seconds: the
 * watch retries a refused API on its own schedule in real time (reconnectDelayMs), and the twin runs
 * msPerSecond real ms per virtual second, so a pause of at most 2 s real (nothing on a real cluster's
 * 10-minute reboot) is up to 2000 / msPerSecond virtual seconds here. The outage starts when the
 * masters go down (a minute after the command: the retries start then) and lasts the reboot plus the
 * API's recovery.
 */
export function reconnectLagSeconds(sc: Scenario): number {
  const scale = sc.timing.msPerSecond / 1000;
  const outageMs = (sc.timing.rebootSeconds + sc.realism.apiRecoverySeconds) * 1000 * scale;
  let at = 0;
  for (let failures = 0; at < outageMs; failures++) at += reconnectDelayMs(failures, failures > 0);
  return (at - outageMs) / 1000 / scale;
}

/**
 * The per-node figures a cluster with this timing would show, in virtual ms. The reboot phase reboots
 * every node at once, masters included: the API is back apiRecoverySeconds after quorum. "Other" is
 * what the phases besides the rollout and the reboot wait for: the controllers' reactions, the multus
 * rollout (one pod at a time), ovnkube-node readiness, the operators' flapping after the reboots and
 * verification's operator gate (three passes 30 s apart), and the preflight phase's operator gate.
 * The etcd backup runs before the first phase, so it is not in the phases' durations.
 */
export function twinTimings(sc: Scenario, variant: AccuracyCase['variant']): KnownTimings {
  const t = sc.timing;
  const r = sc.realism;
  const s = 1000;
  const src = SRC;
  // The MCO's reaction is once per rollout (render, then the node controller's pickup), not per node.
  const update = (t.mcoUpdateSeconds + t.rebootSeconds) * s;
  const lag = r.apiOutage ? reconnectLagSeconds(sc) : 0;
  // The boot alone: the estimate adds the minute the shutdown command waits before it reboots.
  const reboot = (t.rebootSeconds + (r.apiOutage ? r.apiRecoverySeconds : 0) + lag) * s;
  // Verification's operator gate (the flapping settles, then three passes OPERATOR_PASS_SECONDS
  // apart), and the preflight phase's own three passes (the report counts preflight as a phase).
  const gate = (r.operatorFlapping ? r.flapSeconds + 30 : 0) + 2 * 2 * OPERATOR_PASS_SECONDS;
  const other =
    variant === 'C'
      ? liveOther(sc) + gate
      : 2 * t.cnoReconcileSeconds +
        r.mcoReactionSeconds * (variant === 'A' ? 2 : 1) +
        sc.nodes.length * t.multusPodRestartSeconds +
        r.ovnkubeNodeReadySeconds +
        gate +
        t.namespaceTerminatingSeconds;
  return {
    updateMs: { ms: update, source: `${src}: mcoUpdate + reboot` },
    rolloutStartMs:
      variant === 'C'
        ? {
            ms: (2 * r.mcoReactionSeconds + r.ovnkubeNodeReadySeconds) * s,
            source: `${src}: the operator's step waits for ovnkube-node ready, then MCO render + pickup`,
          }
        : { ms: 2 * r.mcoReactionSeconds * s, source: `${src}: MCO render + pickup reactions` },
    ...(variant === 'C'
      ? {
          settleMs: {
            ms: sc.nodes.length * t.multusPodRestartSeconds * s,
            source: `${src}: multus re-rendered at the switch, one pod at a time (nodes × multusPodRestart)`,
          },
        }
      : {}),
    rebootMs: {
      ms: reboot,
      source: `${src}: reboot + API recovery + ${Math.round(lag)} s until the node watch's next try (real-time retry at this time scale)`,
    },
    overheadMs: {
      ms: other * s,
      source:
        variant === 'C'
          ? `${src}: the network operator's steps, ovnkube ready, flapping, verification's operator gate`
          : `${src}: reactions, multus pods × nodes, ovnkube ready, flapping, verification's operator gate`,
    },
  };
}

/**
 * Live, besides the two rollouts and their starts (rolloutStartMs): the operator's steps (deploy the
 * target plugin, MTU, switch, remove the old plugin: a reconcile each).
 */
function liveOther(sc: Scenario): number {
  return 4 * sc.timing.cnoReconcileSeconds;
}

const round1 = (x: number) => Math.round(x * 10) / 10;

const RUN_INPUTS = { 'wait-timeout': '24h', 'reboot-timeout': '20m' };

/**
 * The migration a rollback case undoes: on the same twin, max-unavailable 20% (quick), not measured.
 * Its result when it failed (the case then has nothing to measure).
 */
async function migrateFirst(h: Harness): Promise<string | undefined> {
  const run = await h.run(
    { ...RUN_INPUTS, 'artifact-name': 'bench-estimate-migration', 'max-unavailable': '20%' },
    { timeoutMs: 3_600_000 },
  );
  return run.code === 0
    ? undefined
    : `the migration before the rollback: ${run.outputs.result ?? 'no result'}`;
}

function knownTimings(sc: Scenario, c: AccuracyCase): KnownTimings {
  if (!c.rollback) return twinTimings(sc, c.variant);
  if (c.variant === 'C') throw new Error('estimate bench: no rollback case for the live strategy');
  return rollbackTimings(sc, c.variant, c.maxUnavailable, twinTimings(sc, c.variant));
}

export async function runAccuracyCase(c: AccuracyCase): Promise<AccuracyRun> {
  const h = await startHarness(accuracyScenario(c));
  try {
    const failed = c.rollback ? await migrateFirst(h) : undefined;
    const pools = h.twin.store.list(findType('machineconfiguration.openshift.io', 'machineconfigpools')!);
    const estimate: EstimateRecord = estimateDuration({
      variantId: caseVariantId(c),
      nodeCount: h.twin.scenario.nodes.length,
      pools: pools as never,
      maxParallelReboots: 0,
      rebootTimeoutMs: 20 * 60_000,
      maxUnavailable: c.maxUnavailable,
      known: knownTimings(h.twin.scenario, c),
    });
    const total = row('total', estimate.totalMs);
    const basis = estimate.parts.map((p) => `${p.what}: ${p.basis}`);
    if (failed) return { ...c, code: 1, result: failed, wallMs: 0, rows: [], total, basis };
    const start = performance.now();
    const run = await h.run(
      {
        ...RUN_INPUTS,
        'artifact-name': 'bench-estimate',
        ...(c.rollback ? { mode: 'rollback' } : {}),
        ...(c.variant === 'C' ? { strategy: 'live' } : {}),
        ...(c.maxUnavailable ? { 'max-unavailable': c.maxUnavailable } : {}),
      },
      { timeoutMs: 3_600_000 },
    );
    const wallMs = performance.now() - start;
    const report = JSON.parse(readFileSync(run.outputs['report-path'], 'utf8')) as { phases: PhaseRecord[] };
    // To see why a part misses: the action's log and phases of every case (ESTIMATE_LOG_DIR=dir).
    const logDir = process.env.ESTIMATE_LOG_DIR;
    if (logDir) {
      const name = join(logDir, `${caseVariantId(c)}-${c.nodes}-${c.maxUnavailable ?? 'unset'}`);
      writeFileSync(`${name}.log`, run.stdout);
      writeFileSync(`${name}.phases.json`, JSON.stringify(report.phases, null, 1));
    }
    // The estimate is in virtual ms; the phases took real ms: compare in virtual minutes.
    const virtualPhases = report.phases.map((p) => ({
      ...p,
      durationMs: p.durationMs === undefined ? undefined : (p.durationMs / c.msPerSecond) * 1000,
    }));
    const rows = compareWithActual(estimate, virtualPhases).map((r) =>
      row(r.phase, r.estimateMs, r.actualMs),
    );
    const actualTotal = rows.reduce((n, r) => n + (r.actualMin ?? 0), 0) * 60_000;
    return {
      ...c,
      code: run.code,
      result: run.outputs.result,
      wallMs,
      rows,
      total: row('total', estimate.totalMs, actualTotal),
      basis,
    };
  } finally {
    await h.stop();
  }
}

function row(phase: string, estimateMs: number, actualMs?: number): AccuracyRow {
  const e = estimateMs / 60_000;
  const a = actualMs === undefined ? undefined : actualMs / 60_000;
  return {
    phase,
    estimateMin: round1(e),
    ...(a === undefined ? {} : { actualMin: round1(a), errorPct: Math.round(((e - a) / a) * 100) }),
  };
}
