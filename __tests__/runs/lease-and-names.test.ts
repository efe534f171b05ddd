// Unit tests of the pieces the lease and the checkpoint checks are built from: which lease intervals
// apply, who holds a lease, which names may become file names, which paths stay in the work
// directory, and the "network now" sentence.
import { describe, expect, it } from 'vitest';
import { isSafeFileName, type Checkpoint, type LeaseRecord } from '../../src/procedure/checkpoint.ts';
import { leaseIntervals, leaseView } from '../../src/runs/lease.ts';
import { describeNetwork } from '../../src/runs/network-now.ts';
import { pathUnder } from '../../src/runs/paths.ts';

const me = { runId: '1', attempt: '1', runner: 'r1' };
const other = { runId: '2', attempt: '1', runner: 'r2', runUrl: 'https://github.com/o/r/actions/runs/2' };
const withLease = (lease: LeaseRecord | undefined) => ({ state: { lease } }) as unknown as Checkpoint;
const NOW = Date.parse('2026-01-01T00:10:00Z');

describe('leaseIntervals', () => {
  it('defaults to 30 s / 5 min without a record or with unreasonable values', () => {
    const d = { renewMs: 30_000, staleAfterMs: 300_000 };
    expect(leaseIntervals(undefined)).toEqual(d);
    expect(leaseIntervals({ renewSeconds: 0, staleAfterSeconds: 300 })).toEqual(d);
    expect(leaseIntervals({ renewSeconds: 10, staleAfterSeconds: 20 })).toEqual(d); // fewer than 3 renewals
    expect(leaseIntervals({ renewSeconds: 30, staleAfterSeconds: 7200 })).toEqual(d);
  });
  it("takes the record's own values", () => {
    expect(leaseIntervals({ renewSeconds: 1, staleAfterSeconds: 5 })).toEqual({
      renewMs: 1000,
      staleAfterMs: 5000,
    });
  });
});

describe('leaseView', () => {
  const rec = (holder: LeaseRecord['holder'], renewedAt: string): LeaseRecord => ({
    holder,
    renewedAt,
    renewSeconds: 30,
    staleAfterSeconds: 300,
  });
  it('free without a checkpoint, a lease, or a holder', () => {
    expect(leaseView(undefined, me, NOW).kind).toBe('free');
    expect(leaseView(withLease(undefined), me, NOW).kind).toBe('free');
    expect(leaseView(withLease(rec(null, '2026-01-01T00:09:59Z')), me, NOW).kind).toBe('free');
  });
  it('mine when run id, attempt and runner are this run', () => {
    expect(leaseView(withLease(rec({ ...me, actor: 'x' }, '2026-01-01T00:09:59Z')), me, NOW).kind).toBe(
      'mine',
    );
    expect(leaseView(withLease(rec({ ...me, attempt: '2' }, '2026-01-01T00:09:59Z')), me, NOW).kind).toBe(
      'held',
    );
  });
  it('held while renewed within staleAfterSeconds, stale after', () => {
    expect(leaseView(withLease(rec(other, '2026-01-01T00:05:01Z')), me, NOW)).toMatchObject({
      kind: 'held',
      holder: other,
      ageMs: 299_000,
    });
    expect(leaseView(withLease(rec(other, '2026-01-01T00:04:59Z')), me, NOW).kind).toBe('stale');
    expect(leaseView(withLease(rec(other, 'not a date')), me, NOW).kind).toBe('stale');
  });
});

describe('names and paths', () => {
  it('accepts plain file names only', () => {
    for (const ok of ['cluster-openshift-sdn.yaml', 'a_b.c-d', '.hidden'])
      expect(isSafeFileName(ok), ok).toBe(true);
    for (const bad of ['.', '..', '../x', 'a/b', 'a\\b', '', 'x y', 'é.yaml', '/etc/passwd'])
      expect(isSafeFileName(bad), bad).toBe(false);
  });
  it('pathUnder keeps every path strictly inside the base', () => {
    expect(pathUnder('/w/run', 'backup')).toBe('/w/run/backup');
    for (const bad of ['..', '.', '', '../x', '/etc', 'a/../../x'])
      expect(() => pathUnder('/w/run', bad), bad).toThrow(/outside \/w\/run/);
  });
});

describe('describeNetwork', () => {
  const base = { annotated: false, pausedPools: [] as string[] };
  it('switched but not rebooted: the pod network is down', () => {
    expect(
      describeNetwork(
        { ...base, specType: 'OVNKubernetes', statusType: 'OVNKubernetes' },
        'OVNKubernetes',
        'OpenShiftSDN',
        false,
      ),
    ).toBe(
      'spec.networkType is already OVNKubernetes: the pod network is down until the migration continues (every node must still be rebooted onto OVNKubernetes).',
    );
  });
  it('started (spec.migration) but not switched, with paused pools', () => {
    const s = describeNetwork(
      { ...base, specType: 'OpenShiftSDN', migration: 'OVNKubernetes', pausedPools: ['worker'] },
      'OVNKubernetes',
      'OpenShiftSDN',
      false,
    );
    expect(s).toMatch(
      /^The cluster is still on OpenShiftSDN and its pod network works, but the migration is started \(spec\.migration asks for OVNKubernetes/,
    );
    expect(s).toMatch(/Paused pools: worker/);
  });
  it('untouched', () => {
    expect(
      describeNetwork(
        { ...base, specType: 'OpenShiftSDN', statusType: 'OpenShiftSDN' },
        'OVNKubernetes',
        'OpenShiftSDN',
        false,
      ),
    ).toBe('The cluster is on OpenShiftSDN; the migration has not changed its network.');
  });
});

describe('cleanup steps as commands (cleanup: false)', () => {
  it("procedure A's cleanup, as the document's oc commands", async () => {
    const { variantA } = await import('../../src/procedure/variant-a.ts');
    const cleanup = variantA.phases.find((p) => p.id === variantA.cleanupPhase)!;
    const ctx = {} as Parameters<NonNullable<(typeof cleanup.steps)[0]['commands']>>[0];
    expect(cleanup.steps.flatMap((s) => s.commands?.(ctx) ?? [])).toEqual([
      'oc annotate networks.operator.openshift.io cluster networkoperator.openshift.io/network-migration-',
      'oc delete namespace openshift-sdn',
    ]);
  });
});
