// Each leg's reports, from the directory actions/download-artifact fills (one sub-directory per
// artifact, named <stage>-<cluster>-<run id>-<attempt>, each holding the action's report.json).
// report.json is read as untrusted data: every field is checked for its type before it is used.
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { RunResult } from '../report/model.ts';

export type Stage = 'plan' | 'migrate';

const RESULTS: readonly RunResult[] = [
  'planned',
  'migrated',
  'already-migrated',
  'unhealthy',
  'failed',
  'refused',
  'cancelled',
];

/** What the fleet table shows of one report.json. */
export interface LegReport {
  stage: Stage;
  attempt: number;
  /** The artifact (directory) the report came from. */
  artifact: string;
  /** Set when the report could not be read; the other fields are then empty. */
  error?: string;
  result?: RunResult;
  durationMs?: number;
  server?: string;
  version?: string;
  nodes?: number;
  notReady?: number;
  /** The failure message, or the titles of the blocking checks that failed. */
  detail?: string;
  /** Where the cluster stands after a failure, refusal or cancel. */
  state?: string;
}

export interface Leg {
  cluster: string;
  plan?: LegReport;
  migrate?: LegReport;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
const obj = (v: unknown): Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};

/** The ISO timestamps report.json holds (Date.parse alone would read `7` as a year). */
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

function duration(started: unknown, finished: unknown): number | undefined {
  if (
    typeof started !== 'string' ||
    typeof finished !== 'string' ||
    !ISO.test(started) ||
    !ISO.test(finished)
  )
    return undefined;
  const ms = Date.parse(finished) - Date.parse(started);
  return Number.isFinite(ms) && ms >= 0 ? ms : undefined;
}

function failedChecks(checks: unknown): string | undefined {
  if (!Array.isArray(checks)) return undefined;
  const titles = checks
    .map(obj)
    .filter((c) => c.ok === false && c.severity === 'blocking')
    .map((c) => String(c.title ?? c.id ?? '?'));
  return titles.length ? `blocking: ${titles.join('; ')}` : undefined;
}

/** The fields of a parsed report.json the table uses, each checked for its type. */
export function summarizeReport(json: unknown, base: Omit<LegReport, 'error'>): LegReport {
  const r = obj(json);
  const result = RESULTS.find((x) => x === r.result);
  if (!result)
    return { ...base, error: `report.json has no known result (${JSON.stringify(r.result)?.slice(0, 40)})` };
  const cluster = obj(r.cluster);
  const nodes = Array.isArray(r.nodes) ? r.nodes.map(obj) : undefined;
  return {
    ...base,
    result,
    durationMs: duration(r.startedAt, r.finishedAt),
    server: str(cluster.server),
    version: str(cluster.version),
    nodes: nodes?.length,
    notReady: nodes?.filter((n) => n.ready === false).length,
    detail: str(obj(r.failure).message) ?? (result === 'refused' ? failedChecks(r.checks) : undefined),
    state: str(obj(r.failure).clusterState),
  };
}

async function readLegReport(dir: string, base: Omit<LegReport, 'error'>): Promise<LegReport> {
  let text: string;
  try {
    text = await readFile(path.join(dir, base.artifact, 'report.json'), 'utf8');
  } catch {
    return { ...base, error: 'the artifact holds no report.json' };
  }
  try {
    return summarizeReport(JSON.parse(text), base);
  } catch {
    return { ...base, error: 'report.json is not valid JSON' };
  }
}

/** A later attempt wins; within one attempt the migrate report, which comes after the plan. */
export function latest(leg: Leg): LegReport | undefined {
  const { plan, migrate } = leg;
  if (!plan || !migrate) return migrate ?? plan;
  return plan.attempt > migrate.attempt ? plan : migrate;
}

/**
 * The newest report of each stage for each cluster, from artifacts of this run (`runId`). Directories
 * that belong to no listed cluster are ignored.
 */
export async function readLegs(dir: string, clusters: string[], runId: string): Promise<Leg[]> {
  let entries: string[] = [];
  try {
    entries = (await readdir(dir, { withFileTypes: true })).filter((e) => e.isDirectory()).map((e) => e.name);
  } catch {
    // No artifact was downloaded at all (no leg got as far as uploading): every leg shows as missing.
  }
  const legs: Leg[] = [];
  for (const cluster of clusters) {
    const leg: Leg = { cluster };
    for (const stage of ['plan', 'migrate'] as const) {
      const prefix = `${stage}-${cluster}-${runId}-`;
      const attempts = entries
        .filter((e) => e.startsWith(prefix) && /^\d+$/.test(e.slice(prefix.length)))
        .map((e) => ({ artifact: e, attempt: Number(e.slice(prefix.length)) }))
        .sort((a, b) => b.attempt - a.attempt);
      if (attempts[0]) leg[stage] = await readLegReport(dir, { stage, ...attempts[0] });
    }
    legs.push(leg);
  }
  return legs;
}
