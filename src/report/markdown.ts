// report.md and the job summary: one Markdown rendering of the RunReport. Every value that comes from
// the cluster or the user is HTML-escaped (the summary renders HTML), and the text is kept under the
// summary's 1 MiB limit by truncating the longest tables first.
import { formatDuration } from '../util/duration.ts';
import type { CheckRecord, RunReport } from './model.ts';

export const SUMMARY_LIMIT_BYTES = 1024 * 1024;

export function escapeHtml(text: unknown): string {
  return String(text ?? '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;')
    .replace(/\|/g, '&#124;')
    .replace(/\r?\n/g, '<br>');
}

/** A duration for the summary's tables; empty when there is none. */
const duration = (ms: number | undefined): string => (ms === undefined ? '' : formatDuration(ms));

const HEADLINES: Record<RunReport['result'], string> = {
  planned: '📋 Plan: SDN → OVN-Kubernetes migration (no change made)',
  migrated: '✅ Migrated to OVN-Kubernetes',
  'already-migrated': '✅ Already on OVN-Kubernetes (verified, nothing changed)',
  failed: '❌ Migration failed',
  refused: '⛔ Migration refused before any change',
  cancelled: '⏹️ Migration cancelled',
};

function table(headers: string[], rows: string[][]): string {
  if (rows.length === 0) return '';
  const head = `| ${headers.join(' | ')} |\n| ${headers.map(() => '---').join(' | ')} |\n`;
  return head + rows.map((r) => `| ${r.join(' | ')} |`).join('\n') + '\n';
}

function checkRows(checks: CheckRecord[], maxItems: number): string[][] {
  return checks.map((c) => {
    const status = c.ok ? '✅ pass' : c.severity === 'warn' ? '⚠️ warn' : '❌ fail';
    let detail = escapeHtml(c.detail);
    if (c.items?.length) {
      const shown = c.items.slice(0, maxItems).map(escapeHtml).join('<br>');
      detail += `<br>${shown}${c.items.length > maxItems ? `<br>… and ${c.items.length - maxItems} more (see report.json)` : ''}`;
    }
    if (c.evidence) detail += `<br><code>${escapeHtml(c.evidence).slice(0, 4000)}</code>`;
    return [escapeHtml(c.title), status, detail];
  });
}

/** Renders the report; `maxRows` bounds the node and item lists (lowered until the text fits the limit). */
export function renderMarkdown(r: RunReport, maxRows = 500): string {
  const out: string[] = [];
  out.push(`## ${HEADLINES[r.result]}\n`);
  const c = r.cluster;
  out.push(
    table(
      ['Cluster', 'Version', 'Procedure', 'Platform', 'Network type'],
      [
        [
          escapeHtml(c.server) + (c.id ? `<br>ID \`${escapeHtml(c.id)}\`` : ''),
          escapeHtml(c.version ?? '?'),
          escapeHtml(c.variant ?? '-'),
          escapeHtml(c.platform ?? '?'),
          escapeHtml(
            c.networkTypeAfter && c.networkTypeAfter !== c.networkTypeBefore
              ? `${c.networkTypeBefore} → ${c.networkTypeAfter}`
              : (c.networkTypeBefore ?? '?'),
          ),
        ],
      ],
    ),
  );
  if (r.failure) {
    out.push(`### What happened\n${escapeHtml(r.failure.message)}\n`);
    out.push(`### Where the cluster stands\n${escapeHtml(r.failure.clusterState)}\n`);
    if (r.failure.nextSteps.length) {
      out.push(
        `### What to do next\n${r.failure.nextSteps.map((s, i) => `${i + 1}. ${escapeHtml(s)}`).join('\n')}\n`,
      );
    }
  }
  if (r.warnings.length)
    out.push(`### Warnings\n${r.warnings.map((w) => `- ⚠️ ${escapeHtml(w)}`).join('\n')}\n`);
  if (r.estimate) {
    out.push(
      `### Estimated duration: about ${duration(r.estimate.totalMs)}\n` +
        table(
          ['Part', 'Estimate', 'Basis'],
          r.estimate.parts.map((p) => [escapeHtml(p.what), duration(p.ms), escapeHtml(p.basis)]),
        ) +
        `\n<sub>${escapeHtml(r.estimate.model)}</sub>\n`,
    );
  }
  if (r.plan.length) {
    out.push('### Planned changes, in order\n');
    out.push(
      table(
        ['#', 'Phase', 'Step', 'Changes'],
        r.plan.map((p, i) => [
          String(i + 1),
          escapeHtml(p.phase),
          escapeHtml(p.step),
          p.changes.map(escapeHtml).join('<br>'),
        ]),
      ),
    );
  }
  if (r.phases.length) {
    out.push('### Phases\n');
    out.push(
      table(
        ['Phase', 'Outcome', 'Duration', 'Detail'],
        r.phases.map((p) => [
          escapeHtml(p.title),
          escapeHtml(p.outcome ?? 'running'),
          duration(p.durationMs),
          escapeHtml(p.detail ?? ''),
        ]),
      ),
    );
  }
  if (r.checks.length) {
    out.push('### Checks\n');
    out.push(table(['Check', 'Result', 'Detail'], checkRows(r.checks, Math.min(maxRows, 50))));
  }
  if (r.changes.length) {
    out.push('### Changes made\n');
    out.push(
      table(
        ['Time', 'Object', 'Field', 'Old → new'],
        r.changes
          .slice(0, maxRows)
          .map((ch) => [
            escapeHtml(ch.at.slice(11, 19)),
            escapeHtml(ch.object),
            escapeHtml(ch.field),
            escapeHtml(`${JSON.stringify(ch.from) ?? '(none)'} → ${JSON.stringify(ch.to) ?? '(none)'}`),
          ]),
      ),
    );
  }
  const nodes = [...r.nodes.values()];
  if (nodes.length) {
    out.push('### Nodes\n');
    out.push(
      table(
        ['Node', 'Pool', 'Addresses', 'Boot ID before → after', 'Back after', 'Ready', 'MCO state', 'Notes'],
        nodes
          .slice(0, maxRows)
          .map((n) => [
            escapeHtml(n.name),
            escapeHtml(n.pool ?? ''),
            escapeHtml(n.addresses.join(', ')),
            escapeHtml(
              n.bootIdBefore
                ? `${n.bootIdBefore.slice(0, 8)} → ${n.bootIdAfter ? n.bootIdAfter.slice(0, 8) : '?'}`
                : '',
            ),
            duration(n.backAfterMs),
            n.ready === undefined ? '' : n.ready ? 'yes' : '**no**',
            escapeHtml(n.mcoState ?? ''),
            escapeHtml(n.notes.join('; ')),
          ]),
      ),
    );
    if (nodes.length > maxRows) out.push(`… ${nodes.length - maxRows} more nodes in report.json\n`);
  }
  if (r.hostKeys.length) {
    out.push('### Host keys\n');
    out.push(
      table(
        ['Node', 'Address', 'Key', 'Fingerprint', 'Verified'],
        r.hostKeys
          .slice(0, maxRows)
          .map((k) => [
            escapeHtml(k.node),
            escapeHtml(k.port === 22 ? k.address : `[${k.address}]:${k.port}`),
            escapeHtml(k.keyType),
            `\`${escapeHtml(k.fingerprint)}\``,
            k.verified ? 'listed in ssh-known-hosts' : '⚠️ **not verified**',
          ]),
      ),
    );
    if (r.hostKeys.length > maxRows) out.push(`… ${r.hostKeys.length - maxRows} more in report.json\n`);
  }
  if (r.inventory) {
    const inv = r.inventory;
    const rows = [
      ['Egress IPs', inv.egressIPs],
      ['Egress firewalls (EgressNetworkPolicy)', inv.egressFirewalls],
      ['Multicast-enabled namespaces', inv.multicastNamespaces],
    ] as const;
    out.push('### SDN features that change form in the migration\n');
    out.push(
      table(
        ['Feature', 'Count', 'Objects'],
        rows.map(([what, items]) => [
          what,
          String(items.length),
          items.slice(0, maxRows).map(escapeHtml).join('<br>') +
            (items.length > maxRows ? `<br>… and ${items.length - maxRows} more` : ''),
        ]),
      ),
    );
  }
  if (r.etcdBackup) {
    const b = r.etcdBackup;
    out.push(
      `### etcd backup\nOn node \`${escapeHtml(b.node)}\` in \`${escapeHtml(b.directory)}\`: \`${escapeHtml(b.snapshot)}\`, \`${escapeHtml(b.staticResources)}\` (taken ${escapeHtml(b.takenAt)}).\n`,
    );
  }
  if (r.backup.files.length) {
    out.push(`### Backup\n${r.backup.files.map((f) => `- \`${escapeHtml(f)}\``).join('\n')}\n`);
  }
  if (r.artifact.id !== undefined)
    out.push(`Artifact \`${escapeHtml(r.artifact.name)}\` uploaded (id ${r.artifact.id}).\n`);
  else if (r.artifact.error)
    out.push(
      `⚠️ Artifact upload failed: ${escapeHtml(r.artifact.error)}. The files are kept on the runner.\n`,
    );
  if (r.context.runUrl)
    out.push(`<sub>Run ${escapeHtml(r.context.runUrl)} by ${escapeHtml(r.context.actor ?? '?')}</sub>\n`);
  return out.join('\n');
}

/** The same rendering, shrunk until it fits the job summary's limit. */
export function renderSummary(r: RunReport): string {
  let rows = 500;
  let md = renderMarkdown(r, rows);
  while (Buffer.byteLength(md) > SUMMARY_LIMIT_BYTES - 1024 && rows > 5) {
    rows = Math.floor(rows / 2);
    md = renderMarkdown(r, rows);
  }
  return md;
}
