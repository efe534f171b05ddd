// Reading one open WATCH response: newline-delimited JSON events, each handed on as it arrives. The
// stream ends as 'ended' (the server closed it, or the caller's signal), 'gone' (410: the version is too
// old, list again), or with an error a caller backs off from (a cut connection, a silent stream, an
// ERROR event, a line that is not JSON or is larger than the cap).
import type http from 'node:http';
import { formatDuration } from '../util/duration.ts';
import { ClusterError } from './errors.ts';
import { MAX_BODY_BYTES, tooLarge, transportOf } from './transport.ts';
import type { KObject } from './types.ts';

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK';

const EVENT_TYPES = new Set<string>(['ADDED', 'MODIFIED', 'DELETED', 'BOOKMARK']);

export interface WatchStreamOptions<T extends KObject> {
  /** `watch on Node` — the start of every error message. */
  what: string;
  /** A stream silent this long (a dead connection no one closed) is given up. */
  idleMs: number;
  signal: AbortSignal;
  /** Each event; a throw ends the stream with that error. */
  onEvent: (type: WatchEventType, obj: T) => void;
}

type LineOutcome =
  | { kind: 'event'; type: WatchEventType; obj: KObject }
  | { kind: 'gone' }
  | { kind: 'error'; error: ClusterError }
  | { kind: 'skip' };

/** What one line of the stream says. */
function parseLine(line: string, what: string): LineOutcome {
  if (!line.trim()) return { kind: 'skip' };
  let event: { type?: string; object?: KObject & { code?: number; message?: string; reason?: string } };
  try {
    event = JSON.parse(line) as typeof event;
  } catch {
    return {
      kind: 'error',
      error: new ClusterError(`${what} sent a line that is not JSON`, { reason: 'BadWatch' }),
    };
  }
  const obj = event.object;
  if (event.type === 'ERROR') {
    if (obj?.code === 410) return { kind: 'gone' };
    return {
      kind: 'error',
      error: new ClusterError(
        `${what} failed (${obj?.code ?? '?'} ${obj?.reason ?? ''}): ${obj?.message ?? 'no message'}`,
        { ...(obj?.code ? { status: obj.code } : {}), ...(obj?.reason ? { reason: obj.reason } : {}) },
      ),
    };
  }
  if (!obj || !event.type || !EVENT_TYPES.has(event.type)) return { kind: 'skip' };
  return { kind: 'event', type: event.type as WatchEventType, obj };
}

export function readWatchStream<T extends KObject>(
  res: http.IncomingMessage,
  o: WatchStreamOptions<T>,
): Promise<'ended' | 'gone'> {
  return new Promise<'ended' | 'gone'>((resolve, reject) => {
    let buffered = '';
    let settled = false;
    let idle = setTimeout(onIdle, o.idleMs);
    function onIdle() {
      fail(
        new ClusterError(`${o.what} went silent for ${formatDuration(o.idleMs)}`, { reason: 'ETIMEDOUT' }),
      );
    }
    const finish = (settle: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(idle);
      o.signal.removeEventListener('abort', onAbort);
      res.destroy();
      settle();
    };
    const fail = (err: Error) => finish(() => reject(err));
    const onAbort = () => finish(() => resolve('ended'));
    o.signal.addEventListener('abort', onAbort, { once: true });

    const handleLine = (line: string) => {
      const out = parseLine(line, o.what);
      if (out.kind === 'gone') return finish(() => resolve('gone'));
      if (out.kind === 'error') return fail(out.error);
      if (out.kind === 'skip') return;
      try {
        o.onEvent(out.type, out.obj as T);
      } catch (err) {
        fail(err instanceof Error ? err : new Error(String(err)));
      }
    };

    res.setEncoding('utf8');
    res.on('data', (chunk: string) => {
      clearTimeout(idle);
      idle = setTimeout(onIdle, o.idleMs);
      buffered += chunk;
      // Only a chunk with a newline can end a line: no rescan of a long partial line per chunk.
      if (!chunk.includes('\n')) {
        if (buffered.length > MAX_BODY_BYTES) fail(tooLarge(`an event of the ${o.what}`));
        return;
      }
      let nl: number;
      while (!settled && (nl = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, nl);
        buffered = buffered.slice(nl + 1);
        handleLine(line);
      }
    });
    res.on('end', () => {
      if (!settled && buffered) handleLine(buffered);
      finish(() => resolve('ended'));
    });
    res.on('error', (err) => {
      if (o.signal.aborted) return finish(() => resolve('ended'));
      const t = transportOf(err);
      fail(new ClusterError(`${o.what} lost its connection (${t.message})`, { reason: t.code }));
    });
    res.on('close', () => {
      // 'close' without 'end' is a connection cut mid-stream.
      if (settled || res.complete) return;
      if (o.signal.aborted) return finish(() => resolve('ended'));
      fail(new ClusterError(`${o.what} lost its connection`, { reason: 'ECONNRESET' }));
    });
  });
}
