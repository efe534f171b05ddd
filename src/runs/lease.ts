// The checkpoint as a lease: one run at a time works on a migration. The holder (run id, attempt,
// runner) renews it while it works; every write carries the resourceVersion it read, so a 409 means
// someone else holds it now and this run stops without another change. A lease not renewed for its
// staleAfterSeconds (the holder died) may be taken over: that is how a re-run after a dead runner
// continues.
//
// The intervals live in the lease record itself (30 s and 5 min when a run creates it). A run that
// continues a checkpoint keeps the record's values, so they can be shortened by editing the ConfigMap
// (an administrator in a hurry, or a test) without any switch in the product.
import {
  type Checkpoint,
  CheckpointConflict,
  describeHolder,
  type LeaseHolder,
  type LeaseRecord,
} from '../procedure/checkpoint.ts';
import type { RunContextInfo } from '../report/model.ts';
import { ClusterError, isTlsError } from '../cluster/errors.ts';
import { sleep } from '../util/abort.ts';
import { formatDuration } from '../util/duration.ts';
import type { Logger } from '../util/log.ts';

export const DEFAULT_RENEW_SECONDS = 30;
export const DEFAULT_STALE_AFTER_SECONDS = 300;

/** This run as a lease holder. */
export function thisRun(context: RunContextInfo, env: NodeJS.ProcessEnv = process.env): LeaseHolder {
  return {
    runId: env.GITHUB_RUN_ID || 'local',
    attempt: env.GITHUB_RUN_ATTEMPT || '1',
    runner: env.RUNNER_NAME || 'unknown-runner',
    ...(context.runUrl ? { runUrl: context.runUrl } : {}),
    ...(context.actor ? { actor: context.actor } : {}),
  };
}

function sameHolder(a: LeaseHolder, b: LeaseHolder): boolean {
  return a.runId === b.runId && a.attempt === b.attempt && a.runner === b.runner;
}

/** The record's intervals, or the defaults when they are missing or unreasonable. */
export function leaseIntervals(rec: Partial<LeaseRecord> | undefined): {
  renewMs: number;
  staleAfterMs: number;
} {
  const renew = Number(rec?.renewSeconds);
  const stale = Number(rec?.staleAfterSeconds);
  // Renewals at least three times per stale period, so one lost renewal does not lose the lease.
  const ok = renew >= 1 && renew <= 300 && stale >= 3 * renew && stale <= 3600;
  return ok
    ? { renewMs: renew * 1000, staleAfterMs: stale * 1000 }
    : { renewMs: DEFAULT_RENEW_SECONDS * 1000, staleAfterMs: DEFAULT_STALE_AFTER_SECONDS * 1000 };
}

export type LeaseView =
  | { kind: 'free' }
  | { kind: 'mine' }
  | { kind: 'held' | 'stale'; holder: LeaseHolder; ageMs: number; staleAfterMs: number };

/** Who holds the checkpoint's lease, seen from this run at `now`. */
export function leaseView(cp: Checkpoint | undefined, me: LeaseHolder, now = Date.now()): LeaseView {
  const rec = cp?.state.lease;
  if (!rec?.holder) return { kind: 'free' };
  if (sameHolder(rec.holder, me)) return { kind: 'mine' };
  const renewed = Date.parse(rec.renewedAt);
  const ageMs = Number.isFinite(renewed) ? Math.max(0, now - renewed) : Infinity;
  const { staleAfterMs } = leaseIntervals(rec);
  return { kind: ageMs > staleAfterMs ? 'stale' : 'held', holder: rec.holder, ageMs, staleAfterMs };
}

/** Another run holds a fresh lease: this one refuses, with no change. */
export class LeaseHeld extends Error {
  /** `what`: the kind of run the checkpoint records (a rollback's identity goes to OpenShiftSDN). */
  constructor(holder: LeaseHolder | undefined, detail: string, what: 'migration' | 'rollback' = 'migration') {
    super(
      `another run of this action is working on the ${what}: ${holder ? describeHolder(holder) : 'holder unknown'} (${detail}) — no change was made. Wait for it to finish; if that run is dead, a run started after its lease has not been renewed for 5 minutes takes over and continues`,
    );
    this.name = 'LeaseHeld';
  }
}

/** This run lost the lease while working: it stopped without another change. */
export class LeaseLost extends Error {
  constructor(detail: string) {
    super(`this run lost the checkpoint lease (${detail}) and stopped: no further change was made by it`);
    this.name = 'LeaseLost';
  }
}

export function ageText(ms: number): string {
  return Number.isFinite(ms) ? `${formatDuration(ms)} ago` : 'at an unknown time';
}

const SAVE_RETRY_MS = 5_000;

/** The API server did not answer, or answered that it is unavailable (a transient state). */
function apiAway(err: unknown): boolean {
  if (!(err instanceof ClusterError)) return false;
  if (err.status === undefined) return !isTlsError(err.reason);
  return err.status >= 500 || err.status === 429;
}

/** Holds the lease for one run: acquire, renew in the background, release. */
export class LeaseKeeper {
  private timer: NodeJS.Timeout | undefined;
  private lastRenewed = Date.now();
  private lostError: LeaseLost | undefined;
  private readonly cp: Checkpoint;
  private readonly me: LeaseHolder;
  private readonly log: Logger;
  private readonly stop: AbortController;

  /** `stop` is aborted when the lease is lost, which stops the run before its next change. */
  constructor(cp: Checkpoint, me: LeaseHolder, log: Logger, stop: AbortController) {
    this.cp = cp;
    this.me = me;
    this.log = log;
    this.stop = stop;
  }

  get lost(): LeaseLost | undefined {
    return this.lostError;
  }

  /** Takes the lease (writes the checkpoint as its holder) and starts renewing it. */
  async acquire(): Promise<void> {
    const { renewMs, staleAfterMs } = leaseIntervals(this.cp.state.lease);
    this.cp.state.lease = {
      holder: this.me,
      renewedAt: new Date().toISOString(),
      renewSeconds: renewMs / 1000,
      staleAfterSeconds: staleAfterMs / 1000,
    };
    try {
      await this.cp.save();
    } catch (err) {
      if (err instanceof CheckpointConflict) throw new LeaseHeld(undefined, err.message);
      throw err;
    }
    this.lastRenewed = Date.now();
    this.log.info(
      `Holding the checkpoint lease as ${describeHolder(this.me)} (renewed every ${formatDuration(renewMs)}; stale after ${formatDuration(staleAfterMs)}).`,
    );
    this.schedule(renewMs, staleAfterMs);
  }

  /**
   * Saves the checkpoint as the holder; a 409 means the lease is lost: the run stops. A step can end
   * while the API server is away (a single master rebooting under MCO): the save then rides through
   * the outage, retrying until the lease would go stale — past that another run may take over anyway.
   * Renewals and the release at the end do not wait (`rideOut` false): a renewal retries on its own
   * timer, and a run that ends with the API away must still finish its summary.
   */
  async save(rideOut = true): Promise<void> {
    if (this.lostError) throw this.lostError;
    const { staleAfterMs } = leaseIntervals(this.cp.state.lease);
    const giveUpAt = rideOut ? Date.now() + staleAfterMs : 0;
    for (let warned = false; ; warned = true) {
      // Every write is a sign of life.
      if (this.cp.state.lease?.holder) this.cp.state.lease.renewedAt = new Date().toISOString();
      try {
        await this.cp.save();
        this.lastRenewed = Date.now();
        if (warned) this.log.info('The API server answers again: the checkpoint is saved.');
        return;
      } catch (err) {
        if (err instanceof CheckpointConflict) {
          this.lose(err.message);
          throw this.lostError!;
        }
        if (!apiAway(err) || Date.now() + SAVE_RETRY_MS > giveUpAt) throw err;
        if (!warned)
          this.log.warn(
            `could not save the checkpoint: ${(err as Error).message}; retrying every ${formatDuration(SAVE_RETRY_MS)} for up to ${formatDuration(staleAfterMs)}`,
          );
        await sleep(SAVE_RETRY_MS);
      }
    }
  }

  private schedule(renewMs: number, staleAfterMs: number): void {
    this.timer = setTimeout(() => void this.renew(renewMs, staleAfterMs), renewMs);
  }

  private async renew(renewMs: number, staleAfterMs: number): Promise<void> {
    if (!this.cp.state.lease?.holder) return;
    try {
      await this.save(false);
      this.log.debug(`checkpoint lease renewed at ${this.cp.state.lease?.renewedAt ?? '?'}`);
    } catch (err) {
      const msg = err instanceof Error ? err.message : String(err);
      if (this.lostError) return;
      if (Date.now() - this.lastRenewed > staleAfterMs)
        return this.lose(`not renewed for ${formatDuration(Date.now() - this.lastRenewed)}: ${msg}`);
      this.log.warn(`could not renew the checkpoint lease (will retry): ${msg}`);
    }
    if (this.timer !== undefined) this.schedule(renewMs, staleAfterMs);
  }

  private lose(detail: string): void {
    if (this.lostError) return;
    this.lostError = new LeaseLost(detail);
    clearTimeout(this.timer);
    this.timer = undefined;
    this.log.warn(this.lostError.message);
    this.stop.abort(this.lostError);
  }

  /**
   * Ends this run's hold: the checkpoint keeps the progress with no holder, so a re-run continues at
   * once — or is removed when no step was done (there is nothing to continue). Never after losing it.
   */
  async release(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.lostError || !this.cp.exists || !this.cp.state.lease) return;
    if (this.cp.state.completedSteps.length === 0) {
      await this.cp.clear('no step was done, there is nothing to continue');
      return;
    }
    this.cp.state.lease.holder = null;
    await this.save(false);
    this.log.info('Released the checkpoint lease: a new run with the same inputs continues from here.');
  }

  /** Stops renewing (the checkpoint was removed). */
  end(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }
}
