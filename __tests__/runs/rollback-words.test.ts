// A rollback that stops is described in a rollback's words: its stand (STANDS in rollback wording),
// the network sentence (what continues is the rollback), and a rollback that started before the
// network type switched (undo) is never said to have the pod network down.
import { describe, expect, it } from 'vitest';
import { standWords } from '../../src/report/rollback-stands.ts';
import { STANDS } from '../../src/report/model.ts';
import { standOf } from '../../src/runs/failure.ts';
import { describeNetwork, type NetworkFacts } from '../../src/runs/network-now.ts';
import type { Session } from '../../src/runs/session.ts';

const facts = (f: Partial<NetworkFacts> = {}): NetworkFacts => ({ annotated: false, pausedPools: [], ...f });

function session(from: string, done: string[] = []): Pick<Session, 'variant' | 'checkpoint' | 'report'> {
  return {
    variant: { to: 'OpenShiftSDN', from },
    checkpoint: { completed: (id: string) => done.includes(id) },
  } as unknown as Pick<Session, 'variant' | 'checkpoint' | 'report'>;
}

describe('standOf, rollbacks', () => {
  it.each([
    [
      'rollback started',
      'OVNKubernetes',
      facts({ specType: 'OVNKubernetes', migration: 'OpenShiftSDN' }),
      [],
      'prepared',
    ],
    [
      'rollback switched, not rebooted',
      'OVNKubernetes',
      facts({ specType: 'OpenShiftSDN' }),
      ['network-type'],
      'switched-not-rebooted',
    ],
    [
      'undo: the migration trigger still set',
      'OpenShiftSDN',
      facts({ specType: 'OpenShiftSDN', migration: 'OVNKubernetes' }),
      [],
      'prepared',
    ],
    [
      'undo: A annotation still set',
      'OpenShiftSDN',
      facts({ specType: 'OpenShiftSDN', annotated: true }),
      [],
      'prepared',
    ],
    [
      'undo: trigger cleared, MCO rolling back',
      'OpenShiftSDN',
      facts({ specType: 'OpenShiftSDN', pausedPools: ['worker'] }),
      ['clear-migration'],
      'rebooted-not-verified',
    ],
    [
      'undo: verified',
      'OpenShiftSDN',
      facts({ specType: 'OpenShiftSDN' }),
      ['clear-migration', 'verify'],
      'verified-cleanup-pending',
    ],
  ] as const)('%s → %s', (_name, from, f, done, stand) => {
    expect(standOf(f, session(from, [...done]))).toBe(stand);
  });
});

describe('standWords', () => {
  it("a rollback's words never speak of the migration continuing or of OVN-Kubernetes as the target", () => {
    for (const stand of Object.keys(STANDS) as (keyof typeof STANDS)[]) {
      const w = standWords(stand, true);
      expect(`${w.label} ${w.consequence}`).not.toMatch(
        /migration continues|runs OVN-Kubernetes|Migration prepared/,
      );
    }
    expect(standWords('switched-not-rebooted', true).label).toBe(
      'Switched back to OpenShift SDN, nodes not rebooted',
    );
    expect(standWords('switched-not-rebooted', false)).toBe(STANDS['switched-not-rebooted']);
  });
});

describe('describeNetwork, rollbacks', () => {
  it('switched back, not rebooted: down until the rollback continues', () => {
    expect(
      describeNetwork(
        facts({ specType: 'OpenShiftSDN', pausedPools: ['master'] }),
        'OpenShiftSDN',
        'OVNKubernetes',
        false,
        'rollback',
      ),
    ).toBe(
      'spec.networkType is already OpenShiftSDN: the pod network is down until the rollback continues (every node must still be rebooted onto OpenShiftSDN). Paused pools: master (MachineConfig updates held until the rollback continues).',
    );
  });
  it('started from OVN-Kubernetes: the rollback is started', () => {
    expect(
      describeNetwork(
        facts({ specType: 'OVNKubernetes', migration: 'OpenShiftSDN' }),
        'OpenShiftSDN',
        'OVNKubernetes',
        false,
        'rollback',
      ),
    ).toMatch(
      /^The cluster is still on OVNKubernetes and its pod network works, but the rollback is started \(spec\.migration asks for OpenShiftSDN/,
    );
  });
  it('undo (never switched): the pod network works; the trigger is named until it is cleared', () => {
    const pending = describeNetwork(
      facts({ specType: 'OpenShiftSDN', statusType: 'OpenShiftSDN', migration: 'OVNKubernetes' }),
      'OpenShiftSDN',
      'OpenShiftSDN',
      false,
      'rollback',
    );
    expect(pending).toMatch(
      /^The network type never switched: the cluster runs OpenShiftSDN and its pod network works\. spec\.migration still asks for OVNKubernetes/,
    );
    expect(pending).not.toMatch(/pod network is down/);
    const cleared = describeNetwork(
      facts({ specType: 'OpenShiftSDN' }),
      'OpenShiftSDN',
      'OpenShiftSDN',
      false,
      'rollback',
    );
    expect(cleared).toMatch(
      /trigger is cleared: the Machine Config Operator rolls the OpenShiftSDN host configuration back/,
    );
  });
});
