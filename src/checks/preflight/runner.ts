// Runs the registered checks in order and records each outcome in the report (and the log): a check
// that throws fails with the error instead of passing silently; a check that does not apply to this
// variant, mode or cluster is not recorded at all.
import { oneLine, oneLineList } from '../../util/untrusted-text.ts';
import type { CheckRecord, PhaseRecord } from '../../report/model.ts';
import type { StepContext, Variant } from '../../procedure/types.ts';
import { clusterFacts } from './facts.ts';
import { message } from './node-probe.ts';
import { describeNodes } from './node-table.ts';
import { PREFLIGHT_CHECKS } from './registry.ts';
import type { Outcome, PreflightCheck, PreflightFacts, PreflightOptions } from './types.ts';

const MAX_ITEMS = 200;

/** The migration was refused before any change: names every failed blocking check and its fix. */
export class PreflightRefused extends Error {
  readonly checks: CheckRecord[];
  constructor(checks: CheckRecord[], what: 'migration' | 'rollback' = 'migration') {
    super(
      `Preflight refused the ${what} (no change was made): ${checks.length} blocking check(s) failed — ${checks
        .map(
          (c) =>
            `[${c.title}] ${oneLine(c.detail)}${
              c.items?.length
                ? `: ${c.items
                    .slice(0, 3)
                    .map((i) => oneLine(i, 500))
                    .join('; ')}${c.items.length > 3 ? '; …' : ''}`
                : ''
            }`,
        )
        .join(' | ')}`,
    );
    this.name = 'PreflightRefused';
    this.checks = checks;
  }
}

/** The refusal for these checks, or undefined when every blocking one passed. */
export function refusalFor(
  checks: CheckRecord[],
  what: 'migration' | 'rollback' = 'migration',
): PreflightRefused | undefined {
  const failed = checks.filter((c) => !c.ok && c.severity === 'blocking');
  return failed.length ? new PreflightRefused(failed, what) : undefined;
}

export async function applies(check: PreflightCheck, f: PreflightFacts): Promise<boolean> {
  const a = check.applies;
  if (!a) return true;
  if (a.variants && !a.variants.includes(f.variant.id)) return false;
  if (a.modes && !a.modes.includes(f.opts.mode)) return false;
  return a.when ? await a.when(f) : true;
}

/** One check's record: its outcome, or a failure naming the error that kept it from being evaluated. */
export async function evaluate(check: PreflightCheck, f: PreflightFacts): Promise<CheckRecord> {
  let o: Outcome;
  try {
    o = await check.run(f);
  } catch (err) {
    o = { ok: false, detail: `could not be checked: ${message(err)}` };
  }
  return {
    id: `preflight-${check.id}`,
    title: typeof check.title === 'function' ? check.title(f) : check.title,
    ok: o.ok,
    severity: o.severity ?? check.severity,
    detail: o.detail,
    ...(o.items?.length ? { items: o.items.slice(0, MAX_ITEMS) } : {}),
    ...(o.evidence ? { evidence: o.evidence } : {}),
  };
}

function logCheck(ctx: StepContext, c: CheckRecord): void {
  const mark = c.ok ? '✓' : c.severity === 'warn' ? '⚠' : '✗';
  ctx.log.info(`${mark} ${c.title}: ${oneLine(c.detail)}${oneLineList(c.items)}`);
}

/** Runs `checks` (the registry by default) and records them in the report; never writes to the cluster. */
export async function runChecks(
  f: PreflightFacts,
  checks: readonly PreflightCheck[] = PREFLIGHT_CHECKS,
): Promise<CheckRecord[]> {
  const records: CheckRecord[] = [];
  for (const check of checks) {
    if (!(await applies(check, f))) continue;
    const c = await evaluate(check, f);
    records.push(c);
    f.ctx.report.checks.push(c);
    logCheck(f.ctx, c);
  }
  return records;
}

function finish(ctx: StepContext, phase: PhaseRecord, checks: CheckRecord[], mode: string): void {
  for (const c of checks)
    if (!c.ok && c.severity === 'warn') ctx.report.warnings.push(`${c.title}: ${c.detail}`);
  const refusal = refusalFor(checks);
  if (refusal && mode === 'plan')
    ctx.report.warnings.push(
      `mode: migrate would be refused: ${refusal.checks.map((c) => c.title).join('; ')} — fix these before approving`,
    );
  phase.endedAt = new Date().toISOString();
  phase.durationMs = Date.parse(phase.endedAt) - Date.parse(phase.startedAt);
  phase.outcome = refusal ? 'failed' : 'ok';
  if (refusal) phase.detail = `${refusal.checks.length} blocking check(s) failed`;
}

/**
 * Preflight: everything that must hold before the first change, checked in plan and migrate mode alike
 * (plan reports; migrate refuses when a blocking check fails). Recorded as the report's first phase.
 */
export async function runPreflight(
  ctx: StepContext,
  variant: Variant,
  opts: PreflightOptions,
): Promise<CheckRecord[]> {
  const phase: PhaseRecord = {
    id: 'preflight',
    title: 'Preflight checks',
    startedAt: new Date().toISOString(),
  };
  ctx.report.phases.push(phase);
  const facts = clusterFacts(ctx, variant, opts);
  const checks = await runChecks(facts);
  await describeNodes(facts);
  finish(ctx, phase, checks, opts.mode);
  return checks;
}
