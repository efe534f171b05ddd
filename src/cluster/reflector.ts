// LIST once, then WATCH from the list's resourceVersion, keeping a live map of the objects: the one
// mechanism behind waitFor and the shared node watch. A stream the server closes (its timeout, an API
// server restart) is resumed at once from the last version seen; only errors back off; a version that
// is too old (410) means LIST again. Requests therefore grow with reconnects, never with elapsed time.
// An API outage (every master rebooting at once takes the API away for minutes) is one event in the
// log: a warning when it starts, a line a minute while it lasts, one line when the API answers again.
import { sleep } from '../util/abort.ts';
import { formatDuration } from '../util/duration.ts';
import type { Logger } from '../util/log.ts';
import type { Cluster, WatchEventType } from './client.ts';
import { ClusterError, isTlsError } from './errors.ts';
import { describeRef, type KObject, type ListRef } from './types.ts';

export interface Change<T> {
  type: Exclude<WatchEventType, 'BOOKMARK'>;
  object: T;
}

export interface ReflectOptions<T extends KObject> {
  cluster: Cluster;
  ref: ListRef;
  log: Logger;
  signal: AbortSignal;
  /** Called after every LIST (without `change`) and after every watch event (with it). */
  onSync: (objects: ReadonlyMap<string, T>, change?: Change<T>) => void;
}

export function keyOfObject(obj: KObject): string {
  return obj.metadata.namespace ? `${obj.metadata.namespace}/${obj.metadata.name}` : obj.metadata.name;
}

/** Worth trying again later: transport failures and 5xx/429 that outlasted the request retries. */
export function isTransient(err: unknown): boolean {
  if (!(err instanceof ClusterError)) return false;
  if (err.status === undefined) return !isTlsError(err.reason);
  return err.status === 429 || err.status >= 500;
}

const ERROR_BACKOFF_MS = 500;
const ERROR_BACKOFF_MAX_MS = 10_000;
// A refused connection means nothing listens (every control-plane node rebooting): the attempt costs
// no server any work, and the API is wanted the moment it is back (nodes are waited on through this
// watch), so the delay stops growing at 2 s. Errors a server answered with keep the 10 s cap.
const REFUSED_BACKOFF_MAX_MS = 2_000;
// A watch that ends this fast without delivering anything counts as a failure for backoff purposes,
// so that a server closing streams at once cannot turn the wait into a tight request loop.
const QUICK_END_MS = 250;
// ...but such a server is not failing, so the pause stays short: changes are seen within 2 s.
const QUICK_END_BACKOFF_MAX_MS = 2_000;

/** The pause before the next reconnect after `failures` earlier failures in a row. */
export function reconnectDelayMs(failures: number, refused: boolean): number {
  return Math.min(refused ? REFUSED_BACKOFF_MAX_MS : ERROR_BACKOFF_MAX_MS, ERROR_BACKOFF_MS * 2 ** failures);
}

// While the API stays unreachable, one progress line this often (the failures in between are debug).
const OUTAGE_LOG_EVERY_MS = 60_000;

/** Logs an outage of the API as it starts, while it lasts and when it ends. */
class OutageLog {
  private since: number | undefined;
  private lastLine = 0;
  private readonly log: Logger;
  private readonly what: string;
  constructor(log: Logger, what: string) {
    this.log = log;
    this.what = what;
  }

  failed(message: string, delayMs: number): void {
    const why = message.startsWith(this.what) ? message : `${this.what} interrupted: ${message}`;
    const now = Date.now();
    if (this.since === undefined) {
      this.since = now;
      this.lastLine = now;
      this.log.warn(`${why}; reconnecting in ${formatDuration(delayMs)}`);
    } else if (now - this.lastLine >= OUTAGE_LOG_EVERY_MS) {
      this.lastLine = now;
      this.log.info(
        `${this.what}: the API server has not answered for ${formatDuration(now - this.since)} (${why}); still reconnecting`,
      );
    } else this.log.debug(`${why}; reconnecting in ${formatDuration(delayMs)}`);
  }

  answered(): void {
    if (this.since === undefined) return;
    this.log.info(
      `${this.what}: the API server answers again after ${formatDuration(Date.now() - this.since)}`,
    );
    this.since = undefined;
  }
}

function replaceAll<T extends KObject>(objects: Map<string, T>, items: T[]): void {
  objects.clear();
  for (const item of items) objects.set(keyOfObject(item), item);
}

function apply<T extends KObject>(objects: Map<string, T>, type: Change<T>['type'], obj: T): Change<T> {
  const key = keyOfObject(obj);
  if (type === 'DELETED') objects.delete(key);
  else objects.set(key, obj);
  return { type, object: obj };
}

/** Runs until `signal` aborts (resolves) or a non-transient error occurs (rejects). */
export async function reflect<T extends KObject>(o: ReflectOptions<T>): Promise<void> {
  const what = describeRef(o.ref);
  const objects = new Map<string, T>();
  const outage = new OutageLog(o.log, `watch on ${what}`);
  let rv: string | undefined;
  let failures = 0;
  let quickEnds = 0;
  while (!o.signal.aborted) {
    let delivered = false;
    const startedAt = Date.now();
    try {
      if (rv === undefined) {
        // The signal ends the list's own retries too: a stopped reflector sends nothing more.
        const list = await o.cluster.list<T>(o.ref, undefined, o.signal);
        if (o.signal.aborted) return;
        replaceAll(objects, list.items);
        rv = list.resourceVersion;
        failures = 0;
        outage.answered();
        o.onSync(objects);
        continue;
      }
      const outcome = await o.cluster.watch<T>(
        o.ref,
        rv,
        (type, obj) => {
          delivered = true;
          failures = 0;
          quickEnds = 0;
          if (obj.metadata?.resourceVersion) rv = obj.metadata.resourceVersion;
          if (type !== 'BOOKMARK') o.onSync(objects, apply(objects, type, obj));
        },
        o.signal,
        () => outage.answered(), // open: the API answers (a resumed watch may stay silent for minutes)
      );
      if (o.signal.aborted) return;
      outage.answered();
      if (outcome === 'gone') {
        o.log.debug(`watch on ${what}: resourceVersion ${rv} expired, listing again`);
        rv = undefined;
        continue;
      }
      if (!delivered && Date.now() - startedAt < QUICK_END_MS && ++quickEnds > 1) {
        await sleep(Math.min(QUICK_END_BACKOFF_MAX_MS, ERROR_BACKOFF_MS * 2 ** (quickEnds - 2)), o.signal);
      }
    } catch (err) {
      if (o.signal.aborted) return;
      if (!isTransient(err)) throw err;
      const delay = reconnectDelayMs(failures++, (err as ClusterError).reason === 'ECONNREFUSED');
      outage.failed((err as Error).message, delay);
      if (
        !(await sleep(delay, o.signal).then(
          () => true,
          () => false,
        ))
      )
        return;
    }
  }
}
