// The rollback's own inputs and MTU rule: vxlan-port (never Geneve's 6081, never a port the cluster
// uses, 4789 allowed), on-failure (stop or rollback), and the VXLAN overhead of 50 for the mtu.
import { describe, expect, it } from 'vitest';
import { mtuCheck } from '../src/checks/preflight/mtu.ts';
import { InputError } from '../src/inputs/input-error.ts';
import { onFailure, vxlanPort } from '../src/inputs/rollback-inputs.ts';
import { rollbackB } from '../src/procedure/rollback-b.ts';
import { selectRollback } from '../src/procedure/rollback-select.ts';
import { fakeFacts, networkConfig } from './checks/preflight-fakes.ts';

const reject = (f: () => unknown): InputError => {
  try {
    f();
  } catch (err) {
    expect(err).toBeInstanceOf(InputError);
    return err as InputError;
  }
  throw new Error('not rejected');
};

describe('vxlan-port', () => {
  it('accepts empty (the original comes back), 4789 and a free port', () => {
    expect(vxlanPort('')).toEqual({});
    expect(vxlanPort('4789')).toEqual({ vxlanPort: 4789 });
    expect(vxlanPort('4790')).toEqual({ vxlanPort: 4790 });
  });

  it('refuses the Geneve port, reserved ports and non-ports, naming why', () => {
    expect(reject(() => vxlanPort('6081')).message).toMatch(
      /6081 is the Geneve port of OVN-Kubernetes.*Accepted: /,
    );
    expect(reject(() => vxlanPort('6443')).message).toMatch(/6443 is the Kubernetes API server port/);
    expect(reject(() => vxlanPort('30080')).message).toMatch(/node port range/);
    for (const bad of ['0', '65536', '47x', '-1'])
      expect(reject(() => vxlanPort(bad)).input).toBe('vxlan-port');
  });
});

describe('on-failure', () => {
  it('is stop by default, rollback when asked, and refuses anything else', () => {
    expect(onFailure('')).toEqual({});
    expect(onFailure('stop')).toEqual({});
    expect(onFailure('rollback')).toEqual({ onFailure: 'rollback' });
    expect(reject(() => onFailure('Rollback')).message).toMatch(/stop .* or rollback/);
  });
});

describe('mtu on a rollback: the VXLAN overhead (50)', () => {
  const v4 = networkConfig(['10.128.0.0/14'], ['172.30.0.0/16']);
  const probes = [
    { name: 'master-0', mtu: 1500, iface: 'ens3' },
    { name: 'worker-0', mtu: 1500, iface: 'ens3' },
  ];
  it('accepts up to the smallest node MTU − 50 and refuses above, naming the limit', async () => {
    const ok = await mtuCheck.run(
      fakeFacts({ config: v4, probes, variant: rollbackB, settings: { mtu: 1450 } }),
    );
    expect(ok).toMatchObject({ ok: true, detail: expect.stringMatching(/^mtu 1450 ≤ 1450/) });
    const bad = await mtuCheck.run(
      fakeFacts({ config: v4, probes, variant: rollbackB, settings: { mtu: 1451 } }),
    );
    expect(bad.ok).toBe(false);
    expect(bad.detail).toMatch(/above the smallest node MTU minus 50 \(1500 − 50 = 1450 on master-0\)/);
    const title = mtuCheck.title as (f: unknown) => string;
    expect(title(fakeFacts({ variant: rollbackB }))).toBe(
      'Overlay MTU fits the node MTU minus the VXLAN overhead (50)',
    );
    // The migration keeps Geneve's 100.
    const forward = await mtuCheck.run(fakeFacts({ config: v4, probes, settings: { mtu: 1450 } }));
    expect(forward.ok).toBe(false);
  });
});

describe('which rollback', () => {
  it('A before 4.8, B up to 4.16, the short undo when the network type never switched, none on 4.17+', () => {
    expect(selectRollback('4.6.21', true).id).toBe('A-rollback');
    expect(selectRollback('4.7.0', false).id).toBe('A-undo');
    expect(selectRollback('4.14.12', true).id).toBe('B-rollback');
    expect(selectRollback('4.16.3', false).id).toBe('B-undo');
    expect(() => selectRollback('4.17.0', true)).toThrow(
      /no OpenShift SDN \(removed in 4\.17\).*no change was made/,
    );
  });
});
