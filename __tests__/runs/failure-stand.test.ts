// Where the cluster stands after a run that did not finish: one of a fixed set of states, read from
// the live network objects and the checkpoint (the summary and report.json name the same value).
import { describe, expect, it } from 'vitest';
import { standOf } from '../../src/runs/failure.ts';
import type { NetworkFacts } from '../../src/runs/network-now.ts';
import type { Session } from '../../src/runs/session.ts';

const facts = (f: Partial<NetworkFacts> = {}): NetworkFacts => ({ annotated: false, pausedPools: [], ...f });

function session(done: string[] = []): Pick<Session, 'variant' | 'checkpoint' | 'report'> {
  return {
    variant: { to: 'OVNKubernetes', from: 'OpenShiftSDN' },
    checkpoint: { completed: (id: string) => done.includes(id) },
  } as unknown as Pick<Session, 'variant' | 'checkpoint' | 'report'>;
}

describe('standOf', () => {
  it.each([
    ['nothing changed', facts({ specType: 'OpenShiftSDN' }), [], 'untouched'],
    ['spec.migration set', facts({ specType: 'OpenShiftSDN', migration: 'OVNKubernetes' }), [], 'prepared'],
    [
      'annotated, pools paused (procedure A)',
      facts({ specType: 'OpenShiftSDN', annotated: true, pausedPools: ['worker'] }),
      [],
      'prepared',
    ],
    [
      'switched, reboot not done',
      facts({ specType: 'OVNKubernetes' }),
      ['network-type'],
      'switched-not-rebooted',
    ],
    [
      'rebooted, not verified',
      facts({ specType: 'OVNKubernetes' }),
      ['reboot-nodes'],
      'rebooted-not-verified',
    ],
    [
      'verified, cleanup pending',
      facts({ specType: 'OVNKubernetes' }),
      ['reboot-nodes', 'verify'],
      'verified-cleanup-pending',
    ],
  ] as const)('%s → %s', (_name, f, done, stand) => {
    expect(standOf(f, session([...done]))).toBe(stand);
  });

  it('the network objects could not be read: unknown', () => {
    expect(standOf(new Error('connect ECONNREFUSED'), session())).toBe('unknown');
  });
});
