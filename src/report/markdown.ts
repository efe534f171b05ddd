// report.md and the job summary: one Markdown rendering of the RunReport. Every value that comes from
// the cluster or the user goes through escapeHtml: capped in length, HTML-escaped (the summary renders
// HTML) and with no Markdown structure left that could make a live link or image. The text is kept
// under the summary's 1 MiB limit by truncating the longest tables first, then by a hard cut.
import { formatDuration } from '../util/duration.ts';
import { capText, escapeControls } from '../util/untrusted-text.ts';
import type { CheckRecord, RunReport } from './model.ts';

export const SUMMARY_LIMIT_BYTES = 1024 * 1024;
/** Longest text shown for one value (a ClusterOperator message can be megabytes long). */
export const MAX_VALUE_CHARS = 2000;

/**
 * Text for a Markdown table cell or paragraph. Besides HTML: `[` `]` (links, images, reference
 * definitions), backticks, backslashes and `#` become character references, which CommonMark never
 * reads as structure; GFM's autolinks are broken where cmark-gfm looks for them in the raw text
 * (`://` after a scheme, `www.`) and, for e-mail addresses, with a zero-width space before `@` (that
 * check runs on the decoded text).
 */
const CHARACTER_REFERENCES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
  '|': '&#124;',
  '[': '&#91;',
  ']': '&#93;',
  '`': '&#96;',
  '\\': '&#92;',
  '#': '&#35;',
  '@': '&#8203;@',
  '\n': '<br>',
};

export function escapeHtml(text: unknown, max = MAX_VALUE_CHARS): string {
  const s = escapeControls(capText(String(text ?? ''), max).replace(/\r\n?/g, '\n'), { keepNewlines: true });
  // One pass, so no replacement is escaped again.
  return s.replace(/:(?=\/\/)|(?<=www)\.|[&<>"'|[\]`\\#@\n]/gi, (m) =>
    m === ':' ? '&#58;' : m === '.' ? '&#46;' : CHARACTER_REFERENCES[m]!,
  );
}

/** A duration for the summary's tables; empty when there is none. */
const duration = (ms: number | undefined): string => (ms === undefined ? '' : formatDuration(ms));

const HEADLINES: Record<RunReport['result'], string> = {
  planned: '📋 Plan: SDN → OVN-Kubernetes migration (no change made)',
  migrated: '✅ Migrated to OVN-Kubernetes',
  'rolled-back': '↩️ Rolled back to OpenShift SDN (verified)',
  'already-migrated': '✅ Already on OVN-Kubernetes (verified, nothing changed)',
  unhealthy: '⚠️ Already on OVN-Kubernetes, but verification failed (nothing changed)',
  failed: '❌ Migration failed',
  refused: '⛔ Migration refused before any change',
  cancelled: '⏹️ Migration cancelled',
};

/** The headline; a run that found an unfinished migration says so, and whose it is. */
function headline(r: RunReport): string {
  if (!r.resume) return HEADLINES[r.result];
  const u = r.resume;
  const by = `started ${u.startedAt}${u.actor ? ` by ${u.actor}` : ''}, ${u.stepsDone} of ${u.stepsTotal} steps done`;
  if (r.result === 'planned')
    return `📋 Plan: continue the unfinished SDN → OVN-Kubernetes migration (${by}; this plan changes nothing)`;
  if (r.result === 'refused')
    return `⛔ Refused: this run changed nothing — an unfinished migration is in progress (${by})`;
  return `${HEADLINES[r.result]} — continuing the migration ${by}`;
}

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
      const shown = c.items
        .slice(0, maxItems)
        .map((t) => escapeHtml(t))
        .join('<br>');
      detail += `<br>${shown}${c.items.length > maxItems ? `<br>… and ${c.items.length - maxItems} more (see report.json)` : ''}`;
    }
    if (c.evidence) detail += `<br><code>${escapeHtml(c.evidence, 4000)}</code>`;
    return [escapeHtml(c.title), status, detail];
  });
}

/** Renders the report; `maxRows` bounds the node and item lists (lowered until the text fits the limit). */
export function renderMarkdown(r: RunReport, maxRows = 500): string {
  const out: string[] = [];
  out.push(`## ${escapeHtml(headline(r))}\n`);
  if (r.resume?.runUrl) out.push(`<sub>Migration started by run ${escapeHtml(r.resume.runUrl)}</sub>\n`);
  if (typeof r.settings?.nodeAccess === 'string') out.push(`${escapeHtml(r.settings.nodeAccess)}.\n`);
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
    out.push(`### What happened\n${escapeHtml(r.failure.message, 8000)}\n`);
    out.push(`### Where the cluster stands\n${escapeHtml(r.failure.clusterState, 8000)}\n`);
    if (r.failure.nextSteps.length) {
      out.push(
        `### What to do next\n${r.failure.nextSteps.map((s, i) => `${i + 1}. ${escapeHtml(s)}`).join('\n')}\n`,
      );
    }
  }
  // Commands are built from the procedure's own data (not cluster text); inside a code block entities
  // would show literally, so they are not HTML-escaped, only kept from closing the block.
  if (r.cleanupLeft?.length)
    out.push(
      `### Cleanup left to do (cleanup: false)\nRun these once you no longer need to roll back:\n\n\`\`\`sh\n${r.cleanupLeft.map((c) => c.replace(/`/g, "'")).join('\n')}\n\`\`\`\n`,
    );
  if (r.warnings.length)
    out.push(`### Warnings\n${r.warnings.map((w) => `- ⚠️ ${escapeHtml(w)}`).join('\n')}\n`);
  if (r.estimate) {
    out.push(
      `### Estimated duration: about ${duration(r.estimate.totalMs)}\n` +
        // The run's actual duration per part beside the estimate, once the run ended (migrate).
        table(
          ['Part', 'Estimate', ...(r.estimateVsActual ? ['Actual'] : []), 'Basis'],
          r.estimate.parts.map((p, i) => {
            const actual = r.estimateVsActual?.[i]?.actualMs;
            const col = r.estimateVsActual ? [actual === undefined ? '—' : duration(actual)] : [];
            return [escapeHtml(p.what), duration(p.ms), ...col, escapeHtml(p.basis)];
          }),
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
          p.changes.map((t) => escapeHtml(t)).join('<br>'),
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
          items
            .slice(0, maxRows)
            .map((t) => escapeHtml(t))
            .join('<br>') + (items.length > maxRows ? `<br>… and ${items.length - maxRows} more` : ''),
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
