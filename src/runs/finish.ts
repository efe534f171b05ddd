// On every path, last: the report files, the artifact (backup + reports), the job summary and the
// outputs.
import * as core from '@actions/core';
import { commonRoot, uploadArtifact, writeReportFiles, writeSummary } from '../report/publish.ts';
import { reportHostKeys } from '../nodes/host-key-report.ts';
import type { Session } from './session.ts';
import { compareWithActual } from '../checks/estimate.ts';

/** `rollback`: the same job's rollback after a failed migrate (on-failure: rollback), published beside it. */
export async function publishRun(s: Session, rollback?: Session): Promise<void> {
  const { report, settings, workDir, backupDir } = s;
  const knownHosts = reportHostKeys(report, s.nodeTools.shell());
  report.finishedAt = new Date();
  if (report.estimate && report.phases.length)
    report.estimateVsActual = compareWithActual(report.estimate, report.phases);
  const files = await writeReportFiles(report, workDir);
  if (rollback) rollback.report.finishedAt = new Date();
  const second = rollback ? await writeReportFiles(rollback.report, rollback.workDir) : undefined;
  const uploads = [...report.backup.files, files.json, files.md, ...(second ? [second.json, second.md] : [])];
  await uploadArtifact(report, settings.artifactName, uploads, commonRoot(uploads), settings.retentionDays);
  // Written again so the artifact id / upload error are in the kept copy too.
  await writeReportFiles(report, workDir);
  await writeSummary(report);
  if (rollback) await writeSummary(rollback.report);
  const last = rollback?.report.cluster.networkTypeAfter ? rollback.report : report;
  core.setOutput('result', report.result);
  core.setOutput('network-type', last.cluster.networkTypeAfter ?? report.cluster.networkTypeBefore ?? '');
  core.setOutput('report-path', files.json);
  core.setOutput('backup-path', report.backup.files.length ? backupDir : '');
  core.setOutput('cluster-id', report.cluster.id ?? '');
  core.setOutput('known-hosts', knownHosts);
  core.setOutput('artifact-id', report.artifact.id === undefined ? '' : String(report.artifact.id));
}
