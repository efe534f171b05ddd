// Waiting for a condition over a set of objects, driven by a watch rather than by polling: the
// condition is re-evaluated on every change, progress is logged when it changes (and at least every
// minute, so a long wait never looks hung), and the wait ends at a deadline with what was last seen.
// Progress lines carry the elapsed time and the limit and never step back unexplained (progress.ts).
import { abortError } from '../util/abort.ts';
import { formatDuration } from '../util/duration.ts';
import type { Logger } from '../util/log.ts';
import { ProgressPrinter } from '../util/progress.ts';
import type { Cluster } from './client.ts';
import { reflect } from './reflector.ts';
import type { KObject, ListRef } from './types.ts';

export interface WaitOptions<T> {
  /** What is awaited: "pool worker to be Updated". */
  description: string;
  timeoutMs: number;
  /** progress: "pool worker: 3/6 updated; worker-2 Working". */
  evaluate: (items: T[]) => { done: boolean; progress: string };
  log: Logger;
  /** A progress line at least this often (default 60 s), and whenever `progress` changes. */
  progressEveryMs?: number;
  /**
   * When the wait began, for a wait that continues an earlier one (the MCO wait goes on after setting
   * a rendered config aside): elapsed time counts from here and the limit shown is the whole wait's,
   * so the progress lines' clock never jumps back.
   */
  startedAt?: number;
  signal?: AbortSignal;
}

export class WaitTimeoutError extends Error {
  description: string;
  lastProgress: string;
  constructor(description: string, timeoutMs: number, lastProgress: string) {
    super(
      `timed out after ${formatDuration(timeoutMs)} waiting for ${description}; last seen: ${lastProgress}`,
    );
    this.name = 'WaitTimeoutError';
    this.description = description;
    this.lastProgress = lastProgress;
  }
}

/**
 * The wait's progress lines: `[2m10s / 1h30m] waiting for …: …` on every change of the progress text;
 * while nothing changes, the same state again every `progressEveryMs` (the heartbeat), with its
 * elapsed time moved on. `limitMs` is the whole wait's (more than timeoutMs when it continues one).
 */
function waitProgress(
  opts: Pick<WaitOptions<unknown>, 'description' | 'log' | 'progressEveryMs'>,
  startedAt: number,
  limitMs: number,
) {
  const every = opts.progressEveryMs ?? 60_000;
  const printer = new ProgressPrinter({ log: opts.log, startedAt, limit: formatDuration(limitMs) });
  let logged: string | undefined;
  let repeat: NodeJS.Timeout | undefined;
  const print = (progress: string, why?: string) => {
    clearTimeout(repeat);
    printer.print(`waiting for ${opts.description}: ${progress}`, why);
    logged = progress;
    repeat = setTimeout(() => print(progress), every);
  };
  return {
    /** Prints `progress` unless it is what was printed last; `why` explains a count that went down. */
    changed: (progress: string, why: string) => {
      if (progress !== logged) print(progress, why);
    },
    stop: () => clearTimeout(repeat),
  };
}

export function waitFor<T extends KObject>(
  cluster: Cluster,
  ref: ListRef,
  opts: WaitOptions<T>,
): Promise<T[]> {
  const stop = new AbortController();
  let lastProgress = 'nothing yet (the first list has not answered)';
  let settled = false;
  const now = Date.now();
  const startedAt = Math.min(opts.startedAt ?? now, now);
  const limitMs = now + opts.timeoutMs - startedAt;
  const progress = waitProgress(opts, startedAt, limitMs);
  // A LIST after the first (an expired watch, a restart after an outage) replaces every object: a
  // count that is lower after it is said to come from the re-list.
  let lists = 0;

  return new Promise<T[]>((resolve, reject) => {
    const finish = (settle: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(deadline);
      progress.stop();
      opts.signal?.removeEventListener('abort', onAbort);
      stop.abort();
      settle();
    };
    const deadline = setTimeout(
      () => finish(() => reject(new WaitTimeoutError(opts.description, limitMs, lastProgress))),
      opts.timeoutMs,
    );
    const onAbort = () => finish(() => reject(abortError(opts.signal)));
    if (opts.signal?.aborted) return onAbort();
    opts.signal?.addEventListener('abort', onAbort, { once: true });

    reflect<T>({
      cluster,
      ref,
      log: opts.log,
      signal: stop.signal,
      onSync: (objects, change) => {
        if (settled) return;
        const relisted = !change && ++lists > 1;
        const items = [...objects.values()];
        let verdict: { done: boolean; progress: string };
        try {
          verdict = opts.evaluate(items);
        } catch (err) {
          return finish(() => reject(err instanceof Error ? err : new Error(String(err))));
        }
        lastProgress = verdict.progress;
        if (verdict.done) return finish(() => resolve(items));
        progress.changed(
          verdict.progress,
          relisted ? 're-listed: the watch had to start over' : 'as the cluster reports it now',
        );
      },
    }).then(
      () => {},
      (err: unknown) => finish(() => reject(err instanceof Error ? err : new Error(String(err)))),
    );
  });
}
