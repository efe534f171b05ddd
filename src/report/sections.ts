// The summary's reading order after the verdict: which cluster and with which inputs, the risk in plain
// words, and — when the run stopped — what happened, where the cluster stands and what to do next.
// Failures and warnings are never collapsed.
import { escapeHtml } from './escape.ts';
import type { CheckRecord, RunReport } from './model.ts';
import { isLiveReport, liveRisk } from './live.ts';
import {
  afterTheFact,
  details,
  duration,
  itemList,
  minutes,
  networkDownMs,
  poolCounts,
  rebootOrder,
  safeName,
  table,
} from './parts.ts';
import { rollbackRisk } from './rollback-risk.ts';
import { rollbackTerms, standWords } from './rollback-stands.ts';
import { runNoun, WOULD_REFUSE } from './verdict.ts';

/** The inputs that change what the run does (never a secret: settings come from publicSettings). */
const INPUTS_THAT_MATTER: [key: string, label: string][] = [
  ['mode', 'mode'],
  ['strategy', 'strategy'],
  ['maxParallelReboots', 'max-parallel-reboots'],
  ['maxUnavailable', 'max-unavailable'],
  ['waitTimeoutMs', 'wait-timeout'],
  ['rebootTimeoutMs', 'reboot-timeout'],
  ['cleanup', 'cleanup'],
  ['etcdBackup', 'etcd-backup'],
  ['onFailure', 'on-failure'],
  ['mtu', 'mtu'],
  ['genevePort', 'geneve-port'],
  ['expectedClusterId', 'expected-cluster-id'],
];

function nodeAccess(r: RunReport): string {
  const s = r.settings;
  if (typeof s.nodeAccess === 'string') return s.nodeAccess;
  if (s.sshUser === undefined) return '';
  return `SSH as ${String(s.sshUser)} (port ${String(s.sshPort)}${s.sshBastion ? `, via ${String(s.sshBastion)}` : ''}); host keys: ${String(s.sshKnownHosts ?? '?')}`;
}

export function identity(r: RunReport): string {
  const c = r.cluster;
  const network =
    c.networkTypeAfter && c.networkTypeAfter !== c.networkTypeBefore
      ? `${c.networkTypeBefore} → ${c.networkTypeAfter}`
      : (c.networkTypeBefore ?? '?');
  const inputs = INPUTS_THAT_MATTER.filter(([k]) => r.settings[k] !== undefined && r.settings[k] !== '')
    .map(([k, label]) => {
      const v = r.settings[k];
      const text =
        k.endsWith('Ms') && typeof v === 'number'
          ? duration(v)
          : typeof v === 'string'
            ? v
            : JSON.stringify(v);
      return `${label}: ${escapeHtml(text)}`;
    })
    .join(' · ');
  const access = nodeAccess(r);
  return (
    table(
      ['Cluster', 'Cluster ID', 'Version', 'Procedure', 'Network type'],
      [
        [
          escapeHtml(c.server),
          c.id ? `<code>${escapeHtml(c.id)}</code>` : '?',
          escapeHtml(c.version ?? '?'),
          escapeHtml(c.variant ?? '-'),
          escapeHtml(network),
        ],
      ],
    ) +
    (access ? `\n**Node access:** ${escapeHtml(access)}\n` : '') +
    (inputs ? `\n**Inputs:** ${inputs}\n` : '')
  );
}

/** The risk, plainly: which nodes reboot, how often and in what order; downtime; what is irreversible. */
export function risk(r: RunReport): string {
  if (runNoun(r) === 'Rollback') return rollbackRisk(r);
  if (!r.nodes.size || (r.result !== 'planned' && r.result !== 'refused' && r.result !== 'migrated'))
    return '';
  if (isLiveReport(r)) return liveRisk(r);
  const done = afterTheFact(r);
  const n = r.nodes.size;
  const parallel = Number(r.settings.maxParallelReboots ?? 0);
  const atOnce = parallel > 0 && parallel < n ? `${parallel} at a time` : 'all at once';
  const variantA = (r.cluster.variant ?? '').startsWith('A');
  const ssh = `over SSH, ${atOnce} (max-parallel-reboots ${parallel})`;
  const mco = 'by the Machine Config Operator, pool by pool, maxUnavailable nodes of each pool at a time';
  const order = variantA ? `first ${ssh}, then ${mco}` : `first ${mco}, then ${ssh}`;
  const down = networkDownMs(r);
  const lines = [
    `- **Reboots:** every node (${n}: ${escapeHtml(poolCounts(r))}) ${done ? 'was' : 'is'} rebooted **twice** — ${order}. In this order:`,
    rebootOrder(r),
    parallel > 0
      ? `- **API:** the control-plane nodes ${done ? 'were' : 'are'} rebooted one at a time (max-parallel-reboots ${parallel}), so etcd keeps its quorum and the Kubernetes API stays up.`
      : `- **API:** the control-plane nodes ${done ? 'rebooted' : 'reboot'} together: the Kubernetes API ${done ? 'was' : 'is'} unreachable for minutes, until they are back.`,
    `- **Pod network:** ${done ? 'was' : 'is'} down from the switch until every node is back${down !== undefined ? ` — about ${minutes(down)} (estimate)` : ''}: workloads ${done ? 'were' : 'are'} disrupted.`,
    `- **Irreversible:** the switch itself can only be undone by a rollback (run the workflow with mode rollback: another outage with two reboots per node). ${r.settings.cleanup === false ? 'cleanup is false: the SDN configuration stays until the cleanup commands run.' : 'Cleanup removes the SDN configuration and the openshift-sdn namespace; the backup in the artifact keeps the original configuration.'}`,
  ];
  return `### ${done ? 'What this run did' : 'The risk'}\n${lines.join('\n')}\n`;
}

/** A failed check with the objects it names (first N, then a count) and its evidence. */
function failedCheck(c: CheckRecord, maxItems: number): string {
  return `- ❌ **${escapeHtml(c.title)}** — ${escapeHtml(c.detail)}${checkObjects(c, maxItems)}`;
}

/** The objects a check names and its evidence, each on a line of its own (empty when it has none). */
function checkObjects(c: CheckRecord, maxItems: number): string {
  const items = c.items?.length ? `<br>${itemList(c.items, maxItems)}` : '';
  const evidence = c.evidence ? `<br><code>${escapeHtml(c.evidence, 4000)}</code>` : '';
  return items + evidence;
}

/** Nodes that are not Ready at the end of the run, with their last condition and the notes `told` does not already say. */
function nodesNotBack(r: RunReport, told: string): string[] {
  return [...r.nodes.values()]
    .filter((n) => n.ready === false)
    .map((n) => {
      const notes = n.notes.filter((t) => !told.includes(t));
      return `- ❌ node **${escapeHtml(n.name)}** is NotReady${n.condition ? ` — ${escapeHtml(n.condition)}` : ''}${notes.length ? ` (${escapeHtml(notes.join('; '))})` : ''}`;
    });
}

/**
 * What happened, each error once: the failure's message unless it only restates the failed checks
 * listed under it ("verification failed: <titles>", the preflight refusal), each failed check with its
 * objects, each node not back. A refusal's checks are already listed under the verdict: here only the
 * objects and evidence they name.
 */
export function whatHappened(r: RunReport, maxItems: number): string {
  if (!r.failure) return '';
  const failed = r.failedChecks();
  const message = r.failure.message;
  const restates = failed.length > 0 && failed.every((c) => message.includes(c.title));
  const refused = r.result === 'refused';
  const checks = refused
    ? failed
        .filter((c) => checkObjects(c, maxItems))
        .map((c) => `- ❌ **${escapeHtml(c.title)}**: ${checkObjects(c, maxItems).replace(/^<br>/, '')}`)
    : failed.map((c) => failedCheck(c, maxItems));
  const nodes = refused ? [] : nodesNotBack(r, message).slice(0, maxItems);
  const lead = !restates
    ? escapeHtml(message, 8000)
    : refused
      ? 'The blocking checks listed at the top stopped the run before any change.'
      : '';
  const list = [...checks, ...nodes];
  return `### What happened\n${lead ? `${lead}\n` : ''}${list.length ? `${lead ? '\n' : ''}${list.join('\n')}\n` : ''}`;
}

export function whereItStands(r: RunReport, maxRows: number): string {
  const f = r.failure;
  if (!f) return '';
  const stand = f.stand ? standWords(f.stand, rollbackTerms(r)) : undefined;
  const head = stand ? `**${escapeHtml(stand.label)}** — ${escapeHtml(stand.consequence)}\n\n` : '';
  const changes = r.changes
    .slice(0, Math.min(maxRows, 20))
    .map(
      (c) =>
        `- ${escapeHtml(c.object)} ${escapeHtml(c.field)}: ${escapeHtml(`${JSON.stringify(c.from) ?? '(none)'} → ${JSON.stringify(c.to) ?? '(none)'}`)}`,
    );
  const more =
    r.changes.length > changes.length
      ? [`- … and ${r.changes.length - changes.length} more (see report.json)`]
      : [];
  const list = changes.length ? `\nChanges this run made:\n${[...changes, ...more].join('\n')}\n` : '';
  return `### Where the cluster stands\n${head}${escapeHtml(f.clusterState, 8000)}\n${list}`;
}

/** For each node NotReady at the end (first 3, plain DNS names only): describe it, read its MCD log. */
function nodeCommands(r: RunReport): string[] {
  return [...r.nodes.values()]
    .filter((n) => n.ready === false)
    .map((n) => safeName(n.name))
    .filter((n): n is string => n !== undefined)
    .slice(0, 3)
    .flatMap((n) => [
      `oc describe node ${n}`,
      `oc -n openshift-machine-config-operator logs --tail=50 -c machine-config-daemon $(oc -n openshift-machine-config-operator get pods -l k8s-app=machine-config-daemon --field-selector=spec.nodeName=${n} -o name)`,
    ]);
}

export function whatNext(r: RunReport): string {
  const f = r.failure;
  if (!f) return '';
  const commands = [...(f.commands ?? []), ...nodeCommands(r)];
  const steps = f.nextSteps.map((s, i) => `${i + 1}. ${escapeHtml(s)}`).join('\n');
  // Commands are built from our own data and plain DNS names: inside a code block entities would show
  // literally, so they are only kept from closing the block.
  const cmds = commands.length
    ? `\n\nLook first:\n\n\`\`\`sh\n${commands.map((c) => c.replace(/`/g, "'")).join('\n')}\n\`\`\``
    : '';
  return `### What to do next\n${steps}${cmds}\n`;
}

/** Warnings (failed warn checks and the run's warnings): never collapsed. */
export function warnings(r: RunReport, maxItems: number): string {
  const checks = r.checks
    .filter((c) => !c.ok && c.severity === 'warn')
    .map(
      (c) =>
        `- ⚠️ **${escapeHtml(c.title)}** — ${escapeHtml(c.detail)}${c.items?.length ? `<br>${itemList(c.items, maxItems)}` : ''}`,
    );
  // Preflight also records each warning check as a run warning "title: detail": shown once, above.
  const fromChecks = new Set(r.checks.map((c) => `${c.title}: ${c.detail}`));
  // A refused plan's "migrate would be refused" warning is the verdict itself (for the annotations).
  const saidByVerdict = (w: string) => r.result === 'refused' && w.startsWith(WOULD_REFUSE);
  const other = r.warnings
    .filter((w) => !fromChecks.has(w) && !saidByVerdict(w))
    .map((w) => `- ⚠️ ${escapeHtml(w)}`);
  return checks.length + other.length ? `### Warnings\n${[...checks, ...other].join('\n')}\n` : '';
}

/** Failed blocking checks outside a failure (a refused plan); the failure section lists them otherwise. */
export function failedChecks(r: RunReport, maxItems: number): string {
  if (r.failure) return '';
  const failed = r.failedChecks();
  return failed.length
    ? `### Blocking checks that failed\n${failed.map((c) => failedCheck(c, maxItems)).join('\n')}\n`
    : '';
}

export function passingChecks(r: RunReport): string {
  const ok = r.checks.filter((c) => c.ok);
  return details(
    `Passing checks (${ok.length})`,
    table(
      ['Check', 'Detail'],
      ok.map((c) => [escapeHtml(c.title), escapeHtml(c.detail)]),
    ),
  );
}

export { details };
