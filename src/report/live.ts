// The summary's parts for the strategy and a live migration: the strategy line the approver reads first
// (right under the verdict), the risk of a live run in plain words, and the condition timeline — every
// change of the five NetworkTypeMigration conditions with its transition time, in the order seen.
import { escapeHtml } from './escape.ts';
import type { RunReport } from './model.ts';
import { afterTheFact, details, poolCounts, table } from './parts.ts';

export function isLiveReport(r: RunReport): boolean {
  return r.strategy?.chosen === 'live';
}

/** `**Strategy:** live: 4.16.20 supports it; no blocker found; …` */
export function strategyLine(r: RunReport): string {
  return r.strategy ? `**Strategy:** ${escapeHtml(r.strategy.line)}\n` : '';
}

/** The risk of a live run: the operators reboot every node twice, rolling; no outage; no stopping them. */
export function liveRisk(r: RunReport): string {
  const done = afterTheFact(r);
  const lines = [
    `- **Reboots:** every node (${r.nodes.size}: ${escapeHtml(poolCounts(r))}) ${done ? 'was' : 'is'} rebooted **twice** by the Machine Config Operator, pool by pool, each pool's maxUnavailable nodes at a time; this action reboots none.`,
    `- **Pod network:** no cluster-wide outage — workloads move off each node as it drains (PodDisruptionBudgets are respected).`,
    `- **Cancelling:** once the trigger is set, cancelling the run cannot stop the network and machine-config operators; a re-run with the same inputs attaches to the migration and follows it to the end.`,
    `- **Irreversible:** going back is a rollback (mode rollback with strategy live: the same two rolling reboots).`,
  ];
  return `### ${done ? 'What this run did' : 'The risk'}\n${lines.join('\n')}\n`;
}

/** Every condition change seen, with its transition time. */
export function liveConditionsTable(r: RunReport): string {
  const rows = r.liveConditions ?? [];
  if (!rows.length) return '';
  const body = table(
    ['Condition', 'Status', 'Reason', 'Transition', 'Seen', 'Message'],
    rows.map((c) => [
      escapeHtml(c.condition),
      escapeHtml(c.status),
      escapeHtml(c.reason ?? ''),
      escapeHtml(c.transitionAt ?? ''),
      escapeHtml(c.seenAt),
      escapeHtml(c.message ?? ''),
    ]),
  );
  return details(`Live migration conditions (${rows.length} changes, in the order seen)`, body);
}
