// The twin's CLI (`npm run twin -- --scenario FILE --timeline FILE`): one JSON line of facts on stdout,
// a cluster kubectl can use through the printed kubeconfigPath, and on SIGINT a clean stop that
// writes the timeline (with the requests kubectl made) and removes the temp directory.
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { connect } from 'node:net';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tool } from '../helpers/tools.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const CLI = join(ROOT, '__tests__/twin/cli.ts');
const SCENARIO = '__tests__/twin/scenarios/ocp-4.14.yaml';

/** The Node 24 binary: vitest's own under `npx vitest`, else the project's node_modules/.bin/node. */
const NODE = process.version.startsWith('v24.') ? process.execPath : join(ROOT, 'node_modules/.bin/node');

interface Facts {
  scenario: string;
  version: string;
  apiUrl: string;
  kubeconfigPath: string;
  sshPort: number;
  sshUser: string;
  sshKeyPath: string;
  knownHostsPath: string;
  msPerSecond: number;
  nodes: { name: string; addresses: string[]; hostKeyFingerprint: string }[];
}

let dir: string;
let child: ChildProcess | undefined;
/** Process group of a detached child (npm, sh and node), killed whole if a test leaves it running. */
let group: number | undefined;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'twin-cli-'));
});
afterEach(async () => {
  if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  child = undefined;
  if (group !== undefined) {
    try {
      process.kill(-group, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  group = undefined;
  await rm(dir, { recursive: true, force: true });
});

/** Resolves with stdout's first line; rejects if the process exits first or after 20 s. */
function firstLine(p: ChildProcess): Promise<string> {
  return new Promise((res, rej) => {
    let out = '';
    let err = '';
    const timer = setTimeout(() => rej(new Error(`no JSON line in 20 s; stderr: ${err}`)), 20_000);
    p.stderr!.on('data', (c: Buffer) => (err += c.toString()));
    p.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      const json = out.split('\n').find((l) => l.startsWith('{'));
      if (json !== undefined && out.includes(`${json}\n`)) {
        clearTimeout(timer);
        res(json);
      }
    });
    p.on('exit', (code) => rej(new Error(`twin exited (${code}) before printing; stderr: ${err}`)));
  });
}

function exited(p: ChildProcess): Promise<{ code: number | null; signal: string | null; stderr: string }> {
  let stderr = '';
  p.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
  return new Promise((res) => p.on('exit', (code, signal) => res({ code, signal, stderr })));
}

function kubectl(
  kubeconfig: string,
  args: string[],
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((res) => {
    execFile(
      tool('kubectl'),
      ['--kubeconfig', kubeconfig, ...args],
      { env: { PATH: process.env.PATH ?? '/usr/bin', HOME: dir }, timeout: 30_000 },
      (err, stdout, stderr) =>
        res({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr }),
    );
  });
}

async function checkFacts(line: string): Promise<Facts> {
  const facts = JSON.parse(line) as Facts;
  expect(facts).toMatchObject({
    scenario: 'ocp-4.14-small',
    version: '4.14.12',
    apiUrl: expect.stringMatching(/^https:\/\/127\.0\.0\.1:\d+$/),
    sshUser: 'core',
    msPerSecond: 2,
  });
  expect(facts.sshPort).toBeGreaterThan(0);
  expect(facts.nodes.map((n) => n.name)).toEqual([
    'master-0',
    'master-1',
    'master-2',
    'worker-0',
    'worker-1',
    'worker-2',
  ]);
  for (const n of facts.nodes) {
    expect(n.addresses.every((a) => a.startsWith('127.'))).toBe(true);
    expect(n.hostKeyFingerprint).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/);
  }
  for (const p of [facts.kubeconfigPath, facts.sshKeyPath, facts.knownHostsPath])
    expect(existsSync(p)).toBe(true);
  // Paths only: the private key text is never printed.
  expect(line).not.toContain('PRIVATE KEY');
  return facts;
}

async function checkKubectl(facts: Facts): Promise<void> {
  const r = await kubectl(facts.kubeconfigPath, ['get', 'nodes']);
  expect(r.code, r.stderr).toBe(0);
  const rows = r.stdout
    .trim()
    .split('\n')
    .map((l) => l.split(/\s{2,}/));
  expect(rows[0]).toEqual(['NAME', 'STATUS', 'ROLES', 'AGE', 'VERSION']);
  expect(rows.slice(1).map((row) => `${row[0]} ${row[1]}`)).toEqual(
    facts.nodes.map((n) => `${n.name} Ready`),
  );
}

async function checkTimeline(path: string): Promise<void> {
  const timeline = JSON.parse(await readFile(path, 'utf8')) as {
    entries: { actor: string; verb: string; object: string }[];
    counters: Record<string, number>;
  };
  expect(timeline.counters['list nodes']).toBeGreaterThanOrEqual(1);
  // The seeded cluster is in it from the start.
  expect(timeline.entries.some((e) => e.actor === 'seed' && e.object === 'Node/master-0')).toBe(true);
}

describe('npm run twin', () => {
  it('runs on Node 24: one JSON line of facts, kubectl works, SIGINT writes the timeline and stops', async () => {
    const version = await new Promise<string>((res) =>
      execFile(NODE, ['--version'], (_e, out) => res(out.trim())),
    );
    expect(version).toMatch(/^v24\./);
    const timeline = join(dir, 'timeline.json');
    // What `npm run twin -- --scenario … --timeline …` runs (package.json: node __tests__/twin/cli.ts).
    child = spawn(NODE, [CLI, '--scenario', SCENARIO, '--timeline', timeline], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const line = await firstLine(child);
    const facts = await checkFacts(line);
    await checkKubectl(facts);
    expect(existsSync(timeline)).toBe(false);

    const done = exited(child);
    child.kill('SIGINT');
    const end = await done;
    expect(end.code).toBe(0);
    expect(end.stderr).toContain(`timeline written to ${timeline}`);
    await checkTimeline(timeline);
    // stop() removed the kubeconfig, keys and known_hosts; the API no longer answers.
    expect(existsSync(facts.kubeconfigPath)).toBe(false);
    const port = Number(new URL(facts.apiUrl).port);
    const refused = await new Promise<string>((res) => {
      const s = connect(port, '127.0.0.1', () => {
        s.destroy();
        res('connected');
      });
      s.on('error', (e: NodeJS.ErrnoException) => res(e.code ?? 'error'));
    });
    expect(refused).toBe('ECONNREFUSED');
  });

  it('through npm itself, stopped by Ctrl-C (SIGINT to the process group)', async () => {
    const timeline = join(dir, 'npm-timeline.json');
    child = spawn('npm', ['run', 'twin', '--', '--scenario', SCENARIO, '--timeline', timeline], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
      // Its own process group, as a terminal job: Ctrl-C signals npm, sh and node together.
      detached: true,
    });
    group = child.pid;
    const facts = await checkFacts(await firstLine(child));
    await checkKubectl(facts);
    const done = exited(child);
    process.kill(-child.pid!, 'SIGINT');
    const end = await done;
    expect(end.signal === 'SIGINT' || end.code === 0 || end.code === 130).toBe(true);
    // npm may exit before its child finishes writing: wait for the file (bounded).
    for (let i = 0; i < 100 && !existsSync(timeline); i++) await new Promise((r) => setTimeout(r, 50));
    await checkTimeline(timeline);
  });

  it('refuses to start without --scenario (usage, exit 2)', async () => {
    const r = await new Promise<{ code: number; stderr: string }>((res) =>
      execFile(NODE, [CLI], { cwd: ROOT }, (err, _out, stderr) =>
        res({ code: err && typeof err.code === 'number' ? err.code : 0, stderr }),
      ),
    );
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('usage: npm run twin -- --scenario');
  });
});
