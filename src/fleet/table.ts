// The fleet table for the final job's summary: one row per cluster with its result, duration, nodes
// and a link to the run's artifacts. Everything read from a report (server, version, failure text) is
// cluster text and goes through the summary's own escaping (escapeHtml); links are built only from the
// fleet job's own run URL, never from a report.
import { escapeHtml, SUMMARY_LIMIT_BYTES } from '../report/markdown.ts';
import { formatDuration } from '../util/duration.ts';
import type { ArtifactInfo } from './artifacts.ts';
import { latest, type Leg, type LegReport } from './legs.ts';

export interface FleetContext {
  /** plan: every leg stops after its plan; migrate: a planned leg goes on to migrate after approval. */
  mode: 'plan' | 'migrate';
  /** The fleet run's page (from GITHUB_SERVER_URL, GITHUB_REPOSITORY, GITHUB_RUN_ID). */
  runUrl?: string;
  /** The run's artifacts by name, for direct links; without it the links go to the run's artifact list. */
  artifacts?: Map<string, ArtifactInfo>;
  /** Why there are no direct links (shown under the table). */
  artifactsNote?: string;
}

/** The longest failure text shown in a cell; the leg's own summary and report.json have all of it. */
export const MAX_DETAIL_CHARS = 300;
/** The longest server URL or version shown. */
const MAX_ABOUT_CHARS = 200;

/** How much cluster text a row shows; lowered when the table would not fit the job summary. */
interface Caps {
  detail: number;
  about: number;
}

type Verdict = 'ok' | 'planned' | 'stopped' | 'failed' | 'missing';

interface Row {
  verdict: Verdict;
  result: string;
  detail: string;
  report?: LegReport;
}

const RESULT_TEXT: Record<NonNullable<LegReport['result']>, [Verdict, string]> = {
  planned: ['planned', '📋 planned'],
  migrated: ['ok', '✅ migrated'],
  'rolled-back': ['ok', '↩️ rolled back to OpenShift SDN'],
  'already-migrated': ['ok', '✅ already on OVN-Kubernetes'],
  unhealthy: ['failed', '🩺 on OVN-Kubernetes, verification failed'],
  failed: ['failed', '❌ failed'],
  refused: ['failed', '⛔ refused'],
  cancelled: ['failed', '⏹️ cancelled'],
};

function row(leg: Leg, mode: FleetContext['mode'], caps: Caps): Row {
  const report = latest(leg);
  if (!report)
    return {
      verdict: 'missing',
      result: '⚪ no report',
      detail: 'The leg never ran or stopped before its report was uploaded: see its jobs in the run.',
    };
  if (report.error || !report.result)
    return {
      verdict: 'failed',
      result: '❓ unreadable report',
      detail: escapeHtml(report.error ?? ''),
      report,
    };
  const [verdict, text] = RESULT_TEXT[report.result];
  const state = report.state ? `<br>Where the cluster stands: ${escapeHtml(report.state, caps.detail)}` : '';
  const detail = (report.detail ? escapeHtml(report.detail, caps.detail) : '') + state;
  if (report.stage === 'plan' && report.result === 'planned' && mode === 'migrate')
    return {
      verdict: 'stopped',
      result: '⏸️ not migrated',
      detail: 'Planned; the migrate job did not run (not approved, rejected, or the run was cancelled).',
      report,
    };
  const stage = report.stage === 'plan' && verdict === 'failed' ? ' (plan)' : '';
  return { verdict, result: `${text}${stage}`, detail, report };
}

function clusterCell(cluster: string, r: LegReport | undefined, caps: Caps): string {
  const about = [r?.server, r?.version]
    .filter((v): v is string => v !== undefined)
    .map((v) => escapeHtml(v, caps.about));
  return `**${escapeHtml(cluster)}**${about.length ? `<br><sub>${about.join(' · ')}</sub>` : ''}`;
}

function nodesCell(r: LegReport | undefined): string {
  if (r?.nodes === undefined) return '';
  return r.notReady ? `${r.nodes} (${r.notReady} NotReady)` : String(r.nodes);
}

function size(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 102.4) / 10} KB`;
  return `${Math.round(bytes / (1024 * 102.4)) / 10} MB`;
}

function linkCell(r: LegReport | undefined, ctx: FleetContext): string {
  const { runUrl } = ctx;
  if (!r) return runUrl ? `[run](${runUrl})` : '';
  const name = `<code>${escapeHtml(r.artifact)}</code>`;
  const found = ctx.artifacts?.get(r.artifact);
  if (runUrl && found) return `[${name}](${runUrl}/artifacts/${found.id}) (${size(found.sizeBytes)})`;
  return runUrl ? `[artifacts](${runUrl}#artifacts): ${name}` : name;
}

/** The other outcomes, after the count of clusters that reached the run's goal. */
const COUNT_WORDS: [Verdict, string][] = [
  ['ok', 'already on OVN-Kubernetes'],
  ['planned', 'planned'],
  ['stopped', 'planned but not migrated'],
  ['failed', 'failed, refused or cancelled'],
  ['missing', 'without a report'],
];

/**
 * The verdict: how many clusters reached the run's goal (planned; or on OVN-Kubernetes), then the
 * rest. ❌ when a leg failed or left no report, ✅ when every cluster is where the run meant it to be.
 */
function headline(rows: Row[], mode: FleetContext['mode']): string {
  const count = (v: Verdict) => rows.filter((r) => r.verdict === v).length;
  const goal: Verdict = mode === 'plan' ? 'planned' : 'ok';
  const fine = count('planned') + count('ok');
  const icon = count('failed') + count('missing') > 0 ? '❌' : fine === rows.length ? '✅' : '⚠️';
  const rest = COUNT_WORDS.filter(([v]) => v !== goal && count(v) > 0).map(([v, w]) => `${count(v)} ${w}`);
  const what = mode === 'plan' ? 'planned' : 'on OVN-Kubernetes';
  return `## ${icon} Fleet ${mode}: ${count(goal)}/${rows.length} clusters ${what}${rest.length ? ` — ${rest.join(', ')}` : ''}`;
}

function render(legs: Leg[], ctx: FleetContext, caps: Caps): string {
  const rows = legs.map((leg) => row(leg, ctx.mode, caps));
  const lines = [
    headline(rows, ctx.mode),
    '',
    '| Cluster | Result | Duration | Nodes | Report | Detail |',
    '| --- | --- | --- | --- | --- | --- |',
    ...rows.map((r, i) => {
      const rep = r.report;
      const duration = rep?.durationMs === undefined ? '' : formatDuration(rep.durationMs);
      const cells = [
        clusterCell(legs[i]!.cluster, rep, caps),
        r.result,
        duration,
        nodesCell(rep),
        linkCell(rep, ctx),
        r.detail,
      ];
      return `| ${cells.join(' | ')} |`;
    }),
    '',
    ...(ctx.artifactsNote ? [`${escapeHtml(ctx.artifactsNote)}`, ''] : []),
    'Each leg’s own job summary has its plan or its report in full; its artifact holds report.json, report.md and the backup.',
    '',
  ];
  return lines.join('\n');
}

/**
 * The fleet's job summary: a verdict line, then one row per cluster in the order given. Escaping can
 * make cluster text up to eight times longer, so the cells are cut shorter until the whole table fits
 * the summary's 1 MiB; at the shortest, 256 rows of the worst text take about a quarter of it.
 */
export function renderFleetTable(legs: Leg[], ctx: FleetContext): string {
  const limit = SUMMARY_LIMIT_BYTES - 1024;
  let caps: Caps = { detail: MAX_DETAIL_CHARS, about: MAX_ABOUT_CHARS };
  let md = render(legs, ctx, caps);
  while (Buffer.byteLength(md) > limit && caps.detail > 40) {
    caps = { detail: Math.floor(caps.detail / 2), about: Math.max(20, Math.floor(caps.about / 2)) };
    md = render(legs, ctx, caps);
  }
  return md;
}
