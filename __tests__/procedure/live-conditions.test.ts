// Reading a live migration: the five conditions, done / in progress / failed, the progress line, the
// condition timeline and why a stalled migration stalled; and where the cluster offers it (FeatureGate).
import { describe, expect, it } from 'vitest';
import type { KObject } from '../../src/cluster/types.ts';
import {
  conditionsLine,
  LIVE_ANNOTATION,
  liveDone,
  liveFailure,
  liveInProgress,
  operatorLine,
  poolsLine,
  progressKey,
} from '../../src/procedure/live-conditions.ts';
import { recordConditions, stallReason } from '../../src/procedure/live-follow.ts';
import { liveGate, liveSupport } from '../../src/procedure/live-support.ts';
import type { StepContext } from '../../src/procedure/types.ts';
import { RunReport } from '../../src/report/model.ts';
import { MemoryLogger } from '../../src/util/log.ts';

const T = '2026-11-27T12:03:10Z';
type Cond = [string, string, string?];

function config(conds: Cond[], o: { annotated?: boolean; statusType?: string } = {}): KObject {
  return {
    apiVersion: 'config.openshift.io/v1',
    kind: 'Network',
    metadata: { name: 'cluster', ...(o.annotated ? { annotations: { [LIVE_ANNOTATION]: '' } } : {}) },
    spec: { networkType: 'OVNKubernetes' },
    status: {
      networkType: o.statusType ?? 'OpenShiftSDN',
      conditions: conds.map(([type, status, reason]) => ({
        type: `NetworkTypeMigration${type}`,
        status,
        ...(reason ? { reason } : {}),
        lastTransitionTime: T,
      })),
    },
  };
}

const DONE: Cond[] = [
  ['InProgress', 'False', 'NetworkTypeMigrationCompleted'],
  ['MTUReady', 'Unknown'],
  ['TargetCNIAvailable', 'Unknown'],
  ['TargetCNIInUse', 'Unknown'],
  ['OriginalCNIPurged', 'Unknown'],
];

function pool(name: string, updated: number, machines: number, paused = false): KObject {
  return {
    apiVersion: 'machineconfiguration.openshift.io/v1',
    kind: 'MachineConfigPool',
    metadata: { name },
    spec: { paused },
    status: { machineCount: machines, updatedMachineCount: updated },
  };
}

function co(conds: [string, string, string?, string?][]): KObject {
  return {
    apiVersion: 'config.openshift.io/v1',
    kind: 'ClusterOperator',
    metadata: { name: 'network' },
    status: {
      conditions: conds.map(([type, status, reason, message]) => ({ type, status, reason, message })),
    },
  };
}

describe('live migration conditions', () => {
  it('done only when InProgress is False/Completed, the other four Unknown and status.networkType is the target', () => {
    expect(liveDone(config(DONE, { statusType: 'OVNKubernetes' }), 'OVNKubernetes')).toBe(true);
    // the network type has not switched yet (e.g. the conditions an earlier migration left)
    expect(liveDone(config(DONE, { statusType: 'OpenShiftSDN' }), 'OVNKubernetes')).toBe(false);
    const mtuStillTrue = DONE.map((c): Cond => (c[0] === 'MTUReady' ? ['MTUReady', 'True'] : c));
    expect(liveDone(config(mtuStillTrue, { statusType: 'OVNKubernetes' }), 'OVNKubernetes')).toBe(false);
    const otherReason = DONE.map((c): Cond => (c[0] === 'InProgress' ? ['InProgress', 'False', 'Other'] : c));
    expect(liveDone(config(otherReason, { statusType: 'OVNKubernetes' }), 'OVNKubernetes')).toBe(false);
    expect(liveDone(config([], { statusType: 'OVNKubernetes' }), 'OVNKubernetes')).toBe(false);
  });

  it('in progress: the annotation, or InProgress True', () => {
    expect(liveInProgress(config([], { annotated: true }))).toBe(true);
    expect(liveInProgress(config([['InProgress', 'True']]))).toBe(true);
    expect(liveInProgress(config(DONE))).toBe(false);
  });

  it('failure is co/network Degraded with NetworkTypeMigrationFailed or InvalidClusterConfig, with the message', () => {
    expect(liveFailure(co([['Degraded', 'True', 'NetworkTypeMigrationFailed', 'boom']]))).toBe(
      'co/network Degraded (NetworkTypeMigrationFailed): boom',
    );
    expect(liveFailure(co([['Degraded', 'True', 'InvalidClusterConfig', 'egress router pods']]))).toContain(
      'InvalidClusterConfig',
    );
    expect(liveFailure(co([['Degraded', 'True', 'SomethingElse', 'x']]))).toBeUndefined();
    expect(liveFailure(co([['Degraded', 'False', 'InvalidClusterConfig']]))).toBeUndefined();
    // cluster text cannot start a line of its own
    expect(liveFailure(co([['Degraded', 'True', 'InvalidClusterConfig', 'a\n::error::x']]))).not.toContain(
      '\n',
    );
  });

  it('the progress line: five conditions with their transition times, pools, co/network', () => {
    const c = config([
      ['InProgress', 'True'],
      ['MTUReady', 'True'],
    ]);
    expect(conditionsLine(c)).toBe(
      'InProgress True (12:03:10); MTUReady True (12:03:10); TargetCNIAvailable absent; TargetCNIInUse absent; OriginalCNIPurged absent',
    );
    expect(poolsLine([pool('master', 2, 3), pool('worker', 1, 3, true)])).toBe(
      'pools master 2/3, worker 1/3 (paused) updated',
    );
    expect(operatorLine(co([['Progressing', 'True']]))).toBe('co/network Progressing');
    expect(operatorLine(co([['Available', 'True']]))).toBe('co/network Available');
  });

  it('progress is any change of a condition, a pool count or co/network', () => {
    const a = progressKey(config([['InProgress', 'True']]), [pool('worker', 1, 3)], co([]));
    expect(progressKey(config([['InProgress', 'True']]), [pool('worker', 1, 3)], co([]))).toBe(a);
    expect(progressKey(config([['InProgress', 'True']]), [pool('worker', 2, 3)], co([]))).not.toBe(a);
    expect(
      progressKey(
        config([
          ['InProgress', 'True'],
          ['MTUReady', 'True'],
        ]),
        [pool('worker', 1, 3)],
        co([]),
      ),
    ).not.toBe(a);
  });
});

describe('condition timeline and stalls', () => {
  const ctx = () =>
    ({ report: new RunReport('https://127.0.0.1:6443'), log: new MemoryLogger() }) as unknown as StepContext;

  it('records each change once, in the order seen, with its transition time', () => {
    const c = ctx();
    recordConditions(c, config([['InProgress', 'True']]));
    recordConditions(c, config([['InProgress', 'True']]));
    recordConditions(
      c,
      config([
        ['InProgress', 'True'],
        ['MTUReady', 'True'],
      ]),
    );
    recordConditions(c, config(DONE, { statusType: 'OVNKubernetes' }));
    const rows = c.report.liveConditions!.map((r) => `${r.condition} ${r.status}`);
    expect(rows).toEqual([
      'InProgress True',
      'MTUReady True',
      'InProgress False',
      'MTUReady Unknown',
      'TargetCNIAvailable Unknown',
      'TargetCNIInUse Unknown',
      'OriginalCNIPurged Unknown',
    ]);
    expect(c.report.liveConditions![0].transitionAt).toBe(T);
  });

  it('a stall names the paused pool and how to unpause it', () => {
    const why = stallReason(
      { config: config([['InProgress', 'True']]), pools: [pool('master', 3, 3), pool('worker', 1, 3, true)] },
      60_000,
    );
    expect(why).toContain('no progress for 1m');
    expect(why).toContain('pool worker is paused (1/3 updated)');
    expect(why).toContain('oc patch mcp worker');
  });

  it('a stall without a paused pool names the pool that stopped', () => {
    const why = stallReason(
      { config: config([['InProgress', 'True']]), pools: [pool('infra', 0, 2)] },
      60_000,
    );
    expect(why).toContain('pool infra stalled at 0/2 updated');
  });
});

describe('live support', () => {
  const gate = (enabled: string[], disabled: string[] = [], version = '4.16.20'): KObject => ({
    apiVersion: 'config.openshift.io/v1',
    kind: 'FeatureGate',
    metadata: { name: 'cluster' },
    status: {
      featureGates: [
        { version, enabled: enabled.map((name) => ({ name })), disabled: disabled.map((name) => ({ name })) },
      ],
    },
  });

  it('reads the NetworkLiveMigration gate for the running version', () => {
    expect(liveGate(gate(['NetworkLiveMigration']), '4.16.20')).toBe('enabled');
    expect(liveGate(gate([], ['NetworkLiveMigration']), '4.16.20')).toBe('disabled');
    expect(liveGate(gate(['Other']), '4.16.20')).toBeUndefined();
    expect(liveGate(undefined, '4.16.20')).toBeUndefined();
  });

  it('the gate decides where it speaks; else OpenShift 4.15–4.16', () => {
    expect(liveSupport(gate(['NetworkLiveMigration']), '4.16.20')).toEqual({
      supported: true,
      why: '4.16.20 supports it (FeatureGate cluster: NetworkLiveMigration enabled)',
    });
    expect(liveSupport(gate([], ['NetworkLiveMigration'], '4.15.3'), '4.15.3').supported).toBe(false);
    expect(liveSupport(undefined, '4.15.3').supported).toBe(true);
    expect(liveSupport(undefined, '4.16.0').why).toBe('4.16.0 supports it (OpenShift 4.15–4.16)');
    expect(liveSupport(undefined, '4.14.12')).toEqual({
      supported: false,
      why: '4.14.12 does not offer it (limited live migration is OpenShift 4.15–4.16 only)',
    });
  });
});
