// The checkpoint save after a step rides through an API outage (a single master rebooting under MCO)
// instead of failing the run; renewals and the release do not wait; a conflict still loses the lease.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ClusterError, unreachable } from '../../src/cluster/errors.ts';
import { CheckpointConflict, type Checkpoint } from '../../src/procedure/checkpoint.ts';
import { LeaseKeeper } from '../../src/runs/lease.ts';
import { MemoryLogger } from '../../src/util/log.ts';

const me = { runId: '1', attempt: '1', runner: 'r1' };

/** A checkpoint whose first `failures` saves throw `err`. */
function flakyCheckpoint(failures: number, err: () => Error) {
  let calls = 0;
  const cp = {
    state: {
      lease: { holder: me, renewedAt: '', renewSeconds: 1, staleAfterSeconds: 60 },
      completedSteps: ['a'],
    },
    exists: true,
    save: async () => {
      calls++;
      if (calls <= failures) throw err();
    },
  } as unknown as Checkpoint;
  return { cp, calls: () => calls };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('LeaseKeeper.save', () => {
  it('retries while the API server does not answer, then saves, with one warning and one line when back', async () => {
    vi.useFakeTimers();
    const log = new MemoryLogger();
    const { cp, calls } = flakyCheckpoint(3, () =>
      unreachable('https://api:6443', 'connect ECONNREFUSED', 'ECONNREFUSED'),
    );
    const keeper = new LeaseKeeper(cp, me, log, new AbortController());
    const saved = keeper.save();
    await vi.advanceTimersByTimeAsync(20_000);
    await saved;
    expect(calls()).toBe(4);
    expect(log.messages('warn')).toHaveLength(1);
    expect(log.messages('warn')[0]).toMatch(
      /^could not save the checkpoint: cannot reach the API server .* retrying every 5s for up to 1m/,
    );
    expect(log.messages('info')).toContain('The API server answers again: the checkpoint is saved.');
  });

  it('gives up once the lease would be stale, with the API error', async () => {
    vi.useFakeTimers();
    const { cp } = flakyCheckpoint(
      1_000,
      () => new ClusterError('the API server answered 503', { status: 503 }),
    );
    const keeper = new LeaseKeeper(cp, me, new MemoryLogger(), new AbortController());
    const saved = keeper.save().catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(70_000);
    expect(((await saved) as Error).message).toBe('the API server answered 503');
  });

  it('does not retry what an outage cannot explain (403), nor on release', async () => {
    const forbidden = flakyCheckpoint(1, () => new ClusterError('forbidden', { status: 403 }));
    await expect(
      new LeaseKeeper(forbidden.cp, me, new MemoryLogger(), new AbortController()).save(),
    ).rejects.toThrow('forbidden');
    expect(forbidden.calls()).toBe(1);
    const away = flakyCheckpoint(1, () => unreachable('https://api:6443', 'ECONNREFUSED', 'ECONNREFUSED'));
    await expect(
      new LeaseKeeper(away.cp, me, new MemoryLogger(), new AbortController()).release(),
    ).rejects.toThrow(/cannot reach the API server/);
    expect(away.calls()).toBe(1);
  });

  it('a conflict loses the lease at once and stops the run', async () => {
    const stop = new AbortController();
    const { cp } = flakyCheckpoint(1, () => new CheckpointConflict('someone else wrote it'));
    const keeper = new LeaseKeeper(cp, me, new MemoryLogger(), stop);
    await expect(keeper.save()).rejects.toThrow(/someone else wrote it/);
    expect(stop.signal.aborted).toBe(true);
  });
});
