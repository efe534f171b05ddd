// The engine and a cancel: a signal that aborts while a step's isDone() is reading the cluster must
// stop the run before that step's apply(), and steps only ever see the cancel-gated cluster handle.
import { describe, expect, it } from 'vitest';
import type { Cluster } from '../../src/cluster/client.ts';
import { runVariant, StepFailure } from '../../src/procedure/engine.ts';
import type { Step, StepContext, Variant } from '../../src/procedure/types.ts';
import { RunReport } from '../../src/report/model.ts';
import { isAbortError } from '../../src/util/abort.ts';
import { MemoryLogger } from '../../src/util/log.ts';

/** A stand-in for the Cluster: records which handle a step was given. */
function fakeCluster() {
  const gatedWith: AbortSignal[] = [];
  const gated = { name: 'gated' } as unknown as Cluster;
  const raw = {
    name: 'raw',
    withCancelGate(signal: AbortSignal) {
      gatedWith.push(signal);
      return gated;
    },
  } as unknown as Cluster;
  return { raw, gated, gatedWith };
}

function context(cluster: Cluster, signal: AbortSignal): StepContext {
  return {
    cluster,
    settings: { cleanup: true } as StepContext['settings'],
    log: new MemoryLogger(),
    report: new RunReport('https://127.0.0.1:6443'),
    target: 'OVNKubernetes',
    memory: {},
    nodes: () => Promise.reject(new Error('no nodes in this test')),
    saveProgress: async () => {},
    backupDir: '/nonexistent',
    signal,
  };
}

function variantOf(steps: Step[]): Variant {
  return {
    id: 'T',
    title: 'test',
    minors: [0, 99],
    from: 'OpenShiftSDN',
    to: 'OVNKubernetes',
    phases: [{ id: 'switch', title: 'Switch the default network', steps }],
    verifyPhase: 'verify',
    cleanupPhase: 'cleanup',
  };
}

describe('runVariant and a cancel', () => {
  it('does not apply a step when the signal aborted while its isDone() was running', async () => {
    const cancel = new AbortController();
    const { raw } = fakeCluster();
    const applied: string[] = [];
    const done: string[] = [];
    const step: Step = {
      id: 'network-type',
      title: 'Set spec.networkType',
      plan: () => [],
      isDone: async () => {
        // SIGINT arrives while the GET of isDone is in flight.
        await new Promise((r) => setTimeout(r, 5));
        cancel.abort(new Error('cancelled (SIGINT)'));
        return false;
      },
      apply: async () => {
        applied.push('network-type');
      },
    };
    const ctx = context(raw, cancel.signal);
    const err = await runVariant(variantOf([step]), ctx, {
      onStepDone: (_p, id) => void done.push(id),
    }).catch((e: unknown) => e);
    expect(applied).toEqual([]);
    expect(done).toEqual([]);
    expect(err).toBeInstanceOf(StepFailure);
    expect((err as StepFailure).stepId).toBe('network-type');
    expect(isAbortError((err as StepFailure).cause)).toBe(true);
    expect(ctx.report.phases[0]).toMatchObject({ id: 'switch', outcome: 'cancelled' });
  });

  it('gives every step the cluster behind the run signal’s cancel gate', async () => {
    const cancel = new AbortController();
    const { raw, gated, gatedWith } = fakeCluster();
    const seen: Cluster[] = [];
    const step = (id: string): Step => ({
      id,
      title: id,
      plan: () => [],
      isDone: async (c) => {
        seen.push(c.cluster);
        return false;
      },
      apply: async (c) => {
        seen.push(c.cluster);
      },
    });
    await runVariant(variantOf([step('a'), step('b')]), context(raw, cancel.signal));
    expect(gatedWith).toEqual([cancel.signal]);
    expect(seen).toHaveLength(4);
    expect(seen.every((c) => c === gated)).toBe(true);
  });
});
