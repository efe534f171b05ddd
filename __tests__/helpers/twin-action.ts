// Shared set-up for end-to-end tests: a twin, a local artifact results service, and the action's
// inputs pointing at them, so each test reads as "this cluster, these inputs, this outcome".
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startResultsService, type ResultsService } from './results-service.ts';
import { runAction, type ActionRun, type RunActionOptions } from './run-action.ts';
import { startTwin, type Twin } from '../twin/index.ts';
import type { Scenario, ScenarioInput } from '../twin/scenario.ts';

/** A small, fast 4.14 cluster (one master, two workers, 1 ms per virtual second) to vary per test. */
export function smallScenario(extra: Partial<ScenarioInput> = {}): ScenarioInput {
  return {
    version: '4.14.12',
    nodes: [
      { name: 'master-0', pool: 'master' },
      { name: 'worker-0', pool: 'worker' },
      { name: 'worker-1', pool: 'worker' },
    ],
    podsPerNode: 2,
    timing: { msPerSecond: 1 },
    ...extra,
  };
}

/** operators-stable-interval of every run, in the twin's virtual seconds (the real operator gate's 30 s). */
export const OPERATOR_PASS_SECONDS = 30;

export interface Harness {
  twin: Twin;
  results: ResultsService;
  /** Inputs for a migration against the twin: kubeconfig, SSH key, port and known_hosts. */
  inputs(extra?: Record<string, string>): Record<string, string>;
  run(extra?: Record<string, string>, opts?: Partial<RunActionOptions>): Promise<ActionRun>;
  stop(): Promise<void>;
}

export async function startHarness(scenario: Scenario | ScenarioInput | string): Promise<Harness> {
  const twin = await startTwin(scenario);
  const results = await startResultsService();
  const inputs = (extra: Record<string, string> = {}) => ({
    kubeconfig: twin.kubeconfig,
    mode: 'migrate',
    'ssh-private-key': twin.ssh.clientPrivateKey,
    'ssh-port': String(twin.ssh.port),
    'ssh-known-hosts': twin.ssh.knownHosts,
    'wait-timeout': '5m',
    'reboot-timeout': '2m',
    // The operator gate's 30 s between passes, in the twin's virtual seconds (as its reboots are).
    'operators-stable-interval': `${(OPERATOR_PASS_SECONDS * twin.scenario.timing.msPerSecond) / 1000}s`,
    ...extra,
  });
  return {
    twin,
    results,
    inputs,
    run: async (extra = {}, opts = {}) => {
      const run = await runAction({
        ...opts,
        inputs: inputs(extra),
        env: { ...results.env, GITHUB_RUN_ID: '4242', GITHUB_RUN_ATTEMPT: '1', ...opts.env },
        timeoutMs: opts.timeoutMs ?? 180_000,
      });
      // Every end-to-end run is swept: no credential may reach a log, output, state, summary,
      // artifact or file left on the runner.
      const leaks = await findSecrets(run, results, twinSecrets(twin));
      if (leaks.length) throw new Error(`secrets leaked:\n${leaks.join('\n')}`);
      return run;
    },
    stop: async () => {
      await Promise.all([twin.stop(), results.stop()]);
    },
  };
}

/** Index of the first timeline entry matching, or -1. */
export function indexOf(twin: Twin, pred: (e: Twin['timeline']['entries'][number]) => boolean): number {
  return twin.timeline.entries.findIndex(pred);
}

/** Index of the last timeline entry matching, or -1. */
export function lastIndexOf(twin: Twin, pred: (e: Twin['timeline']['entries'][number]) => boolean): number {
  const entries = twin.timeline.entries;
  for (let i = entries.length - 1; i >= 0; i--) if (pred(entries[i])) return i;
  return -1;
}

/** Every credential a twin hands out, raw and base64-encoded, with a label for the report. */
export function twinSecrets(twin: Twin): { label: string; value: string }[] {
  const raw: [string, string][] = [
    ['API token', twin.adminToken],
    ['read-only API token', twin.readonlyToken],
    ['SSH private key', twin.ssh.clientPrivateKey.trim()],
    ['encrypted SSH private key', twin.ssh.encryptedClientPrivateKey.trim()],
    ['SSH key passphrase', twin.ssh.passphrase],
  ];
  const out: { label: string; value: string }[] = [];
  for (const [label, value] of raw) {
    out.push({ label, value }, { label: `${label} (base64)`, value: Buffer.from(value).toString('base64') });
  }
  // The key body lines on their own (a log could print one line of a key).
  for (const key of [twin.ssh.clientPrivateKey, twin.ssh.encryptedClientPrivateKey]) {
    for (const line of key.split('\n'))
      if (line.length >= 40 && !line.startsWith('-----'))
        out.push({ label: 'SSH private key line', value: line });
  }
  return out;
}

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true }).catch(() => []);
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

/**
 * Where any secret appears: stdout (the `::add-mask::` commands themselves excepted, they are how the
 * runner learns what to hide), stderr, GITHUB_OUTPUT, GITHUB_STATE, the summary, every artifact file and
 * every file the run left under RUNNER_TEMP.
 */
export async function findSecrets(
  run: ActionRun,
  results: ResultsService,
  secrets: { label: string; value: string }[],
): Promise<string[]> {
  const places: [string, string][] = [
    [
      'stdout',
      run.stdout
        .split('\n')
        .filter((l) => !l.startsWith('::add-mask::'))
        .join('\n'),
    ],
    ['stderr', run.stderr],
    ['GITHUB_OUTPUT', JSON.stringify(run.outputs)],
    ['GITHUB_STATE', JSON.stringify(run.state)],
    ['summary', run.summary],
  ];
  for (const a of results.artifacts)
    for (const [name, data] of a.files) places.push([`artifact ${a.name}/${name}`, data.toString('utf8')]);
  for (const f of await filesUnder(run.runnerTemp))
    places.push([f, await readFile(f, 'utf8').catch(() => '')]);
  const leaks: string[] = [];
  for (const [where, text] of places)
    for (const s of secrets) if (s.value && text.includes(s.value)) leaks.push(`${s.label} in ${where}`);
  return leaks;
}
