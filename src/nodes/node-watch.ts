// One shared watch on Node objects for every reboot of a run: each node's bootID, Ready condition and
// addresses are kept current from a single LIST + WATCH, and callers wait on a predicate per node. The
// API cost is one stream (plus reconnects) whatever the number of nodes and however long reboots take.
import net from 'node:net';
import type { Cluster } from '../cluster/client.ts';
import { reflect } from '../cluster/reflector.ts';
import { type KObject, NODES } from '../cluster/types.ts';
import { WaitTimeoutError } from '../cluster/wait.ts';
import { MCO_STATE } from '../openshift/objects.ts';
import { abortError } from '../util/abort.ts';
import { formatDuration } from '../util/duration.ts';
import type { Logger } from '../util/log.ts';

export interface NodeState {
  name: string;
  bootID: string;
  ready: boolean;
  /** InternalIP addresses, IPv4 first. */
  addresses: string[];
  /** The machine-config daemon's state annotation (Done, Working, Degraded), when the node has one. */
  mcoState?: string;
}

export function nodeStateOf(node: KObject): NodeState {
  const status = (node.status ?? {}) as {
    addresses?: { type?: string; address?: string }[];
    conditions?: { type?: string; status?: string }[];
    nodeInfo?: { bootID?: string };
  };
  const internal = (status.addresses ?? [])
    .filter((a) => a.type === 'InternalIP' && typeof a.address === 'string')
    .map((a) => a.address as string);
  const mcoState = node.metadata.annotations?.[MCO_STATE];
  return {
    name: node.metadata.name,
    bootID: status.nodeInfo?.bootID ?? '',
    ready: (status.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True'),
    addresses: [...internal.filter((a) => !net.isIPv6(a)), ...internal.filter((a) => net.isIPv6(a))],
    ...(mcoState ? { mcoState } : {}),
  };
}

/** "NotReady, bootID 1a2b3c4d…": a node's state as progress and timeout messages show it. */
export function describeState(s: NodeState | undefined): string {
  if (!s) return 'not in the cluster';
  return `${s.ready ? 'Ready' : 'NotReady'}, bootID ${shortId(s.bootID)}`;
}

export function shortId(id: string): string {
  if (!id) return '(none)';
  return id.length > 8 ? `${id.slice(0, 8)}…` : id;
}

interface Waiter {
  pred: (n: NodeState) => boolean;
  resolve: (n: NodeState) => void;
  reject: (err: Error) => void;
}

/** The first node list did not answer within its limit (the API server was away all that time). */
export class NodeListTimeout extends Error {
  readonly limitMs: number;
  constructor(limitMs: number) {
    super(
      `the node list did not answer within ${formatDuration(limitMs)} (wait-timeout): the API server is unreachable — check it, then run again: the run continues from here`,
    );
    this.name = 'NodeListTimeout';
    this.limitMs = limitMs;
  }
}

export class NodeWatch {
  private readonly states = new Map<string, NodeState>();
  private readonly waiters = new Map<string, Set<Waiter>>();
  private readonly stopper = new AbortController();
  private failure: Error | undefined;

  private constructor() {}

  /**
   * Lists the nodes (resolves once that is done), then keeps watching until stop() or `signal`.
   * The list rides through an API outage like every request; `listWithinMs` bounds that first list
   * (a wait that begins during an outage must still end at its wait-timeout): past it the watch stops
   * and start() rejects with NodeListTimeout.
   */
  static start(
    cluster: Cluster,
    log: Logger,
    signal?: AbortSignal,
    listWithinMs?: number,
  ): Promise<NodeWatch> {
    const w = new NodeWatch();
    if (signal) {
      if (signal.aborted) w.stopper.abort(signal.reason);
      else signal.addEventListener('abort', () => w.stop(), { once: true });
    }
    return new Promise<NodeWatch>((resolve, reject) => {
      let synced = false;
      const limit =
        listWithinMs === undefined
          ? undefined
          : setTimeout(() => {
              if (synced) return;
              const err = new NodeListTimeout(listWithinMs);
              w.failure = err;
              w.stopper.abort(err);
              reject(err);
            }, listWithinMs);
      reflect<KObject>({
        cluster,
        ref: NODES,
        log,
        signal: w.stopper.signal,
        onSync: (objects, change) => {
          if (!change) {
            // A full (re-)list: replace everything, nodes gone from the cluster included.
            w.states.clear();
            for (const o of objects.values()) w.states.set(o.metadata.name, nodeStateOf(o));
            for (const name of w.waiters.keys()) w.check(name);
            if (!synced) {
              synced = true;
              clearTimeout(limit);
              resolve(w);
            }
            return;
          }
          const name = change.object.metadata.name;
          if (change.type === 'DELETED') w.states.delete(name);
          else w.states.set(name, nodeStateOf(change.object));
          w.check(name);
        },
      }).then(
        () => {
          clearTimeout(limit);
          if (!synced) reject(abortError(signal));
        },
        (err: unknown) => {
          clearTimeout(limit);
          const e = err instanceof Error ? err : new Error(String(err));
          w.failure = e;
          if (!synced) return reject(e);
          log.warn(`node watch stopped: ${e.message}`);
          w.rejectAll(e);
        },
      );
    });
  }

  get(name: string): NodeState | undefined {
    return this.states.get(name);
  }

  all(): NodeState[] {
    return [...this.states.values()];
  }

  /**
   * Resolves when `pred` holds for the node; rejects with a timeout error naming the node and its last
   * state, or with AbortError when `signal` aborts (the waiter and its timer are dropped).
   */
  until(
    name: string,
    pred: (n: NodeState) => boolean,
    timeoutMs: number,
    description: string,
    signal?: AbortSignal,
  ): Promise<NodeState> {
    if (this.failure) return Promise.reject(this.failure);
    if (this.stopper.signal.aborted) return Promise.reject(abortError(this.stopper.signal));
    if (signal?.aborted) return Promise.reject(abortError(signal));
    const now = this.states.get(name);
    if (now && pred(now)) return Promise.resolve(now);
    return new Promise<NodeState>((resolve, reject) => {
      const set = this.waiters.get(name) ?? new Set<Waiter>();
      this.waiters.set(name, set);
      const done = () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        set.delete(waiter);
        if (set.size === 0 && this.waiters.get(name) === set) this.waiters.delete(name);
      };
      const onAbort = () => {
        done();
        reject(abortError(signal));
      };
      const timer = setTimeout(() => {
        done();
        reject(
          new WaitTimeoutError(description, timeoutMs, `${name} ${describeState(this.states.get(name))}`),
        );
      }, timeoutMs);
      const waiter: Waiter = {
        pred,
        resolve: (n) => {
          done();
          resolve(n);
        },
        reject: (err) => {
          done();
          reject(err);
        },
      };
      set.add(waiter);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  stop(): void {
    if (this.stopper.signal.aborted) return;
    this.stopper.abort();
    this.rejectAll(abortError());
  }

  private check(name: string): void {
    const set = this.waiters.get(name);
    const state = this.states.get(name);
    if (!set || !state) return;
    for (const w of [...set]) {
      let holds: boolean;
      try {
        holds = w.pred(state);
      } catch (err) {
        w.reject(err instanceof Error ? err : new Error(String(err)));
        continue;
      }
      if (holds) w.resolve(state);
    }
  }

  private rejectAll(err: Error): void {
    for (const set of [...this.waiters.values()]) for (const w of [...set]) w.reject(err);
    this.waiters.clear();
  }
}
