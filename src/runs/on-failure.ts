// on-failure: rollback — a migrate run that failed after it changed the cluster goes back to OpenShift
// SDN in the same job, as a second run with its own report (both in the artifact and the summary).
// Never when the failure is that the API server cannot be reached (a rollback would fail the same way
// and a person must look first), after a cancel, or when another run took the checkpoint over.
import * as core from '@actions/core';
import { join } from 'node:path';
import { ClusterError } from '../cluster/errors.ts';
import { CLUSTER_VERSION } from '../cluster/types.ts';
import { annotationText } from '../util/log.ts';
import { connect } from './connect.ts';
import { describeFailure, resultOf } from './failure.ts';
import { runRollback } from './rollback.ts';
import { openSession, type Session } from './session.ts';

/** A transport failure (no HTTP answer) anywhere in the cause chain. */
function apiUnreachable(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e instanceof Error && depth < 10; e = e.cause, depth++)
    if (e instanceof ClusterError && e.status === undefined) return true;
  return false;
}

/** Why this failed run may not roll back by itself, or undefined when it may. */
async function whyNot(s: Session, err: unknown): Promise<string | undefined> {
  if (s.settings.mode !== 'migrate' || s.settings.onFailure !== 'rollback') return 'off';
  if (!s.started) return 'the migration had not started changing the cluster';
  if (s.cancel.aborted) return 'the run was cancelled';
  if (s.lease?.lost) return 'another run holds the checkpoint now';
  if (apiUnreachable(err)) return 'the API server could not be reached';
  try {
    await s.cluster.get(CLUSTER_VERSION);
  } catch {
    return 'the API server cannot be reached now';
  }
  return undefined;
}

/** Runs the rollback when on-failure: rollback allows it; its session (report) for publishing, else undefined. */
export async function rollBackAfterFailure(s: Session, err: unknown): Promise<Session | undefined> {
  const why = await whyNot(s, err);
  if (why === 'off') return undefined;
  if (why) {
    const msg = `on-failure: rollback — not rolling back: ${why}.`;
    s.log.warn(msg);
    s.report.warnings.push(msg);
    return undefined;
  }
  s.lease?.end();
  await s.nodeTools.close();
  const r = openSession({ ...s.settings, mode: 'rollback' }, s.cancel);
  r.workDir = join(s.workDir, 'rollback');
  r.backupDir = join(r.workDir, 'backup');
  r.log.info('on-failure: rollback — rolling the cluster back to OpenShift SDN in this job');
  try {
    await connect(r);
    await runRollback(r);
  } catch (e) {
    await r.lease?.release().catch(() => undefined);
    r.report.result = resultOf(e, r);
    r.report.failure = await describeFailure(e, r);
    core.error(annotationText(`rollback after the failed migration: ${r.report.failure.message}`));
  } finally {
    r.lease?.end();
    await r.nodeTools.close();
  }
  if (r.report.result === 'rolled-back' && s.report.failure)
    s.report.failure.nextSteps = [
      'The cluster is back on OpenShift SDN, verified (see the rollback report). Fix the cause named above before migrating again: a new mode: migrate run starts from the beginning.',
    ];
  // Said once the rollback ended: it may have been refused (a node still down) or failed itself.
  const now = r.report.cluster.networkTypeAfter ?? r.report.cluster.networkTypeBefore ?? '?';
  s.report.warnings.push(
    r.report.result === 'rolled-back'
      ? 'on-failure: rollback — the migration failed after changing the cluster, so this job rolled it back to OpenShift SDN; the rollback has its own report (rollback/report.json in the artifact, and below in the summary).'
      : `on-failure: rollback — the migration failed after changing the cluster and this job tried to roll it back, but the rollback ended ${r.report.result} (its report: rollback/report.json in the artifact, and below in the summary).`,
    `on-failure: rollback ended with result ${r.report.result}; network type now ${now}.`,
  );
  return r;
}
