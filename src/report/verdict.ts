// The summary's first line: the verdict an approver or on-call reads before anything else, the way a
// terraform plan reads — what the result is, and the numbers or the object that matter.
import type { CheckRecord, RunReport } from './model.ts';
import { isUndo } from './rollback-risk.ts';
import { rollbackTerms, standWords } from './rollback-stands.ts';
import { duration, minutes, networkDownMs, plannedObjects } from './parts.ts';

export interface Verdict {
  /** One line, plain text (escaped by the renderer). */
  line: string;
  /** Items listed right under it (the blocking checks of a refusal). */
  list: string[];
}

/** How a plan's run warning starts when migrate would be refused (the verdict says it in the summary). */
export const WOULD_REFUSE = 'mode: migrate would be refused:';

const blocking = (r: RunReport): CheckRecord[] => r.failedChecks();
const warned = (r: RunReport): number => r.checks.filter((c) => !c.ok && c.severity === 'warn').length;

function checksPass(r: RunReport): string {
  const ok = r.checks.filter((c) => c.ok).length;
  const w = warned(r);
  return `${ok}/${r.checks.length} checks pass${w ? `, ${w} warning${w > 1 ? 's' : ''}` : ''}`;
}

function resumeText(r: RunReport): string {
  const u = r.resume!;
  return `started ${u.startedAt}${u.actor ? ` by ${u.actor}` : ''}, ${u.stepsDone} of ${u.stepsTotal} steps done`;
}

/** "change 4 objects, reboot 6 nodes (each twice), about 33 min, network down ~10 min" */
function planNumbers(r: RunReport): string {
  const down = networkDownMs(r);
  return [
    `change ${plannedObjects(r)} objects`,
    isUndo(r)
      ? `reboot no node itself (the Machine Config Operator rolls the SDN configuration back)`
      : `reboot ${r.nodes.size} nodes (each twice)`,
    r.estimate ? `about ${minutes(r.estimate.totalMs)}` : '',
    down !== undefined ? `network down ~${minutes(down)}` : '',
  ]
    .filter(Boolean)
    .join(', ');
}

/** The object behind a failure: a node that did not come back, else the first object a failed check names. */
export function objectCause(r: RunReport): string {
  const c = blocking(r)[0];
  const notBack = [...r.nodes.values()].find((n) => n.ready === false);
  const more = (n: number) => (n > 1 ? ` (and ${n - 1} more)` : '');
  const cause = notBack
    ? `${notBack.name} ${r.result === 'failed' ? 'did not come back (NotReady)' : 'is NotReady'}`
    : c?.items?.length
      ? `${c.title}: ${c.items[0]}${more(c.items.length)}`
      : c
        ? `${c.title}: ${c.detail}`
        : (r.failure?.message ?? 'see below');
  return cause.split('\n')[0]!.slice(0, 300);
}

function failedPhase(r: RunReport): string | undefined {
  return r.failure?.phase ?? r.phases.find((p) => p.outcome === 'failed' || p.outcome === 'cancelled')?.title;
}

function refused(r: RunReport): Verdict {
  const checks = blocking(r);
  const who = r.settings.mode === 'plan' ? 'migrate would be refused' : 'Refused before any change';
  if (checks.length)
    return {
      line: `⛔ ${who} — ${checks.length} blocking check${checks.length > 1 ? 's' : ''}:`,
      list: checks.map((c) => `${c.title} — ${c.detail}`),
    };
  if (r.resume)
    return {
      line: `⛔ Refused: this run changed nothing — an unfinished migration is in progress (${resumeText(r)})`,
      list: [],
    };
  return { line: `⛔ ${who} — ${(r.failure?.message ?? '').split('\n')[0]!.slice(0, 300)}`, list: [] };
}

/** A rollback run (mode rollback or plan-rollback) reads as one, not as a migration. */
export function runNoun(r: RunReport): 'Rollback' | 'Migration' {
  return r.settings.mode === 'rollback' || r.settings.mode === 'plan-rollback' ? 'Rollback' : 'Migration';
}

function elapsed(r: RunReport): string {
  const ms = (r.finishedAt ?? new Date()).getTime() - r.startedAt.getTime();
  return `in ${duration(ms)}${r.estimate ? ` (estimate ${minutes(r.estimate.totalMs)})` : ''}`;
}

export function verdict(r: RunReport): Verdict {
  const line = (text: string): Verdict => ({ line: text, list: [] });
  const resumed = r.resume ? ` — continuing the migration ${resumeText(r)}` : '';
  switch (r.result) {
    case 'planned':
      return line(
        r.resume
          ? `✅ ${checksPass(r)} — migrate will continue the unfinished migration (${resumeText(r)}): ${planNumbers(r)}`
          : `✅ ${checksPass(r)} — ${runNoun(r) === 'Rollback' ? 'rollback' : 'migrate'} will ${planNumbers(r)}`,
      );
    case 'refused':
      return refused(r);
    case 'migrated':
      return line(`✅ Migrated to OVN-Kubernetes — ${r.nodes.size} nodes rebooted ${elapsed(r)}${resumed}`);
    case 'rolled-back':
      return line(
        `↩️ Rolled back to OpenShift SDN — verified, ${r.nodes.size} nodes ${elapsed(r)}${resumed}`,
      );
    case 'already-migrated':
      return line(`✅ Already on OVN-Kubernetes — verified, nothing changed (${checksPass(r)})`);
    case 'unhealthy':
      return line(
        `⚠️ Already on OVN-Kubernetes, but verification failed — ${objectCause(r)} (nothing changed)`,
      );
    case 'cancelled': {
      const phase = failedPhase(r);
      const stand = r.failure?.stand
        ? standWords(r.failure.stand, rollbackTerms(r)).label.toLowerCase()
        : 'see below';
      return line(`⏹️ ${runNoun(r)} cancelled${phase ? ` during ${phase}` : ''} — cluster: ${stand}`);
    }
    default: {
      const phase = failedPhase(r);
      return line(`❌ ${runNoun(r)} failed${phase ? ` during ${phase}` : ''} — ${objectCause(r)}`);
    }
  }
}
