// Cancellation helpers: sleeps that end early on abort, and the AbortError every layer rejects with so
// that callers can tell "cancelled" from "failed" by `err.name === 'AbortError'`.

export function abortError(signal?: AbortSignal): Error {
  const reason: unknown = signal?.reason;
  if (reason instanceof Error && reason.name === 'AbortError') return reason;
  const err = new Error(reason instanceof Error ? reason.message : 'the operation was cancelled');
  err.name = 'AbortError';
  return err;
}

/**
 * The cancel gate: throws AbortError once `signal` has aborted. Every API request that could change the
 * cluster (src/cluster/client.ts) and every command sent to a node (src/nodes/ssh.ts) passes it right
 * before it is sent, so that after a cancel no new change starts, whichever step or layer asked for it.
 */
export function refuseIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw abortError(signal);
}

export function isAbortError(err: unknown): boolean {
  return err instanceof Error && err.name === 'AbortError';
}

/** Resolves after `ms`, or rejects with AbortError as soon as `signal` aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(abortError(signal));
    const onAbort = () => {
      clearTimeout(timer);
      reject(abortError(signal));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
