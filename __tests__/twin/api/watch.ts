// WATCH streams: newline-delimited JSON events from the store, filtered by the request's selectors.
// An object that leaves the selection is reported DELETED and one that enters it ADDED, as the real
// watch cache does. A too-old resourceVersion yields a 410 Expired ERROR event (HTTP 200), which is
// what client-go and the JS client react to by relisting.
import type { ServerResponse } from 'node:http';
import type { TwinContext } from '../context.ts';
import type { ResourceType } from '../resources.ts';
import { type KObject, StoreError, type StoreEvent } from '../store.ts';
import { failure } from './status.ts';
import { type IncludeObject, toTable } from './tables.ts';

export interface WatchRequest {
  type: ResourceType;
  namespace: string | undefined;
  /** `resourceVersion` parameter: unset or "0" = current state as ADDED events, then changes. */
  resourceVersion: string | null;
  filter: (o: KObject) => boolean;
  timeoutSeconds?: number;
  /** Set when the client asked for Table output (kubectl get -w). */
  table?: IncludeObject;
}

/** Streams events until the client goes, the timeout passes, a watch-cut fault fires or `stop` is called. Returns `stop`. */
export function serveWatch(
  ctx: TwinContext,
  res: ServerResponse,
  w: WatchRequest,
  onEnd: () => void,
): () => void {
  let ended = false;
  let unsubscribe: () => void = () => {};
  const timers: NodeJS.Timeout[] = [];
  let firstTable = true;

  const end = () => {
    if (ended) return;
    ended = true;
    unsubscribe();
    for (const t of timers) clearTimeout(t);
    if (!res.writableEnded) res.end();
    onEnd();
  };
  res.on('close', end);

  const send = (type: string, object: object) => {
    if (ended) return;
    let out = object;
    if (w.table && type !== 'ERROR') {
      out = toTable(w.type, [object as KObject], { include: w.table, columns: firstTable });
      firstTable = false;
    }
    res.write(`${JSON.stringify({ type, object: out })}\n`);
  };

  res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache, private' });
  res.flushHeaders();

  let since: number;
  if (w.resourceVersion && w.resourceVersion !== '0') {
    since = Number(w.resourceVersion);
  } else {
    for (const o of ctx.store.peek(w.type, w.namespace)) if (w.filter(o)) send('ADDED', o);
    since = ctx.store.currentRV();
  }

  const onEvent = (e: StoreEvent) => {
    const now = w.filter(e.object);
    const before = e.previous ? w.filter(e.previous) : false;
    if (e.type === 'ADDED') {
      if (now) send('ADDED', e.object);
    } else if (e.type === 'DELETED') {
      if (before || now) send('DELETED', e.object);
    } else if (now) send(before ? 'MODIFIED' : 'ADDED', e.object);
    else if (before) send('DELETED', e.object);
  };

  try {
    unsubscribe = ctx.store.watch(w.type, w.namespace, since, onEvent);
  } catch (err) {
    if (!(err instanceof StoreError)) throw err;
    send('ERROR', failure(err.code, err.message, err.reason));
    end();
    return end;
  }

  if (w.timeoutSeconds && w.timeoutSeconds > 0) timers.push(setTimeout(end, w.timeoutSeconds * 1000));
  const cut = ctx.faults.find('watch-cut');
  if (cut) {
    timers.push(
      setTimeout(() => {
        ctx.faults.fire('watch-cut');
        end();
      }, cut.afterMs),
    );
  }
  return end;
}
