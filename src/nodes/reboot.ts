// The document's "reboot every node" step: one reboot command per node (through NodeAccess: SSH or the
// API, this module does not know which), then wait on the
// shared node watch until the node reports a new bootID and Ready. At most `maxParallel` nodes are in
// flight (command sent, not back yet); 0 sends every command at once. With a limit, control-plane nodes
// go first, one at a time, so that etcd keeps its quorum. A node that fails is reported in its outcome
// and the others carry on (but no further control-plane node); a host key mismatch stops everything
// before another command. Commands go out only through the access, whose cancel gate they all pass.
import { WaitTimeoutError } from '../cluster/wait.ts';
import { isAbortError } from '../util/abort.ts';
import { formatDuration } from '../util/duration.ts';
import type { Logger } from '../util/log.ts';
import { ProgressPrinter, type ProgressPrinterOptions } from '../util/progress.ts';
import { type NodeState, type NodeWatch, shortId } from './node-watch.ts';
import type { NodeAccess } from './access.ts';
import { oneLine } from '../util/untrusted-text.ts';

export interface RebootOutcome {
  node: string;
  address: string;
  bootIdBefore: string;
  bootIdAfter?: string;
  commandSentAt: number;
  backAt?: number;
  ok: boolean;
  error?: string;
}

export interface RebootOptions {
  access: NodeAccess;
  watch: NodeWatch;
  /** Nodes in flight at once; 0 = all at once. */
  maxParallel: number;
  rebootTimeoutMs: number;
  log: Logger;
  signal?: AbortSignal;
  onProgress?: (line: string) => void;
  /** For a resumed run: true when the node already rebooted since `bootIdBefore` was recorded. */
  alreadyRebooted?: (node: string, bootIdBefore: string) => boolean;
  /**
   * Control-plane nodes. With maxParallel > 0 they are rebooted first, one at a time, each back Ready
   * with a new boot ID before the next (two of three masters down lose etcd's quorum), then the other
   * nodes at most maxParallel at a time. With 0 every node goes at once, as the document does.
   */
  controlPlane?: ReadonlySet<string>;
}

// With maxParallel 0, how many commands (SSH connections or exec streams) are opened at once to send the commands: enough for a
// thousand nodes in seconds, few enough not to exhaust the runner's (or the bastion's) file handles.
const SEND_CONCURRENCY = 100;
// The reboot command returns at once; two minutes cover slow sudo, a slow network and an API outage.
const COMMAND_TIMEOUT_MS = 120_000;
const PROGRESS_EVERY_MS = 60_000;
// Progress lines on count changes are coalesced to at most one per this interval.
const PROGRESS_MIN_GAP_MS = 1_000;

interface Sent {
  node: string;
  before: NodeState;
  address: string;
  sentAt: number;
  /** Already rebooted in an earlier run: wait for Ready only. */
  resumed: boolean;
}

export async function rebootNodes(nodes: string[], opts: RebootOptions): Promise<RebootOutcome[]> {
  const { log, watch, access } = opts;
  const command = access.rebootCommand;
  const total = nodes.length;
  const outcomes = new Map<string, RebootOutcome>();
  const tally: Tally = { back: 0, failed: 0, inFlight: new Map() };

  // Aborted by the caller's signal (cancel) or by a host key mismatch (fatal).
  const stop = new AbortController();
  const onCallerAbort = () => stop.abort(opts.signal?.reason);
  if (opts.signal?.aborted) onCallerAbort();
  opts.signal?.addEventListener('abort', onCallerAbort, { once: true });
  let fatal: Error | undefined;
  let failFast: (err: Error) => void = () => {};
  const fatalPromise = new Promise<never>((_, reject) => (failFast = reject));
  fatalPromise.catch(() => {});

  const progress = rebootProgress(total, tally, {
    log,
    startedAt: Date.now(),
    limit: rebootLimit(nodes, opts),
    onLine: opts.onProgress,
  });

  const fail = (o: Omit<RebootOutcome, 'ok'> & { error: string }) => {
    outcomes.set(o.node, { ...o, ok: false });
    // Out of flight before the line is printed: it must not name a node that is settled as slowest.
    tally.inFlight.delete(o.node);
    tally.failed++;
    log.warn(oneLine(o.error));
    progress.countsChanged();
  };

  // ---- one node: send the command ----
  const send = async (node: string): Promise<Sent | undefined> => {
    const before = watch.get(node);
    const base = { node, address: '', bootIdBefore: before?.bootID ?? '', commandSentAt: 0 };
    if (stop.signal.aborted) {
      outcomes.set(node, { ...base, ok: false, error: `${node} was not rebooted: the run was cancelled` });
      return undefined;
    }
    if (!before) {
      fail({ ...base, error: `${node} was not rebooted: it is not among the cluster's nodes` });
      return undefined;
    }
    if (opts.alreadyRebooted?.(node, before.bootID)) {
      log.info(`${node}: already rebooted (bootID ${shortId(before.bootID)}), not rebooting it again`);
      const sentAt = Date.now();
      tally.inFlight.set(node, sentAt);
      return { node, before, address: '', sentAt, resumed: true };
    }
    try {
      const r = await access.scheduleReboot(
        { name: node, addresses: before.addresses },
        { timeoutMs: COMMAND_TIMEOUT_MS, signal: stop.signal },
      );
      const sentAt = Date.now();
      if (r.code !== null && r.code !== 0) {
        const detail = (r.stderr.trim() || r.stdout.trim()).slice(0, 300);
        fail({
          ...base,
          address: r.address,
          commandSentAt: sentAt,
          error: `the reboot command failed on ${node} (exit ${r.code})${detail ? `: ${detail}` : ''}`,
        });
        return undefined;
      }
      tally.inFlight.set(node, sentAt);
      log.info(`${node}: reboot command sent via ${r.address} (bootID ${shortId(before.bootID)})`);
      return { node, before, address: r.address, sentAt, resumed: false };
    } catch (err) {
      if (access.isFatal(err)) {
        if (!fatal) {
          fatal = err as Error;
          stop.abort(err);
          failFast(fatal);
        }
        return undefined;
      }
      if (isAbortError(err)) {
        // The shell's gate refused it, or closed the connection before the node confirmed it.
        outcomes.set(node, {
          ...base,
          ok: false,
          error: `the run was cancelled before ${node} confirmed a reboot command`,
        });
        return undefined;
      }
      fail({ ...base, error: `${node} was not rebooted: ${(err as Error).message}` });
      return undefined;
    }
  };

  // ---- one node: wait until it is back ----
  const awaitBack = async (s: Sent): Promise<void> => {
    const base = { node: s.node, address: s.address, bootIdBefore: s.before.bootID, commandSentAt: s.sentAt };
    try {
      const pred = s.resumed
        ? (n: NodeState) => n.ready
        : (n: NodeState) => n.ready && n.bootID !== s.before.bootID;
      const after = await watch.until(
        s.node,
        pred,
        opts.rebootTimeoutMs,
        `${s.node} to come back from its reboot`,
        stop.signal,
      );
      const backAt = Date.now();
      outcomes.set(s.node, { ...base, bootIdAfter: after.bootID, backAt, ok: true });
      tally.inFlight.delete(s.node);
      tally.back++;
      log.info(
        `${s.node} back after ${formatDuration(backAt - s.sentAt)} (bootID ${shortId(s.before.bootID)} → ${shortId(after.bootID)})`,
      );
      progress.countsChanged();
    } catch (err) {
      if (isAbortError(err)) {
        outcomes.set(s.node, {
          ...base,
          ok: false,
          error: `stopped waiting for ${s.node} to come back: ${fatal ? fatal.message : 'the run was cancelled'}`,
        });
        return;
      }
      if (err instanceof WaitTimeoutError) {
        const now = watch.get(s.node);
        fail({
          ...base,
          ...(now && now.bootID !== s.before.bootID ? { bootIdAfter: now.bootID } : {}),
          error: `${s.node} did not come back within ${formatDuration(opts.rebootTimeoutMs)} (last seen ${lastSeen(s.before, now)})`,
        });
        return;
      }
      fail({ ...base, error: `waiting for ${s.node} to come back failed: ${(err as Error).message}` });
    } finally {
      tally.inFlight.delete(s.node);
    }
  };

  // ---- fan-out ----
  const rebootAndWait = async (node: string) => {
    const s = await send(node);
    if (s) await awaitBack(s);
  };
  const isControlPlane = (node: string) => opts.controlPlane?.has(node) === true;
  const masters = opts.maxParallel > 0 ? nodes.filter(isControlPlane) : [];
  // A control-plane node that did not make it back: no other one is taken down after it.
  let quorumAt: string | undefined;
  const oneMaster = async (node: string) => {
    if (quorumAt && !stop.signal.aborted) {
      const bootIdBefore = watch.get(node)?.bootID ?? '';
      return fail({
        node,
        address: '',
        bootIdBefore,
        commandSentAt: 0,
        error: `${node} was not rebooted: control-plane node ${quorumAt} did not complete its reboot, and a second control-plane node down could cost etcd its quorum`,
      });
    }
    await rebootAndWait(node);
    if (!outcomes.get(node)?.ok) quorumAt ??= node;
  };
  const order =
    opts.maxParallel > 0
      ? `${masters.length ? `${masters.length} control-plane node(s) one at a time, then the others ` : ''}at most ${opts.maxParallel} at a time`
      : 'all at once';
  log.info(`reboot: ${total} node(s), ${order}, with \`${command}\``);
  const waits: Promise<void>[] = [];
  const work =
    opts.maxParallel > 0
      ? pool(masters, 1, oneMaster).then(() =>
          pool(
            nodes.filter((n) => !isControlPlane(n)),
            opts.maxParallel,
            rebootAndWait,
          ),
        )
      : pool(nodes, SEND_CONCURRENCY, async (node) => {
          const s = await send(node);
          if (s) waits.push(awaitBack(s));
        }).then(() => Promise.all(waits));
  try {
    await Promise.race([work, fatalPromise]);
  } finally {
    progress.stop();
    opts.signal?.removeEventListener('abort', onCallerAbort);
  }
  if (fatal) throw fatal;
  progress.flush();
  return nodes.map(
    (node) =>
      outcomes.get(node) ?? {
        node,
        address: '',
        bootIdBefore: watch.get(node)?.bootID ?? '',
        commandSentAt: 0,
        ok: false,
        error: `${node} was not rebooted: the run was cancelled`,
      },
  );
}

/** Runs `work` on every node of `nodes`, at most `width` at once, in order. */
async function pool(nodes: string[], width: number, work: (node: string) => Promise<void>): Promise<void> {
  const queue = [...nodes];
  const worker = async () => {
    for (let node = queue.shift(); node !== undefined; node = queue.shift()) await work(node);
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(width, queue.length)) }, worker));
}

function lastSeen(before: NodeState, now: NodeState | undefined): string {
  if (!now) return 'not in the cluster';
  const ready = now.ready ? 'Ready' : 'NotReady';
  const boot =
    now.bootID === before.bootID
      ? 'bootID unchanged'
      : `bootID ${shortId(before.bootID)} → ${shortId(now.bootID)}`;
  return `${ready}, ${boot}`;
}
/** Nodes back, failed, and in flight (name → when its command was sent), as the fan-out goes. */
interface Tally {
  back: number;
  failed: number;
  inFlight: Map<string, number>;
}

/**
 * The limit a progress line shows: with one wave (every command at once, or no more nodes than
 * maxParallel and no control-plane node to take first) each node's reboot-timeout is the wave's; in
 * waves, each node still gets reboot-timeout from its own command, so the line says so.
 */
function rebootLimit(nodes: string[], opts: RebootOptions): string {
  const oneWave =
    opts.maxParallel === 0 ||
    (nodes.length <= opts.maxParallel && !nodes.some((n) => opts.controlPlane?.has(n)));
  return `${formatDuration(opts.rebootTimeoutMs)}${oneWave ? '' : ' per node'}`;
}

/**
 * The fan-out's progress line, `[3m10s / 10m] reboot: 4/6 back, 2 pending; slowest worker-3 3m2s`: on
 * every count change (at most one per PROGRESS_MIN_GAP_MS, the last change never lost) and every
 * PROGRESS_EVERY_MS while nothing changes, naming the slowest node. The counts only grow; `flush`
 * prints the final counts unless the last line already showed them, so no line is printed twice.
 */
function rebootProgress(total: number, tally: Tally, printer: ProgressPrinterOptions) {
  const out = new ProgressPrinter(printer);
  let lastCounts = '';
  let lastEmitAt = 0;
  let trailing: NodeJS.Timeout | undefined;
  const counts = () => `${tally.back}/${tally.failed}`;
  const line = (): string => {
    const pending = total - tally.back - tally.failed;
    let slowest = '';
    let oldest = Infinity;
    for (const [name, at] of tally.inFlight)
      if (at < oldest) {
        oldest = at;
        slowest = name;
      }
    const slow = slowest ? `; slowest ${slowest} ${formatDuration(Date.now() - oldest)}` : '';
    return `reboot: ${tally.back}/${total} back, ${pending} pending${tally.failed ? `, ${tally.failed} failed` : ''}${slow}`;
  };
  const emit = () => {
    clearTimeout(trailing);
    trailing = undefined;
    lastCounts = counts();
    lastEmitAt = Date.now();
    out.print(line());
  };
  const ticker = setInterval(emit, PROGRESS_EVERY_MS);
  return {
    flush: () => {
      if (counts() !== lastCounts) emit();
    },
    countsChanged: () => {
      if (counts() === lastCounts) return;
      const wait = lastEmitAt + PROGRESS_MIN_GAP_MS - Date.now();
      if (wait <= 0) emit();
      else trailing ??= setTimeout(emit, wait);
    },
    stop: () => {
      clearInterval(ticker);
      clearTimeout(trailing);
    },
  };
}
