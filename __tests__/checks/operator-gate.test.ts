// The ClusterOperator gate: three consecutive healthy passes, the interval between them taken from the
// settings; before the first change an unhealthy or flapping operator fails at once, in verification
// an unhealthy pass starts the streak over until the bound.
import { describe, expect, it } from 'vitest';
import type { KObject } from '../../src/cluster/types.ts';
import { HEALTHY_PASSES, operatorGate } from '../../src/checks/operator-gate.ts';
import { operatorsHealthyCheck } from '../../src/checks/preflight/operators-healthy.ts';
import type { StepContext } from '../../src/procedure/types.ts';
import type { MemoryLogger } from '../../src/util/log.ts';
import { fakeFacts, SETTINGS } from './preflight-fakes.ts';

function co(name: string, state: 'ok' | 'progressing' | 'degraded' = 'ok'): KObject {
  const cond = (type: string, status: boolean) => ({ type, status: status ? 'True' : 'False', message: '' });
  return {
    apiVersion: 'config.openshift.io/v1',
    kind: 'ClusterOperator',
    metadata: { name },
    status: {
      conditions: [
        cond('Available', true),
        cond('Progressing', state === 'progressing'),
        cond('Degraded', state === 'degraded'),
      ],
    },
  };
}

/** A context whose cluster answers each ClusterOperator list with the next of `passes` (the last repeats). */
function sequence(passes: KObject[][], intervalMs = 5) {
  const at: number[] = [];
  const ctx = fakeFacts({ settings: { ...SETTINGS, operatorsStableIntervalMs: intervalMs } }).ctx;
  (ctx as { cluster: unknown }).cluster = {
    list: async () => {
      at.push(performance.now());
      return { items: passes[Math.min(at.length - 1, passes.length - 1)] };
    },
  };
  return { ctx: ctx as StepContext, at };
}

const healthy = [co('dns'), co('etcd'), co('network')];
const flapping = [co('dns'), co('etcd', 'progressing'), co('network')];

describe('operatorGate', () => {
  it('passes after three consecutive healthy passes, spaced by the interval', async () => {
    const { ctx, at } = sequence([healthy], 40);
    const gate = await operatorGate(ctx, { settle: false });
    expect(HEALTHY_PASSES).toBe(3);
    expect(gate).toMatchObject({ ok: true, streak: 3, operators: 3, unhealthy: [] });
    expect(gate.detail).toBe('3 ClusterOperators healthy in 3 consecutive passes 0.04s apart');
    expect(at).toHaveLength(3);
    for (let i = 1; i < at.length; i++) expect(at[i] - at[i - 1]).toBeGreaterThanOrEqual(35);
  });

  it('before the first change: an operator that flaps at the second pass fails the gate at once', async () => {
    const { ctx, at } = sequence([healthy, flapping, healthy]);
    const gate = await operatorGate(ctx, { settle: false });
    expect(gate.ok).toBe(false);
    expect(at).toHaveLength(2);
    expect(gate.detail).toMatch(
      /^healthy in 1 pass\(es\), then 1 not healthy at pass 2 — the operators are not stable/,
    );
    expect(gate.unhealthy[0]).toMatch(/^etcd: .*Progressing=True/);
  });

  it('in verification: an unhealthy pass starts the streak over; three healthy in a row after it pass', async () => {
    const { ctx, at } = sequence([healthy, healthy, flapping, healthy, healthy, healthy]);
    const gate = await operatorGate(ctx, { settle: true, timeoutMs: 10_000 });
    expect(gate).toMatchObject({ ok: true, streak: 3 });
    expect(at).toHaveLength(6);
    // Each pass's line carries the elapsed time and the bound; the streak that starts over says why.
    expect((ctx.log as MemoryLogger).messages('info')).toEqual([
      expect.stringMatching(/^\[[\d.]+s \/ 10s\] ClusterOperators pass 1: all 3 healthy; 1\/3 consecutive/),
      expect.stringMatching(/^\[[\d.]+s \/ 10s\] ClusterOperators pass 2: all 3 healthy; 2\/3 consecutive/),
      expect.stringMatching(
        /^\[[\d.]+s \/ 10s\] ClusterOperators pass 3: 1 not healthy \(etcd: .*\); 0\/3 consecutive/,
      ),
      expect.stringMatching(/^\[[\d.]+s \/ 10s\] ClusterOperators pass 4: all 3 healthy; 1\/3 consecutive/),
      expect.stringMatching(/^\[[\d.]+s \/ 10s\] ClusterOperators pass 5: all 3 healthy; 2\/3 consecutive/),
    ]);
  });

  it('in verification: still unhealthy at the bound fails, naming the operators', async () => {
    const { ctx } = sequence([flapping], 20);
    const gate = await operatorGate(ctx, { settle: true, timeoutMs: 70 });
    expect(gate.ok).toBe(false);
    expect(gate.detail).toMatch(
      /^1 not healthy after \d+ pass\(es\) \(3 consecutive passes 0\.02s apart are required\)$/,
    );
    expect(gate.unhealthy[0]).toMatch(/^etcd: /);
  });
});

describe('the preflight check', () => {
  it('refuses a flapping cluster with the operators named, and passes a stable one', async () => {
    const flap = sequence([healthy, healthy, flapping]);
    const f = fakeFacts();
    const bad = await operatorsHealthyCheck.run({ ...f, ctx: flap.ctx });
    expect(bad.ok).toBe(false);
    expect(bad.detail).toMatch(
      /^ClusterOperator\(s\) healthy in 2 pass\(es\), then 1 not healthy at pass 3 .*fix them/,
    );
    expect(bad.items?.[0]).toMatch(/^etcd: /);
    const good = await operatorsHealthyCheck.run({ ...f, ctx: sequence([healthy]).ctx });
    expect(good).toEqual({
      ok: true,
      detail: '3 ClusterOperators healthy in 3 consecutive passes 0.01s apart',
    });
  });
});
