// The long parts of the summary, collapsed by default: all steps, phases with estimate and actual time,
// the changes, the node table (by pool, natural order, state as read at the end of the run), host
// keys, inventories; and the closing lines (backups, artifact link, run).
import { escapeHtml } from './escape.ts';
import type { RunReport } from './model.ts';
import { afterTheFact, compactTable, details, duration, itemList, nodesByPool, table } from './parts.ts';

export function planSteps(r: RunReport): string {
  if (!r.plan.length) return '';
  const rows = r.plan.map((p, i) => [
    String(i + 1),
    escapeHtml(p.phase),
    escapeHtml(p.step),
    p.changes.map((t) => escapeHtml(t)).join('<br>'),
  ]);
  return details(`All ${r.plan.length} steps, in order`, table(['#', 'Phase', 'Step', 'Changes'], rows));
}

/** Which estimate part a phase corresponds to (phase ids of procedures A and B). */
function estimateFor(r: RunReport, phaseId: string): number | undefined {
  const parts = r.estimate?.parts ?? [];
  const part =
    phaseId === 'reboot'
      ? parts.find((p) => /^Reboot/.test(p.what))
      : phaseId === 'resume-pools' || phaseId === 'prepare'
        ? parts.find((p) => /^MCO/.test(p.what) && (phaseId === 'prepare') === /rollout/.test(p.what))
        : undefined;
  return part?.ms;
}

export function phases(r: RunReport): string {
  if (!r.phases.length) return '';
  // A failed phase's detail is most often the failure itself, said under "What happened": not again.
  const said = (detail: string) => r.failure?.message.includes(detail) === true;
  const rows = r.phases.map((p) => [
    escapeHtml(p.title),
    escapeHtml(p.outcome ?? 'running'),
    duration(p.durationMs),
    duration(estimateFor(r, p.id)),
    p.detail && !said(p.detail) ? escapeHtml(p.detail) : '',
  ]);
  const body = compactTable(['Phase', 'Outcome', 'Took', 'Estimate', 'Detail'], rows, [0, 1]);
  const failed = r.phases.some((p) => p.outcome === 'failed' || p.outcome === 'cancelled');
  // A failed phase is part of the failure: shown open.
  return failed
    ? `### Phases\n${body}`
    : details(`Phases (${r.phases.length}), time taken and estimate`, body);
}

/** Before the run: the estimate and its basis. After it: each part beside what it took (estimateVsActual). */
export function estimate(r: RunReport): string {
  const actuals = afterTheFact(r) ? r.estimateVsActual : undefined;
  if (!r.estimate || (afterTheFact(r) && !actuals)) return '';
  const e = r.estimate;
  const rows = e.parts.map((p, i) => {
    const actual = actuals?.[i]?.actualMs;
    const took = actuals ? [actual === undefined ? '—' : duration(actual)] : [];
    return [escapeHtml(p.what), duration(p.ms), ...took, escapeHtml(p.basis)];
  });
  return details(
    actuals
      ? `Estimate (about ${duration(e.totalMs)}) beside the actual time`
      : `Estimated duration: about ${duration(e.totalMs)}`,
    table(['Part', 'Estimate', ...(actuals ? ['Actual'] : []), 'Basis'], rows) +
      `\n<sub>${escapeHtml(e.model)}</sub>\n`,
  );
}

export function changes(r: RunReport, maxRows: number): string {
  if (!r.changes.length || r.failure) return ''; // a failure lists them under "Where the cluster stands"
  const rows = r.changes
    .slice(0, maxRows)
    .map((ch) => [
      escapeHtml(ch.at.slice(11, 19)),
      escapeHtml(ch.object),
      escapeHtml(ch.field),
      escapeHtml(`${JSON.stringify(ch.from) ?? '(none)'} → ${JSON.stringify(ch.to) ?? '(none)'}`),
    ]);
  return details(`Changes made (${r.changes.length})`, table(['Time', 'Object', 'Field', 'Old → new'], rows));
}

const NODE_HEADERS = [
  'Node',
  'Addresses',
  'Boot ID before → after',
  'Back after',
  'Ready',
  'MCO state',
  'Notes',
];

export function nodes(r: RunReport, maxRows: number): string {
  if (!r.nodes.size) return '';
  let budget = maxRows;
  const parts: string[] = [];
  for (const [pool, list] of nodesByPool(r)) {
    const shown = list.slice(0, Math.max(0, budget));
    budget -= shown.length;
    const rows = shown.map((n) => [
      escapeHtml(n.name),
      escapeHtml(n.addresses.join(', ')),
      escapeHtml(
        n.bootIdBefore
          ? `${n.bootIdBefore.slice(0, 8)} → ${n.bootIdAfter ? n.bootIdAfter.slice(0, 8) : '?'}`
          : '',
      ),
      duration(n.backAfterMs),
      n.ready === undefined ? '' : n.ready ? 'Ready' : '**NotReady**',
      escapeHtml(n.mcoState ?? ''),
      escapeHtml(n.notes.join('; ')),
    ]);
    const more =
      list.length > shown.length ? `… ${list.length - shown.length} more nodes in report.json\n` : '';
    parts.push(
      `**Pool ${escapeHtml(pool || '(none)')}** (${list.length})\n\n${compactTable(NODE_HEADERS, rows)}${more}`,
    );
  }
  const when = afterTheFact(r) ? 'state read at the end of the run' : 'state now';
  return details(`Nodes (${r.nodes.size}), by pool — ${when}`, parts.join('\n'));
}

export function hostKeys(r: RunReport, maxRows: number): string {
  if (!r.hostKeys.length) return '';
  const rows = r.hostKeys
    .slice(0, maxRows)
    .map((k) => [
      escapeHtml(k.node),
      escapeHtml(k.port === 22 ? k.address : `[${k.address}]:${k.port}`),
      escapeHtml(k.keyType),
      `<code>${escapeHtml(k.fingerprint)}</code>`,
      k.verified ? 'listed in ssh-known-hosts' : '⚠️ **not verified**',
    ]);
  const more = r.hostKeys.length > maxRows ? `… ${r.hostKeys.length - maxRows} more in report.json\n` : '';
  const body = table(['Node', 'Address', 'Key', 'Fingerprint', 'Verified'], rows) + more;
  // Unverified keys are what an approver must compare with the nodes' own: never collapsed.
  return r.hostKeys.some((k) => !k.verified)
    ? `### Host keys (${r.hostKeys.length})\n${body}`
    : details(`Host keys (${r.hostKeys.length})`, body);
}

export function inventory(r: RunReport, maxRows: number): string {
  if (!r.inventory) return '';
  const inv = r.inventory;
  const rows = [
    ['Egress IPs', inv.egressIPs],
    ['Egress firewalls (EgressNetworkPolicy)', inv.egressFirewalls],
    ['Multicast-enabled namespaces', inv.multicastNamespaces],
  ] as const;
  const body = table(
    ['Feature', 'Count', 'Objects'],
    rows.map(([what, items]) => [what, String(items.length), itemList([...items], maxRows)]),
  );
  const title = 'SDN features that change form in the migration';
  // Empty inventories collapse; found objects are something to act on, so they stay open.
  return rows.some(([, items]) => items.length)
    ? `### ${title}\n${body}`
    : details(`${title}: none found`, body);
}

/** Commands are built from the procedure's own data (not cluster text): only kept from closing the block. */
export function cleanupLeft(r: RunReport): string {
  if (!r.cleanupLeft?.length) return '';
  return `### Cleanup left to do (cleanup: false)\nRun these once you no longer need to roll back:\n\n\`\`\`sh\n${r.cleanupLeft.map((c) => c.replace(/`/g, "'")).join('\n')}\n\`\`\`\n`;
}

export function backups(r: RunReport): string {
  const out: string[] = [];
  if (r.etcdBackup) {
    const b = r.etcdBackup;
    out.push(
      `**etcd backup** on node <code>${escapeHtml(b.node)}</code> in <code>${escapeHtml(b.directory)}</code>: <code>${escapeHtml(b.snapshot)}</code>, <code>${escapeHtml(b.staticResources)}</code> (taken ${escapeHtml(b.takenAt)}).\n`,
    );
  }
  if (r.backup.files.length)
    out.push(
      `**Backup** (in the artifact):\n${r.backup.files.map((f) => `- <code>${escapeHtml(f)}</code>`).join('\n')}\n`,
    );
  return out.join('\n');
}

const kib = (bytes: number): string =>
  bytes < 1024
    ? `${bytes} B`
    : bytes < 1024 * 1024
      ? `${Math.round(bytes / 1024)} KiB`
      : `${(bytes / 1024 / 1024).toFixed(1)} MiB`;

/** The run URL, when it is a plain https URL from the runner's environment (never cluster text). */
const runUrl = (r: RunReport): string | undefined =>
  r.context.runUrl && /^https:\/\/[A-Za-z0-9.:/_-]+$/.test(r.context.runUrl) ? r.context.runUrl : undefined;

export function artifact(r: RunReport): string {
  const a = r.artifact;
  if (a.error)
    return `⚠️ Artifact upload failed: ${escapeHtml(a.error)}. The files are kept on the runner.\n`;
  if (a.id === undefined) return '';
  const size = a.size !== undefined ? `, ${kib(a.size)}` : '';
  const url = runUrl(r);
  const name = `<code>${escapeHtml(a.name)}</code>`;
  return url
    ? `📦 Artifact ${name}${size}: [download from the run's artifacts](${url}#artifacts)\n`
    : `📦 Artifact ${name}${size} (id ${a.id}), in the run's artifacts.\n`;
}

export function runLine(r: RunReport): string {
  const parts = [
    r.context.runUrl ? `Run ${escapeHtml(r.context.runUrl)} by ${escapeHtml(r.context.actor ?? '?')}` : '',
    r.resume?.runUrl ? `migration started by run ${escapeHtml(r.resume.runUrl)}` : '',
  ].filter(Boolean);
  return parts.length ? `<sub>${parts.join(' · ')}</sub>\n` : '';
}
