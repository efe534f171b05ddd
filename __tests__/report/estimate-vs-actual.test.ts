// The report carries the estimate beside the run's actual duration per part: compareWithActual sums the
// phases each part covers, and the summary's estimate table shows an Actual column once there is one.
import { describe, expect, it } from 'vitest';
import { compareWithActual, estimateDuration } from '../../src/checks/estimate.ts';
import { renderSummary } from '../../src/report/markdown.ts';
import { RunReport } from '../../src/report/model.ts';

const MIN = 60_000;
const pool = (name: string, machines: number) => ({
  apiVersion: 'machineconfiguration.openshift.io/v1',
  kind: 'MachineConfigPool',
  metadata: { name },
  spec: { maxUnavailable: 1 },
  status: { machineCount: machines },
});

describe('estimate vs actual in the report', () => {
  it('the plan shows no Actual column; a finished run shows each part beside what it took', () => {
    const r = new RunReport('https://api.example:6443');
    r.estimate = estimateDuration({
      variantId: 'B',
      nodeCount: 5,
      pools: [pool('master', 3), pool('worker', 2)],
      maxParallelReboots: 0,
      rebootTimeoutMs: 20 * MIN,
    });
    r.result = 'planned';
    expect(renderSummary(r)).toContain('| Part | Estimate | Basis |');
    r.result = 'migrated';
    const at = '2026-11-27T10:00:00Z';
    r.phases.push(
      { id: 'prepare', title: 'p', startedAt: at, durationMs: 44 * MIN, outcome: 'ok' },
      { id: 'reboot', title: 'r', startedAt: at, durationMs: 12 * MIN, outcome: 'ok' },
      { id: 'cleanup', title: 'c', startedAt: at, outcome: 'skipped' },
    );
    r.estimateVsActual = compareWithActual(r.estimate, r.phases);
    expect(r.estimateVsActual.map((x) => [x.phase, x.estimateMs / MIN, x.actualMs])).toEqual([
      ['prepare', 45, 44 * MIN],
      ['reboot', 11, 12 * MIN], // a round: the minute shutdown waits + 10 min
      ['other', 10, undefined],
    ]);
    const md = renderSummary(r);
    expect(md).toContain('| Part | Estimate | Actual | Basis |');
    expect(md).toMatch(/\| Reboot every node over SSH \| [^|]+ \| 12[^|]* \|/);
    expect(md).toMatch(/\| Operator reactions, multus rollout, verification \| [^|]+ \| — \|/);
  });
});
