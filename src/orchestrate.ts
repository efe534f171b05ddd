// One run of the action after the inputs are read: connect, decide (prepare), then one kind of run —
// plan, migrate or verify-only (src/runs/) — and, on every path, describe how it ended and publish the
// report, artifact, summary and outputs.
import * as core from '@actions/core';
import { mkdir } from 'node:fs/promises';
import type { RunReport } from './report/model.ts';
import type { Settings } from './inputs/settings.ts';
import { bannerLines } from './runs/banner.ts';
import { connect } from './runs/connect.ts';
import { describeFailure, resultOf } from './runs/failure.ts';
import { publishRun } from './runs/finish.ts';
import { runMigrate } from './runs/migrate.ts';
import { runPlan } from './runs/plan.ts';
import { rollBackAfterFailure } from './runs/on-failure.ts';
import { runRollback } from './runs/rollback.ts';
import { isRollback } from './inputs/settings.ts';
import { prepare, type Prepared } from './runs/prepare.ts';
import { openSession, type Session } from './runs/session.ts';
import { runVerifyOnly } from './runs/verify-only.ts';
import { annotationText } from './util/log.ts';

export interface RunOutcome {
  report: RunReport;
  failed: boolean;
}

type RunKind = (s: Session, p: Prepared) => Promise<void>;

/** Which kind of run this is (mode rollback / plan-rollback: src/runs/rollback.ts, before prepare). */
function kindOf(s: Session, p: Prepared): RunKind {
  if (p.onTarget) return runVerifyOnly;
  return s.settings.mode === 'plan' ? runPlan : runMigrate;
}

/** The run could not start (before the cluster was contacted, so before any report exists). */
export class RunNotStarted extends Error {
  constructor(cause: unknown) {
    super(cause instanceof Error ? cause.message : String(cause), { cause });
    this.name = 'RunNotStarted';
  }
}

async function start(settings: Settings, signal: AbortSignal): Promise<Session> {
  try {
    const s = openSession(settings, signal);
    await mkdir(s.workDir, { recursive: true });
    return s;
  } catch (err) {
    throw new RunNotStarted(err);
  }
}

/** How long a cancelled run may spend on API calls for its own bookkeeping. */
const CANCEL_BOOKKEEPING_MS = 4_000;

export async function orchestrate(settings: Settings, signal: AbortSignal): Promise<RunOutcome> {
  const s = await start(settings, signal);
  for (const line of bannerLines(settings)) s.log.info(line);
  let failed = false;
  let rollback: Session | undefined;
  try {
    const variant = await connect(s);
    if (isRollback(settings.mode)) await runRollback(s);
    else {
      const prepared = await prepare(s, variant);
      await kindOf(s, prepared)(s, prepared);
    }
  } catch (err) {
    failed = true;
    // Cancelled: the runner sends SIGTERM 7.5 s after SIGINT and kills 2.5 s later. What follows
    // (checkpoint, lease, the network's state) may not retry an API that is down for longer than this.
    if (signal.aborted) s.cluster.finishWithin(CANCEL_BOOKKEEPING_MS);
    // Whatever stopped the run, the next one must know what this one did: the progress is saved and
    // the lease let go of, so a re-run continues at once.
    await s.lease
      ?.release()
      .catch((e: unknown) =>
        core.warning(
          annotationText(`could not save the checkpoint: ${e instanceof Error ? e.message : String(e)}`),
        ),
      );
    s.report.result = resultOf(err, s);
    // Reported once, as an annotation with a title, by publishRun (main.ts only sets the exit code).
    s.report.failure = await describeFailure(err, s);
    rollback = await rollBackAfterFailure(s, err);
  } finally {
    s.lease?.end();
    await s.nodeTools.close();
    await publishRun(s, rollback);
  }
  return { report: s.report, failed };
}
