// Pools paused before the run: the change each holds back (spec vs status configuration, the
// MachineConfigs that differ), and the step that pauses them again after verification.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KObject } from '../../src/cluster/types.ts';
import { describePending, pendingChange, repausePools } from '../../src/procedure/paused-pools.ts';
import { variantA } from '../../src/procedure/variant-a.ts';
import { startTwin, type Twin } from '../twin/index.ts';
import { findType } from '../twin/resources.ts';
import { contextFor } from './support.ts';

const mc = (name: string) => ({
  apiVersion: 'machineconfiguration.openshift.io/v1',
  kind: 'MachineConfig',
  name,
});

function pool(spec: [string, string[]], status: [string, string[]]): KObject {
  return {
    apiVersion: 'machineconfiguration.openshift.io/v1',
    kind: 'MachineConfigPool',
    metadata: { name: 'worker' },
    spec: { paused: true, configuration: { name: spec[0], source: spec[1].map(mc) } },
    status: { configuration: { name: status[0], source: status[1].map(mc) } },
  };
}

describe('pendingChange', () => {
  it('names the spec and status rendered configs and the MachineConfigs added and removed', () => {
    const p = pool(
      ['rendered-worker-new', ['00-worker', '99-worker-chrony', '99-worker-kargs']],
      ['rendered-worker-old', ['00-worker', '50-worker-old']],
    );
    expect(pendingChange(p)).toEqual({
      pool: 'worker',
      specConfig: 'rendered-worker-new',
      statusConfig: 'rendered-worker-old',
      added: ['99-worker-chrony', '99-worker-kargs'],
      removed: ['50-worker-old'],
    });
    expect(describePending(pendingChange(p))).toBe(
      'MachineConfigPool.machineconfiguration.openshift.io/worker: paused, holding back spec rendered-worker-new vs status rendered-worker-old; MachineConfigs that differ: +99-worker-chrony, +99-worker-kargs, −50-worker-old — unpausing it for the migration rolls this out',
    );
  });

  it('says when a paused pool holds nothing back', () => {
    const p = pool(['rendered-worker-a', ['00-worker']], ['rendered-worker-a', ['00-worker']]);
    expect(describePending(pendingChange(p))).toBe(
      'MachineConfigPool.machineconfiguration.openshift.io/worker: paused, no change held back (spec and status both on rendered-worker-a)',
    );
  });
});

describe('repausePools against the twin', () => {
  let twin: Twin;
  beforeAll(async () => {
    twin = await startTwin({
      version: '4.6.21',
      nodes: [{ name: 'master-0' }, { name: 'worker-0' }],
      pools: [{ name: 'worker', paused: true }],
      podsPerNode: 1,
      timing: { msPerSecond: 1 },
    });
  });
  afterAll(async () => twin.stop());
  const pools = findType('machineconfiguration.openshift.io', 'machineconfigpools')!;
  const paused = (name: string) =>
    (twin.store.get(pools, undefined, name)!.spec as { paused?: boolean }).paused;

  it('is in procedure A right after verification, before cleanup', () => {
    expect(variantA.phases.map((p) => p.id).slice(-3)).toEqual(['verify', 'restore-pauses', 'cleanup']);
  });

  it('plans the paused pool with its pending change; pauses only it again, recording the change and a note', async () => {
    const t = contextFor(twin, { mode: 'plan' });
    try {
      const step = repausePools();
      const planned = await step.plan(t.ctx);
      expect(planned[0]).toMatch(
        /^MachineConfigPool\.machineconfiguration\.openshift\.io\/worker: paused, no change held back/,
      );
      expect(planned[1]).toBe(
        'MachineConfigPool.machineconfiguration.openshift.io/worker spec.paused = true (after verification)',
      );
      expect(planned).toHaveLength(2);

      // As procedure A leaves it: every pool unpaused, the original state in the run's memory.
      t.ctx.memory.poolsPausedBefore = { master: false, worker: true };
      const w = twin.store.get(pools, undefined, 'worker')!;
      twin.store.update({ ...w, spec: { ...(w.spec as object), paused: false } }, 'client:test');
      expect(await step.isDone(t.ctx)).toBe(false);
      await step.apply(t.ctx);
      expect(paused('worker')).toBe(true);
      expect(paused('master')).toBe(false);
      expect(await step.isDone(t.ctx)).toBe(true);
      expect(t.ctx.report.changes.map((c) => [c.object, c.field, c.from, c.to])).toEqual([
        ['MachineConfigPool.machineconfiguration.openshift.io/worker', 'spec.paused', false, true],
      ]);
      expect(t.ctx.report.warnings.join('\n')).toMatch(
        /MachineConfigPool\(s\) worker were paused before the run and are paused again/,
      );
    } finally {
      await t.close();
    }
  });

  it('without a record of the pools paused before (an older checkpoint) pauses nothing', async () => {
    const t = contextFor(twin);
    try {
      const w = twin.store.get(pools, undefined, 'worker')!;
      twin.store.update({ ...w, spec: { ...(w.spec as object), paused: false } }, 'client:test');
      expect(await repausePools().isDone(t.ctx)).toBe(true);
      await repausePools().apply(t.ctx);
      expect(paused('worker')).toBe(false);
      expect(t.ctx.report.changes).toEqual([]);
    } finally {
      await t.close();
    }
  });
});
