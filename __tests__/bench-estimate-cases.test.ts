// The estimate bench's cases (scripts/bench/estimate-section.ts) and the twin figures it gives a
// rollback's estimate (scripts/bench/estimate-rollback.ts). Nothing is timed here: the bench measures.
import { describe, expect, it } from 'vitest';
import { casesOf, caseLabel, type SectionOptions } from '../scripts/bench/estimate-section.ts';
import { accuracyScenario, twinTimings } from '../scripts/bench/estimate-accuracy.ts';
import { rollbackTimings } from '../scripts/bench/estimate-rollback.ts';
import { normalizeScenario } from './twin/scenario.ts';

const options = (o: Partial<SectionOptions> = {}): SectionOptions => ({
  sizes: [],
  msPerSecond: 25,
  procedures: ['A', 'B', 'C'],
  rollbacks: 'all',
  rows: [],
  log: () => {},
  ...o,
});

describe('estimate bench cases', () => {
  it('at a small size: every procedure unset and 20%, then the rollbacks of A and B, labelled as rollbacks', () => {
    expect(casesOf(6, options()).map(caseLabel)).toEqual([
      'A 6 nodes, max-unavailable unset',
      'A 6 nodes, max-unavailable 20%',
      'B 6 nodes, max-unavailable unset',
      'B 6 nodes, max-unavailable 20%',
      'C 6 nodes, max-unavailable unset',
      'C 6 nodes, max-unavailable 20%',
      'A-rollback 6 nodes, max-unavailable unset',
      'A-rollback 6 nodes, max-unavailable 20%',
      'B-rollback 6 nodes, max-unavailable unset',
      'B-rollback 6 nodes, max-unavailable 20%',
    ]);
    expect(casesOf(6, options({ procedures: ['B'], rollbacks: 'one' })).map(caseLabel)).toEqual([
      'B 6 nodes, max-unavailable unset',
      'B 6 nodes, max-unavailable 20%',
      'B-rollback 6 nodes, max-unavailable 20%',
    ]);
  });

  it('at 203 nodes: B unset and 20%, A and live 20% only, no rollback; the label names the workers', () => {
    expect(casesOf(203, options()).map(caseLabel)).toEqual([
      'A 203 nodes (200 workers), max-unavailable 20%',
      'B 203 nodes (200 workers), max-unavailable unset',
      'B 203 nodes (200 workers), max-unavailable 20%',
      'C 203 nodes (200 workers), max-unavailable 20%',
    ]);
  });
});

describe('the twin figures of a rollback estimate', () => {
  const scenario = (nodes: number, variant: 'A' | 'B') =>
    normalizeScenario(accuracyScenario({ nodes, variant, msPerSecond: 25, rollback: true }));

  it("B-rollback's reboot phase ends with multus when its rollout outlasts the nodes' return", () => {
    const small = scenario(6, 'B');
    // 6 pods × 5 s are done before the reboot: the nodes' return, as for the migration.
    expect(rollbackTimings(small, 'B', undefined, twinTimings(small, 'B')).rebootMs).toEqual(
      twinTimings(small, 'B').rebootMs,
    );
    const large = scenario(50, 'B');
    // 50 pods × 5 s + 60 s stalled while the nodes are down, from the command; less its minute's wait.
    expect(rollbackTimings(large, 'B', undefined, twinTimings(large, 'B')).rebootMs!.ms).toBe(250_000);
    // A waits for multus before the reboot (its switch phase): in "other", not in the reboot.
    expect(rollbackTimings(large, 'A', undefined, twinTimings(large, 'A')).rebootMs).toEqual(
      twinTimings(large, 'A').rebootMs,
    );
  });

  it("counts the operators' settling after the last control-plane node only when the masters finish last", () => {
    const other = (nodes: number, mu?: string) => {
      const sc = scenario(nodes, 'B');
      return rollbackTimings(sc, 'B', mu, twinTimings(sc, 'B')).overheadMs!.ms / 1000;
    };
    // 3 masters and 3 workers, one at a time: the last master ends the update; kube-apiserver settles
    // 120 + 10 + 40 + 30 s later; then half a pass interval and two more passes; + 2 s operator
    // reaction and 10 s namespace Terminating.
    expect(other(6)).toBe(2 + 200 + 15 + 60 + 10);
    // 47 workers one at a time: the masters were done long before; the workers' operators settle 150 s after.
    expect(other(50)).toBe(2 + 150 + 15 + 60 + 10);
    // The offline rollback does not apply max-unavailable: the same as unset.
    expect(other(50, '20%')).toBe(other(50));
  });
});
