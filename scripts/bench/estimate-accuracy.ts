// Whole migrations on the twin with its realism on (API outage while the masters are down, MCO/CNO
// latency, operators flapping), procedure A (4.6) and B (4.14), max-unavailable unset and 20%: the
// estimate the action would show (src/checks/estimate.ts, given the twin's timing profile as the
// per-node figures, since a fresh twin has no MCO update history to learn them from) against the
// phases' actual durations from the run's own report (report.estimateVsActual), in virtual minutes.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startHarness } from '../../__tests__/helpers/twin-action.ts';
import { findType } from '../../__tests__/twin/resources.ts';
import type { Scenario, ScenarioInput } from '../../__tests__/twin/scenario.ts';
import { estimateDuration, compareWithActual, type KnownTimings } from '../../src/checks/estimate.ts';
import type { EstimateRecord, PhaseRecord } from '../../src/report/model.ts';

export interface AccuracyCase {
  nodes: number;
  variant: 'A' | 'B';
  maxUnavailable?: string;
  msPerSecond: number;
}

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
    version: c.variant === 'A' ? '4.6.21' : '4.14.12',
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
 * The per-node figures a cluster with this timing would show, in virtual ms. The reboot phase reboots
 * every node at once, masters included: the API is back apiRecoverySeconds after quorum. "Other" is
 * what the phases besides the rollout and the reboot wait for: the controllers' reactions, the multus
 * rollout (one pod at a time), ovnkube-node readiness, the operators' flapping after the reboots and
 * verification's operator gate (three passes 30 s apart). The etcd backup and the preflight gate run
 * before the first phase, so they are not in the phases' durations and not in the estimate here.
 */
export function twinTimings(sc: Scenario, variant: 'A' | 'B'): KnownTimings {
  const t = sc.timing;
  const r = sc.realism;
  const s = 1000;
  const src = 'twin timing profile';
  const update = (t.mcoUpdateSeconds + t.rebootSeconds + r.mcoReactionSeconds) * s;
  const reboot = (3 + t.rebootSeconds + (r.apiOutage ? r.apiRecoverySeconds : 0)) * s;
  const other =
    2 * t.cnoReconcileSeconds +
    r.mcoReactionSeconds * (variant === 'A' ? 2 : 1) +
    sc.nodes.length * t.multusPodRestartSeconds +
    r.ovnkubeNodeReadySeconds +
    (r.operatorFlapping ? r.flapSeconds + 30 : 0) +
    2 * 30 +
    t.namespaceTerminatingSeconds;
  return {
    updateMs: { ms: update, source: `${src}: mcoUpdate + reboot + MCO reaction` },
    rebootMs: { ms: reboot, source: `${src}: shutdown -r -t 3 + reboot + API recovery` },
    overheadMs: {
      ms: other * s,
      source: `${src}: reactions, multus pods × nodes, ovnkube ready, flapping, verification's operator gate`,
    },
  };
}

const round1 = (x: number) => Math.round(x * 10) / 10;

export async function runAccuracyCase(c: AccuracyCase): Promise<AccuracyRun> {
  const h = await startHarness(accuracyScenario(c));
  try {
    const pools = h.twin.store.list(findType('machineconfiguration.openshift.io', 'machineconfigpools')!);
    const estimate: EstimateRecord = estimateDuration({
      variantId: c.variant,
      nodeCount: h.twin.scenario.nodes.length,
      pools: pools as never,
      maxParallelReboots: 0,
      rebootTimeoutMs: 20 * 60_000,
      maxUnavailable: c.maxUnavailable,
      known: twinTimings(h.twin.scenario, c.variant),
    });
    const start = performance.now();
    const run = await h.run(
      {
        'artifact-name': 'bench-estimate',
        'wait-timeout': '24h',
        'reboot-timeout': '20m',
        ...(c.maxUnavailable ? { 'max-unavailable': c.maxUnavailable } : {}),
      },
      { timeoutMs: 3_600_000 },
    );
    const wallMs = performance.now() - start;
    // To see why a part misses: the action's log of every case (ESTIMATE_LOG_DIR=dir).
    const logDir = process.env.ESTIMATE_LOG_DIR;
    if (logDir)
      writeFileSync(join(logDir, `${c.variant}-${c.nodes}-${c.maxUnavailable ?? 'unset'}.log`), run.stdout);
    const report = JSON.parse(readFileSync(run.outputs['report-path'], 'utf8')) as { phases: PhaseRecord[] };
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
      basis: estimate.parts.map((p) => `${p.what}: ${p.basis}`),
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
