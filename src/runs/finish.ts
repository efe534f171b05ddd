// On every path, last: the node table read again, the annotations, the report files, the artifact
// (backup + reports), the job summary and the outputs.
import * as core from '@actions/core';
import { NODES, type KObject } from '../cluster/types.ts';
import { nodeConfigState, nodeReady } from '../openshift/objects.ts';
import { commonRoot, uploadArtifact, writeReportFiles, writeSummary } from '../report/publish.ts';
import type { RunReport } from '../report/model.ts';
import { reportHostKeys } from '../nodes/host-key-report.ts';
import { logError, type Logger } from '../util/log.ts';
import { runNoun } from '../report/verdict.ts';
import type { Session } from './session.ts';
import { compareWithActual } from '../checks/estimate.ts';

/** How long the final node read may take: the API may be the very thing that is down. */
const NODE_READ_MS = 20_000;

/** The Ready condition in words when it is not True: `Ready=Unknown (NodeStatusUnknown: Kubelet stopped posting node status.)`. */
function readyCondition(n: KObject): string | undefined {
  const c = (
    (n.status?.conditions ?? []) as { type: string; status: string; reason?: string; message?: string }[]
  ).find((x) => x.type === 'Ready');
  if (!c || c.status === 'True') return undefined;
  return `Ready=${c.status}${c.reason ? ` (${c.reason}${c.message ? `: ${c.message}` : ''})` : ''}`;
}

/**
 * The node table's state as the run ends, so that a node that never came back shows NotReady, never
 * its state from before the reboot. Reads only (the cancel gate allows them); when the API does not
 * answer, the table keeps what was last seen and says so.
 */
export async function refreshNodes(s: Session): Promise<void> {
  const { report } = s;
  if (!report.nodes.size) return;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer in ${NODE_READ_MS / 1000}s`)), NODE_READ_MS);
  });
  try {
    const list = await Promise.race([s.cluster.list(NODES), timeout]);
    for (const n of list.items) {
      const rec = report.nodes.get(n.metadata.name);
      if (!rec) continue;
      rec.ready = nodeReady(n);
      rec.condition = readyCondition(n);
      rec.mcoState = nodeConfigState(n).state ?? rec.mcoState;
      const boot = n.status?.nodeInfo?.bootID;
      if (rec.bootIdBefore && typeof boot === 'string' && boot) rec.bootIdAfter = boot;
    }
  } catch (err) {
    report.warnings.push(
      `The node table shows each node as last seen: the nodes could not be read at the end of the run (${err instanceof Error ? err.message : String(err)}).`,
    );
  } finally {
    clearTimeout(timer);
  }
}

const itemsText = (items: string[] | undefined): string =>
  items?.length
    ? `: ${items.slice(0, 5).join('; ')}${items.length > 5 ? ` … and ${items.length - 5} more` : ''}`
    : '';

function failureTitle(report: RunReport): string {
  const phase = report.failure?.phase;
  switch (report.result) {
    case 'refused':
      return 'Refused: this run made no change';
    case 'cancelled':
      return `${runNoun(report)} cancelled${phase ? ` during ${phase}` : ''}`;
    case 'unhealthy':
      return 'Already on OVN-Kubernetes, verification failed';
    default:
      return `${runNoun(report)} failed${phase ? ` during ${phase}` : ''}`;
  }
}

/**
 * The annotations approvers and on-call see first, each with a title: the run's failure as one error
 * (with the objects of every failed blocking check its message does not already name — a blocking
 * check always ends the run, so this is the one place it is reported), each failed warning check as a
 * warning. main.ts then only sets the exit code, so no error shows twice.
 */
export function annotate(report: RunReport, log: Logger): void {
  if (report.failure) {
    const msg = report.failure.message;
    const extra = report
      .failedChecks()
      .filter((c) => !msg.includes(c.detail))
      .map((c) => `${c.title} — ${c.detail}${itemsText(c.items)}`);
    logError(log, [msg, ...extra].join('\n'), failureTitle(report));
  }
  for (const c of report.checks.filter((x) => !x.ok && x.severity === 'warn'))
    log.warn(`${c.detail}${itemsText(c.items)}`, c.title);
}

/** `rollback`: the same job's rollback after a failed migrate (on-failure: rollback), published beside it. */
export async function publishRun(s: Session, rollback?: Session): Promise<void> {
  const { report, settings, workDir, backupDir } = s;
  const knownHosts = reportHostKeys(report, s.nodeTools.shell());
  if (report.result !== 'planned' && report.result !== 'refused') await refreshNodes(s);
  annotate(report, s.log);
  if (rollback) annotate(rollback.report, s.log);
  report.finishedAt = new Date();
  if (report.estimate && report.phases.length)
    report.estimateVsActual = compareWithActual(report.estimate, report.phases);
  const files = await writeReportFiles(report, workDir);
  if (rollback) rollback.report.finishedAt = new Date();
  const second = rollback ? await writeReportFiles(rollback.report, rollback.workDir) : undefined;
  const uploads = [...report.backup.files, files.json, files.md, ...(second ? [second.json, second.md] : [])];
  await core.group(`Upload the artifact ${settings.artifactName}`, () =>
    uploadArtifact(report, settings.artifactName, uploads, commonRoot(uploads), settings.retentionDays),
  );
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
