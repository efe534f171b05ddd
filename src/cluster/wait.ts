// Waiting for a condition over a set of objects, driven by a watch rather than by polling: the
// condition is re-evaluated on every change, progress is logged when it changes (and at least every
// minute, so a long wait never looks hung), and the wait ends at a deadline with what was last seen.
import { abortError } from '../util/abort.ts';
import { formatDuration } from '../util/duration.ts';
import type { Logger } from '../util/log.ts';
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

export function waitFor<T extends KObject>(
  cluster: Cluster,
  ref: ListRef,
  opts: WaitOptions<T>,
): Promise<T[]> {
  const every = opts.progressEveryMs ?? 60_000;
  const stop = new AbortController();
  let lastProgress = 'nothing yet (the first list has not answered)';
  let logged: string | undefined;
  let repeat: NodeJS.Timeout | undefined;
  let settled = false;

  const startedAt = Date.now();
  // `[2m10s / 1h30m] waiting for …: …`: elapsed and timeout on every line; a line repeats only as the
  // heartbeat (every `progressEveryMs`), with its elapsed time moved on.
  const logProgress = (progress: string) => {
    clearTimeout(repeat);
    const at = `[${formatDuration(Date.now() - startedAt)} / ${formatDuration(opts.timeoutMs)}]`;
    opts.log.info(`${at} waiting for ${opts.description}: ${progress}`);
    logged = progress;
    repeat = setTimeout(() => logProgress(lastProgress), every);
  };

  return new Promise<T[]>((resolve, reject) => {
    const finish = (settle: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(deadline);
      clearTimeout(repeat);
      opts.signal?.removeEventListener('abort', onAbort);
      stop.abort();
      settle();
    };
    const deadline = setTimeout(
      () => finish(() => reject(new WaitTimeoutError(opts.description, opts.timeoutMs, lastProgress))),
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
      onSync: (objects) => {
        if (settled) return;
        const items = [...objects.values()];
        let verdict: { done: boolean; progress: string };
        try {
          verdict = opts.evaluate(items);
        } catch (err) {
          return finish(() => reject(err instanceof Error ? err : new Error(String(err))));
        }
        lastProgress = verdict.progress;
        if (verdict.done) return finish(() => resolve(items));
        if (verdict.progress !== logged) logProgress(verdict.progress);
      },
    }).then(
      () => {},
      (err: unknown) => finish(() => reject(err instanceof Error ? err : new Error(String(err)))),
    );
  });
}
