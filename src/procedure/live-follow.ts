// Follows a live migration to its end: Network.config (the five conditions), every MachineConfigPool
// and co/network are watched (LIST then WATCH, so no condition change is missed between polls), each
// change is a progress line, and the run ends when the operators say done, when co/network reports the
// migration failed, or when nothing moved for wait-timeout (a paused pool stalls it; the pool is named).
// It never writes: the operators do the migration; this only reads.
import { CLUSTER_OPERATORS, NETWORK_CONFIG, POOLS, type KObject, type ListRef } from '../cluster/types.ts';
import { reflect } from '../cluster/reflector.ts';
import { poolProgress } from '../openshift/objects.ts';
import { abortError } from '../util/abort.ts';
import { formatDuration } from '../util/duration.ts';
import { oneLine } from '../util/untrusted-text.ts';
import {
  conditionsLine,
  liveConditions,
  liveDone,
  liveFailure,
  operatorLine,
  poolsLine,
  progressKey,
  shortName,
} from './live-conditions.ts';
import type { StepContext } from './types.ts';

/** The operators stopped the migration (co/network Degraded) or it made no progress for wait-timeout. */
export class LiveMigrationFailed extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LiveMigrationFailed';
  }
}

interface LiveState {
  config?: KObject;
  pools: KObject[];
  network?: KObject;
}

const HEARTBEAT_MS = 60_000;

const CONFIG_LIST: ListRef = { ...NETWORK_CONFIG, fieldSelector: 'metadata.name=cluster' };
const NETWORK_CO: ListRef = { ...CLUSTER_OPERATORS, fieldSelector: 'metadata.name=network' };

/** Records each condition change in the report, in the order seen (the summary's condition timeline). */
export function recordConditions(ctx: StepContext, config: KObject | undefined): string[] {
  const rows = (ctx.report.liveConditions ??= []);
  const seen: string[] = [];
  for (const c of liveConditions(config)) {
    const name = shortName(c.type);
    const last = rows.filter((r) => r.condition === name).at(-1);
    if (c.status === 'absent' && !last) continue;
    if (last && last.status === c.status && last.reason === c.reason) continue;
    rows.push({
      condition: name,
      status: c.status,
      ...(c.reason ? { reason: c.reason } : {}),
      ...(c.message ? { message: oneLine(c.message, 500) } : {}),
      ...(c.lastTransitionTime ? { transitionAt: c.lastTransitionTime } : {}),
      seenAt: new Date().toISOString(),
    });
    seen.push(`${name} ${c.status}${c.reason ? ` (${oneLine(c.reason, 100)})` : ''}`);
  }
  return seen;
}

/** Why nothing moved, naming the pool that holds it back when one does. */
export function stallReason(state: LiveState, timeoutMs: number): string {
  const pools = state.pools.map(poolProgress);
  const paused = pools.filter((p) => p.paused);
  const behind = pools.filter((p) => p.updated < p.machines || p.degraded);
  const why = paused.length
    ? `pool ${paused.map((p) => `${oneLine(p.name, 100)} is paused (${p.updated}/${p.machines} updated)`).join(', pool ')} — the Machine Config Operator does not update a paused pool, so the migration waits for it: unpause it (oc patch mcp ${oneLine(paused[0].name, 100)} --type merge -p '{"spec":{"paused":false}}') and run again to follow the migration to its end`
    : behind.length
      ? `pool ${behind.map((p) => `${oneLine(p.name, 100)} stalled at ${p.updated}/${p.machines} updated${p.degraded ? ` (Degraded: ${oneLine(p.degradedReason ?? '', 300)})` : ''}`).join(', pool ')} — look at its nodes (oc get nodes; oc describe mcp) and the drains (PodDisruptionBudgets)`
      : 'the network operator made no visible progress — look at co/network and the openshift-network-operator logs';
  return `the live migration made no progress for ${formatDuration(timeoutMs)}: ${why}. Conditions: ${conditionsLine(state.config)}; ${poolsLine(state.pools)}; ${operatorLine(state.network)}`;
}

/** One progress line: `[elapsed / timeout] live: InProgress True (12:03:10); …; pools …; co/network …`. */
function progressLine(state: LiveState): string {
  return `live: ${conditionsLine(state.config)}; ${poolsLine(state.pools)}; ${operatorLine(state.network)}`;
}

/** The follower's bookkeeping: when the state last changed, what was last logged. */
class Follower {
  readonly state: LiveState = { pools: [] };
  private readonly started = Date.now();
  private lastChange = Date.now();
  private lastKey = '';
  private lastLine = '';
  private lastLogAt = 0;
  private readonly ctx: StepContext;
  constructor(ctx: StepContext) {
    this.ctx = ctx;
  }

  /** 'done', an error that ends the wait, or undefined to go on. */
  evaluate(): 'done' | Error | undefined {
    const { state, ctx } = this;
    if (!state.config) return undefined;
    for (const t of recordConditions(ctx, state.config)) ctx.log.info(`  condition ${t}`);
    const failed = liveFailure(state.network);
    if (failed)
      return new LiveMigrationFailed(
        `the network operator stopped the live migration: ${failed}. Conditions: ${conditionsLine(state.config)}; ${poolsLine(state.pools)}`,
      );
    if (liveDone(state.config, ctx.target)) return 'done';
    const key = progressKey(state.config, state.pools, state.network);
    if (key !== this.lastKey) {
      this.lastKey = key;
      this.lastChange = Date.now();
    }
    this.log(false);
    return undefined;
  }

  /** The clock: no progress for wait-timeout ends the wait; a heartbeat line every minute. */
  tick(): Error | undefined {
    const timeout = this.ctx.settings.waitTimeoutMs;
    if (Date.now() - this.lastChange >= timeout)
      return new LiveMigrationFailed(stallReason(this.state, timeout));
    this.log(true);
    return undefined;
  }

  private log(heartbeat: boolean): void {
    const line = progressLine(this.state);
    const due = Date.now() - this.lastLogAt >= HEARTBEAT_MS;
    if (line === this.lastLine && !(heartbeat && due)) return;
    // [elapsed / wait-timeout]: the timeout counts from the last progress, not from the start.
    const at = `[${formatDuration(Date.now() - this.started)} / ${formatDuration(this.ctx.settings.waitTimeoutMs)}]`;
    this.ctx.log.info(`${at} ${line}`);
    this.lastLine = line;
    this.lastLogAt = Date.now();
  }
}

/** Watches the three lists until the migration is done (resolves) or fails, stalls or is cancelled (rejects). */
export function followLiveMigration(ctx: StepContext): Promise<void> {
  const f = new Follower(ctx);
  const stop = new AbortController();
  return new Promise<void>((resolve, reject) => {
    let settled = false;
    const finish = (err?: Error) => {
      if (settled) return;
      settled = true;
      clearInterval(ticker);
      ctx.signal.removeEventListener('abort', onAbort);
      stop.abort();
      if (err) reject(err);
      else resolve();
    };
    const settle = (v: 'done' | Error | undefined) => {
      if (v === 'done') finish();
      else if (v) finish(v);
    };
    const onAbort = () => finish(abortError(ctx.signal));
    const tickMs = Math.max(50, Math.min(1_000, ctx.settings.waitTimeoutMs / 20));
    const ticker = setInterval(() => settle(f.tick()), tickMs);
    if (ctx.signal.aborted) return onAbort();
    ctx.signal.addEventListener('abort', onAbort, { once: true });
    const watch = (ref: ListRef, put: (items: KObject[]) => void) =>
      reflect<KObject>({
        cluster: ctx.cluster,
        ref,
        log: ctx.log,
        signal: stop.signal,
        onSync: (objects) => {
          if (settled) return;
          put([...objects.values()]);
          settle(f.evaluate());
        },
      }).catch((err: unknown) => finish(err instanceof Error ? err : new Error(String(err))));
    void watch(CONFIG_LIST, (items) => (f.state.config = items[0]));
    void watch(POOLS, (items) => (f.state.pools = items));
    void watch(NETWORK_CO, (items) => (f.state.network = items[0]));
  });
}
