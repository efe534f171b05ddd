// Small building blocks of the summary: tables, collapsed sections, natural order, the numbers the
// verdict and the risk section share (objects the plan changes, nodes per pool, pod-network downtime).
import { formatDuration } from '../util/duration.ts';
import { escapeHtml } from './escape.ts';
import type { NodeRecord, RunReport } from './model.ts';

/** A duration for the summary; empty when there is none. */
export const duration = (ms: number | undefined): string => (ms === undefined ? '' : formatDuration(ms));

/** Minutes, rounded, for the verdict ("about 33 min"). */
export const minutes = (ms: number): string => `${Math.max(1, Math.round(ms / 60_000))} min`;

export function table(headers: string[], rows: string[][]): string {
  if (rows.length === 0) return '';
  const head = `| ${headers.join(' | ')} |\n| ${headers.map(() => '---').join(' | ')} |\n`;
  return head + rows.map((r) => `| ${r.join(' | ')} |`).join('\n') + '\n';
}

/** A table without the columns that are empty in every row (e.g. boot IDs in a plan). */
export function compactTable(headers: string[], rows: string[][], keep: number[] = [0]): string {
  const used = headers.map((_, i) => keep.includes(i) || rows.some((r) => r[i] !== ''));
  const pick = <T>(xs: T[]) => xs.filter((_, i) => used[i]);
  return table(pick(headers), rows.map(pick));
}

/** A collapsed section; `summary` is Markdown-safe text already (escaped by the caller). */
export function details(summary: string, body: string): string {
  if (!body.trim()) return '';
  return `<details><summary>${summary}</summary>\n\n${body.trimEnd()}\n\n</details>\n`;
}

/** `worker-2` before `worker-10`. */
export const naturalCompare = new Intl.Collator('en', { numeric: true }).compare;

/** The nodes grouped by pool (pools and nodes in natural order; nodes without a pool last). */
export function nodesByPool(r: RunReport): [string, NodeRecord[]][] {
  const groups = new Map<string, NodeRecord[]>();
  for (const n of r.nodes.values()) {
    const pool = n.pool ?? '';
    groups.set(pool, [...(groups.get(pool) ?? []), n]);
  }
  return [...groups.entries()]
    .sort(([a], [b]) => (a === '' ? 1 : b === '' ? -1 : naturalCompare(a, b)))
    .map(([pool, nodes]) => [pool, nodes.sort((a, b) => naturalCompare(a.name, b.name))]);
}

/** "master 3, worker 3" */
export function poolCounts(r: RunReport): string {
  return nodesByPool(r)
    .map(([pool, nodes]) => `${pool || '(no pool)'} ${nodes.length}`)
    .join(', ');
}

/** Distinct objects the plan would change ("Kind name: …" lines; already-done steps excluded). */
export function plannedObjects(r: RunReport): number {
  const objects = new Set<string>();
  for (const p of r.plan) {
    if (p.phase === 'Throughout') continue;
    for (const c of p.changes) if (!c.startsWith('(')) objects.add(c.split(':')[0]!.trim());
  }
  return objects.size;
}

/** How long the pod network is down: from the switch until every node is back (the reboot phase). */
export function networkDownMs(r: RunReport): number | undefined {
  return r.estimate?.parts.find((p) => /^Reboot/.test(p.what))?.ms;
}

/** The first `max` items escaped and joined by <br>, then how many more. */
export function itemList(items: string[], max: number, where = 'report.json'): string {
  const shown = items
    .slice(0, max)
    .map((t) => escapeHtml(t))
    .join('<br>');
  return items.length > max ? `${shown}<br>… and ${items.length - max} more (see ${where})` : shown;
}

/** A name fit for a shell command in a code block (cluster text is shown only if it is a plain DNS name). */
export const safeName = (name: string): string | undefined =>
  /^[a-z0-9]([a-z0-9.-]{0,251}[a-z0-9])?$/.test(name) ? name : undefined;

/** After the fact (any result but planned and refused), the summary speaks in the past tense. */
export const afterTheFact = (r: RunReport): boolean => r.result !== 'planned' && r.result !== 'refused';

/** Pools and their nodes in the order they reboot, cut at 20 names per pool. */
export function rebootOrder(r: RunReport): string {
  return nodesByPool(r)
    .map(([pool, nodes]) => {
      const names = nodes.slice(0, 20).map((n) => n.name);
      const more = nodes.length > 20 ? `, … and ${nodes.length - 20} more` : '';
      return `  - ${escapeHtml(pool || '(no pool)')} (${nodes.length}): ${escapeHtml(names.join(', '))}${more}`;
    })
    .join('\n');
}
