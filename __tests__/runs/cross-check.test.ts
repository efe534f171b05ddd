// The checkpoint cross-check asks each completed step again (its own isDone on the live cluster). A
// step that a later step undoes is not asked: once that later step completed, and also when the earlier
// run stopped inside it — a cancel between unpausing the master pool and the worker pool (seen in the
// cancel-at-every-await-point test on 4.6) left pause-pools neither done nor undone, and the re-run was
// refused as if the checkpoint lied. A checkpoint that claims a step the cluster does not show, with no
// later step to explain it, is still refused.
import { describe, expect, it } from 'vitest';
import { crossCheck } from '../../src/runs/cross-check.ts';
import type { Step, StepContext, Variant } from '../../src/procedure/types.ts';

function step(id: string, done: boolean, extra: Partial<Step> = {}): Step {
  return {
    id,
    title: id,
    plan: () => [`${id} applied`],
    isDone: async () => done,
    apply: async () => {},
    ...extra,
  };
}

function variant(steps: Step[]): Variant {
  return {
    id: 'T',
    title: 'test',
    minors: [5, 16],
    from: 'OpenShiftSDN',
    to: 'OVNKubernetes',
    phases: [{ id: 'p', title: 'p', steps }],
    verifyPhase: 'p',
    cleanupPhase: 'none',
  };
}

const ctx = {} as StepContext;

describe('crossCheck', () => {
  // The cluster: the backup and switch done, the pools neither all paused nor all unpaused.
  const steps = () => [
    step('backup', true),
    step('pause-pools', false),
    step('switch', true),
    step('unpause-pools', false, { reverts: 'pause-pools' }),
    step('wait', false, { confirmable: false }),
  ];

  it('does not ask a step that the step the earlier run stopped in may have half undone', async () => {
    expect(await crossCheck(variant(steps()), ctx, ['backup', 'pause-pools', 'switch'])).toEqual([]);
  });

  it('does not ask a step that a completed later step undid', async () => {
    const all = steps().map((s) => (s.id === 'unpause-pools' ? { ...s, isDone: async () => true } : s));
    const completed = ['backup', 'pause-pools', 'switch', 'unpause-pools'];
    expect(await crossCheck(variant(all), ctx, completed)).toEqual([]);
  });

  it('still refuses a step the cluster does not show when nothing later explains it', async () => {
    const found = await crossCheck(variant(steps()), ctx, ['backup', 'pause-pools']);
    expect(found).toHaveLength(1);
    expect(found[0]).toContain(
      'pause-pools ("pause-pools") is recorded as done, but the cluster does not show it',
    );
  });
});
