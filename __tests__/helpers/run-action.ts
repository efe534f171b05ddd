// Runs the built action (dist/index.js) in a child process the way the GitHub runner does, so
// end-to-end tests exercise the real bundle, the real @actions/core file commands and the real
// main/post split. What the runner does for a `node24` action step, and this helper imitates:
//   - inputs become INPUT_<NAME> variables (name upper-cased, spaces to `_`, dashes kept), and every
//     input declared in action.yml with a default gets that default when the workflow does not set it;
//   - GITHUB_OUTPUT, GITHUB_STATE, GITHUB_STEP_SUMMARY (and GITHUB_ENV, GITHUB_PATH) are fresh files
//     per step; the action writes `name<<delimiter` heredocs into them;
//   - the post step runs the same file with the state the main step saved, as STATE_<name>;
//   - RUNNER_TEMP is shared by all steps of a job; the working directory is GITHUB_WORKSPACE;
//   - the child gets no stdin and not the test process's environment (only PATH, HOME and what the
//     caller passes), so a stray INPUT_* in the test process cannot leak into a run;
//   - cancelling sends SIGINT, then SIGTERM after a grace period (the runner waits 7.5 s), then
//     SIGKILL 2.5 s later.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';

/** Repository root (this file is __tests__/helpers/run-action.ts). */
export const REPO_ROOT = path.resolve(import.meta.dirname, '..', '..');
export const DIST_ENTRY = path.join(REPO_ROOT, 'dist', 'index.js');

export interface RunActionOptions {
  /** Action inputs by their action.yml name (`ssh-private-key`, not `SSH_PRIVATE_KEY`). */
  inputs: Record<string, string>;
  /** Extra variables for the child; `undefined` removes one the helper would set. Applied last. */
  env?: Record<string, string | undefined>;
  /** Kill the child (SIGKILL) after this long and report `timedOut`. Default 120 s. */
  timeoutMs?: number;
  /** Working directory; default the run's GITHUB_WORKSPACE. */
  cwd?: string;
  /** Aborting cancels the step as the runner does: SIGINT, SIGTERM after `cancelGraceMs`, SIGKILL 2.5 s later. */
  signal?: AbortSignal;
  /** Aborting kills the child with SIGKILL at once: a runner that dies, with no chance to clean up. */
  kill?: AbortSignal;
  /** Grace period between SIGINT and SIGTERM on cancel. Default 7500 ms, as the runner. */
  cancelGraceMs?: number;
  /** Reuse the temp dir of an earlier step of the same "job" (RUNNER_TEMP, workspace, event file). */
  tempDir?: string;
  /** Fill in action.yml defaults for inputs not given, as the runner does. Default true. */
  applyDefaults?: boolean;
  /** Saved state passed as STATE_<name> (what the runner does for the post step). */
  state?: Record<string, string>;
  /** Called with each stdout chunk as it arrives, e.g. to cancel when a phase starts. */
  onStdout?: (chunk: string) => void;
  /** Script to run instead of dist/index.js. */
  entry?: string;
}

export interface ActionRun {
  /** Exit code, or null when the process was killed by a signal. */
  code: number | null;
  /** The signal that ended the process, if any. */
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  stdout: string;
  stderr: string;
  /** What the step wrote to GITHUB_OUTPUT. */
  outputs: Record<string, string>;
  /** Contents of GITHUB_STEP_SUMMARY ('' when nothing was written). */
  summary: string;
  /** What the step saved to GITHUB_STATE (pass to runPost). */
  state: Record<string, string>;
  /** Values registered with `::add-mask::`, in order. The runner would hide them from the log. */
  masked: string[];
  /** Messages of `::error::` commands (core.setFailed / core.error), unescaped. */
  errors: string[];
  /** Root of this job's temp files: runner-temp/, workspace/, event.json, step files. */
  tempDir: string;
  /** RUNNER_TEMP of the run. */
  runnerTemp: string;
  /** The full environment the child ran with. */
  env: Record<string, string>;
}

/**
 * A Node 24 binary: the test process's own when it is Node 24+ (vitest started through npm/npx runs
 * on the pinned `node` devDependency), else that devDependency's binary.
 */
export function nodeBinary(): string {
  const major = Number(process.versions.node.split('.')[0]);
  if (major >= 24) return process.execPath;
  const pinned = path.join(REPO_ROOT, 'node_modules', 'node', 'bin', 'node');
  if (!existsSync(pinned)) {
    throw new Error(`tests run on Node ${process.versions.node} and ${pinned} is missing: run npm ci`);
  }
  return pinned;
}

/** The runner's variable name for an input: spaces to underscores, upper case, dashes kept. */
export function inputVariable(name: string): string {
  return `INPUT_${name.replace(/ /g, '_').toUpperCase()}`;
}

/** Defaults declared in action.yml, read once. */
let defaultsCache: Record<string, string> | undefined;
export async function actionDefaults(): Promise<Record<string, string>> {
  if (defaultsCache) return defaultsCache;
  const manifest = parseYaml(await readFile(path.join(REPO_ROOT, 'action.yml'), 'utf8')) as {
    inputs?: Record<string, { default?: unknown }>;
  };
  const defaults: Record<string, string> = {};
  for (const [name, spec] of Object.entries(manifest.inputs ?? {})) {
    if (spec.default === undefined || spec.default === null) continue;
    const value = String(spec.default);
    // The runner evaluates ${{ }} in defaults; this helper does not, so refuse rather than pass it raw.
    if (value.includes('${{'))
      throw new Error(`run-action: cannot evaluate the expression default of "${name}"`);
    defaults[name] = value;
  }
  defaultsCache = defaults;
  return defaults;
}

/**
 * Parses a GITHUB_OUTPUT / GITHUB_STATE / GITHUB_ENV file: `name<<DELIM` heredocs (what
 * @actions/core writes) and single-line `name=value`.
 */
export function parseFileCommands(text: string): Record<string, string> {
  const result: Record<string, string> = {};
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line === '') continue;
    const heredoc = /^([^=]+?)<<(.+)$/.exec(line);
    if (heredoc) {
      const [, name, delimiter] = heredoc as unknown as [string, string, string];
      const value: string[] = [];
      i++;
      while (i < lines.length && lines[i] !== delimiter) value.push(lines[i++]!);
      if (i >= lines.length) throw new Error(`file command "${name}": delimiter ${delimiter} not found`);
      result[name] = value.join('\n');
      continue;
    }
    const eq = line.indexOf('=');
    if (eq <= 0) throw new Error(`file command line is neither name=value nor name<<delimiter: ${line}`);
    result[line.slice(0, eq)] = line.slice(eq + 1);
  }
  return result;
}

/** Undoes @actions/core's escaping of a workflow command's data (`%25`, `%0D`, `%0A`). */
function unescapeData(s: string): string {
  return s.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%25/g, '%');
}

function commands(stdout: string, name: string): string[] {
  const re = new RegExp(`^::${name}(?: [^:]*)?::(.*)$`);
  return stdout
    .split(/\r?\n/)
    .map((l) => re.exec(l)?.[1])
    .filter((v): v is string => v !== undefined)
    .map(unescapeData);
}

let stepCounter = 0;

async function readIfExists(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch {
    return '';
  }
}

/** Runs dist/index.js as one step (main, or post when `state` holds isPost) and collects what it wrote. */
export async function runAction(opts: RunActionOptions): Promise<ActionRun> {
  const tempDir = opts.tempDir ?? (await mkdtemp(path.join(tmpdir(), 'sdn-to-ovn-run-')));
  const runnerTemp = path.join(tempDir, 'runner-temp');
  const workspace = path.join(tempDir, 'workspace');
  await mkdir(runnerTemp, { recursive: true });
  await mkdir(workspace, { recursive: true });
  const eventPath = path.join(tempDir, 'event.json');
  if (!existsSync(eventPath)) {
    await writeFile(
      eventPath,
      JSON.stringify({ inputs: {}, ref: 'refs/heads/main', repository: { full_name: 'acme/cluster-ops' } }),
    );
  }

  const step = `step-${process.pid}-${++stepCounter}`;
  const files = {
    GITHUB_OUTPUT: path.join(tempDir, `${step}-output`),
    GITHUB_STATE: path.join(tempDir, `${step}-state`),
    GITHUB_STEP_SUMMARY: path.join(tempDir, `${step}-summary.md`),
    GITHUB_ENV: path.join(tempDir, `${step}-env`),
    GITHUB_PATH: path.join(tempDir, `${step}-path`),
  };
  for (const f of Object.values(files)) await writeFile(f, '');

  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: process.env.HOME ?? tempDir,
    CI: 'true',
    GITHUB_ACTIONS: 'true',
    RUNNER_TEMP: runnerTemp,
    RUNNER_OS: 'Linux',
    RUNNER_ARCH: 'X64',
    RUNNER_NAME: 'run-action-helper',
    RUNNER_ENVIRONMENT: 'self-hosted',
    GITHUB_RUN_ID: '4242',
    GITHUB_RUN_NUMBER: '7',
    GITHUB_RUN_ATTEMPT: '1',
    GITHUB_JOB: 'migrate',
    GITHUB_ACTION: 'network-migration',
    GITHUB_REPOSITORY: 'acme/cluster-ops',
    GITHUB_REPOSITORY_OWNER: 'acme',
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_API_URL: 'https://api.github.com',
    GITHUB_GRAPHQL_URL: 'https://api.github.com/graphql',
    GITHUB_WORKFLOW: 'Network migration',
    GITHUB_ACTOR: 'cluster-admin',
    GITHUB_REF: 'refs/heads/main',
    GITHUB_REF_NAME: 'main',
    GITHUB_SHA: '0123456789abcdef0123456789abcdef01234567',
    GITHUB_EVENT_NAME: 'workflow_dispatch',
    GITHUB_EVENT_PATH: eventPath,
    GITHUB_WORKSPACE: workspace,
    ...files,
  };
  const inputs = { ...(opts.applyDefaults === false ? {} : await actionDefaults()), ...opts.inputs };
  for (const [name, value] of Object.entries(inputs)) env[inputVariable(name)] = value;
  for (const [name, value] of Object.entries(opts.state ?? {})) env[`STATE_${name}`] = value;
  for (const [name, value] of Object.entries(opts.env ?? {})) {
    if (value === undefined) delete env[name];
    else env[name] = value;
  }

  const child = spawn(nodeBinary(), [opts.entry ?? DIST_ENTRY], {
    cwd: opts.cwd ?? workspace,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
    opts.onStdout?.(chunk);
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));

  let timedOut = false;
  const timers: NodeJS.Timeout[] = [];
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal }));
  });
  timers.push(
    setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, opts.timeoutMs ?? 120_000),
  );
  const cancel = (): void => {
    child.kill('SIGINT');
    const grace = opts.cancelGraceMs ?? 7_500;
    timers.push(setTimeout(() => child.kill('SIGTERM'), grace));
    timers.push(setTimeout(() => child.kill('SIGKILL'), grace + 2_500));
  };
  if (opts.signal?.aborted) cancel();
  else opts.signal?.addEventListener('abort', cancel, { once: true });
  const killNow = (): void => void child.kill('SIGKILL');
  if (opts.kill?.aborted) killNow();
  else opts.kill?.addEventListener('abort', killNow, { once: true });

  let result: { code: number | null; signal: NodeJS.Signals | null };
  try {
    result = await exited;
  } finally {
    timers.forEach(clearTimeout);
    opts.signal?.removeEventListener('abort', cancel);
    opts.kill?.removeEventListener('abort', killNow);
  }

  return {
    ...result,
    timedOut,
    stdout,
    stderr,
    outputs: parseFileCommands(await readIfExists(files.GITHUB_OUTPUT)),
    summary: await readIfExists(files.GITHUB_STEP_SUMMARY),
    state: parseFileCommands(await readIfExists(files.GITHUB_STATE)),
    masked: commands(stdout, 'add-mask'),
    errors: commands(stdout, 'error'),
    tempDir,
    runnerTemp,
    env,
  };
}

/**
 * Runs the post step with the state a main step saved, as the runner does at the end of the job.
 * Pass the main run's `tempDir` (and usually its inputs) in `opts` so RUNNER_TEMP is the same.
 */
export async function runPost(
  state: Record<string, string>,
  opts: Partial<RunActionOptions> = {},
): Promise<ActionRun> {
  return runAction({ ...opts, inputs: opts.inputs ?? {}, state: { ...state, ...opts.state } });
}
