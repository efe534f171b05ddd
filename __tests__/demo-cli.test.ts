// The newcomer's first command: `npm run demo` answers --help, and a typo ends with one line and exit
// code 2, never a stack trace, before a twin is started.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from './helpers/run-action.ts';

function demo(...args: string[]) {
  const r = spawnSync(process.execPath, [path.join('scripts', 'demo.ts'), ...args], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
    timeout: 30_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('npm run demo', () => {
  it('--help lists every option and fault kind', () => {
    const r = demo('--help');
    expect(r.code).toBe(0);
    for (const opt of ['--scenario', '--mode', '--fault', '--cancel-at', '--out', 'node-never-returns'])
      expect(r.stdout).toContain(opt);
  });

  it.each([
    [['--bogus'], "Unknown option '--bogus'"],
    [['--scenario', 'no-such.yaml'], 'scenario file not found: no-such.yaml'],
    [['--fault', 'meteor'], 'unknown fault "meteor"'],
    [['--mode', 'rollout'], '--mode must be plan or migrate'],
  ])('%j ends with one line and exit code 2', (args, message) => {
    const r = demo(...args);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(message);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.stdout).not.toContain('Starting the twin');
  });
});
