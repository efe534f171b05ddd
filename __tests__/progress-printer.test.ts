// The progress line of every long wait: elapsed time and limit first, never the same line twice in a
// row, and a figure lower than the one printed before shown with what it was and why.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { MemoryLogger } from '../src/util/log.ts';
import { ProgressPrinter } from '../src/util/progress.ts';

afterEach(() => vi.useRealTimers());

describe('ProgressPrinter', () => {
  it('prefixes elapsed and limit, skips an identical line, names a figure that went down and why', () => {
    vi.useFakeTimers({ now: 0 });
    const log = new MemoryLogger();
    const lines: string[] = [];
    const p = new ProgressPrinter({ log, startedAt: 0, limit: '1h30m', onLine: (l) => lines.push(l) });
    vi.setSystemTime(130_000);
    expect(p.print('pools: master 2/3, worker 3/3 updated; worker-1 Working')).toBe(true);
    expect(p.print('pools: master 2/3, worker 3/3 updated; worker-1 Working')).toBe(false);
    vi.setSystemTime(190_000);
    p.print('pools: master 3/3, worker 1/3 updated', 're-listed');
    p.print('pools: master 3/3, worker 2/3 updated', 're-listed');
    expect(log.messages('info')).toEqual([
      '[2m10s / 1h30m] pools: master 2/3, worker 3/3 updated; worker-1 Working',
      '[3m10s / 1h30m] pools: master 3/3, worker 1/3 updated (worker was 3/3 — re-listed)',
      '[3m10s / 1h30m] pools: master 3/3, worker 2/3 updated',
    ]);
    expect(lines).toEqual(log.messages('info'));
  });
});
