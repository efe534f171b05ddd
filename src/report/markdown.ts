// report.md and the job summary: one Markdown rendering of the RunReport, in the order its readers
// need it — the verdict first (the approver decides on it, on-call starts from it), then the cluster
// and the inputs, the risk, what happened and what to do, and the long tables collapsed. Every value
// that comes from the cluster or the user goes through escapeHtml (escape.ts). The text is kept under
// the summary's 1 MiB limit by shortening the longest tables first, then by a hard cut.
import { escapeHtml, SUMMARY_LIMIT_BYTES } from './escape.ts';
import type { RunReport } from './model.ts';
import {
  failedChecks,
  identity,
  passingChecks,
  risk,
  warnings,
  whatHappened,
  whatNext,
  whereItStands,
} from './sections.ts';
import {
  artifact,
  backups,
  changes,
  cleanupLeft,
  estimate,
  hostKeys,
  inventory,
  nodes,
  phases,
  planSteps,
  runLine,
} from './tables.ts';
import { verdict } from './verdict.ts';
import { liveConditionsTable, strategyLine } from './live.ts';

export { escapeHtml, MAX_VALUE_CHARS, SUMMARY_LIMIT_BYTES } from './escape.ts';

function verdictLines(r: RunReport): string {
  const v = verdict(r);
  const list = v.list.map((t) => `- ${escapeHtml(t)}`).join('\n');
  // Under the verdict (and the blocking checks of a refusal, which explain it): the strategy and why.
  return `## ${escapeHtml(v.line)}\n${list ? `\n${list}\n` : ''}${r.strategy ? `\n${strategyLine(r)}` : ''}`;
}

/** Renders the report; `maxRows` bounds the node and item lists (lowered until the text fits the limit). */
export function renderMarkdown(r: RunReport, maxRows = 500): string {
  const items = Math.min(maxRows, 20);
  return [
    verdictLines(r),
    identity(r),
    whatHappened(r, items),
    whereItStands(r, maxRows),
    whatNext(r),
    failedChecks(r, items),
    warnings(r, items),
    risk(r),
    cleanupLeft(r),
    phases(r),
    liveConditionsTable(r),
    estimate(r),
    planSteps(r),
    passingChecks(r),
    changes(r, maxRows),
    nodes(r, maxRows),
    hostKeys(r, maxRows),
    inventory(r, maxRows),
    backups(r),
    artifact(r),
    runLine(r),
  ]
    .filter(Boolean)
    .join('\n');
}

/** The same rendering, shrunk until it fits the job summary's limit. */
export function renderSummary(r: RunReport): string {
  const limit = SUMMARY_LIMIT_BYTES - 1024;
  let rows = 500;
  let md = renderMarkdown(r, rows);
  while (Buffer.byteLength(md) > limit && rows > 5) {
    rows = Math.floor(rows / 2);
    md = renderMarkdown(r, rows);
  }
  return Buffer.byteLength(md) > limit ? cutToFit(md, limit) : md;
}

/** Last resort: whole lines up to the limit, then a note. Lines end before any cut, so no entity or tag is split. */
function cutToFit(md: string, limit: number): string {
  const note =
    '\n\n… the summary was cut here to stay under 1 MiB; report.md in the artifact has every row, report.json every value in full.\n';
  const budget = limit - Buffer.byteLength(note);
  const lines = md.split('\n');
  let size = 0;
  let n = 0;
  while (n < lines.length && size + Buffer.byteLength(lines[n]) + 1 <= budget)
    size += Buffer.byteLength(lines[n++]) + 1;
  return lines.slice(0, n).join('\n') + note;
}
