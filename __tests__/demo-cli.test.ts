// The newcomer's first command: `npm run demo` answers --help, and a typo ends with one line and exit
// code 2, never a stack trace, before a twin is started.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from './helpers/run-action.ts';

function demo(...args: string[]) {
  const r = spawnSync(process.execPath, [path.join('scripts', 'demo.ts'), ...args], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
    timeout: 110_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('npm run demo', () => {
  it('--help lists every option and fault kind', () => {
    const r = demo('--help');
    expect(r.code).toBe(0);
    for (const opt of [
      '--scenario',
      '--mode',
      '--strategy',
      '--fault',
      '--cancel-at',
      '--out',
      'node-never-returns',
    ])
      expect(r.stdout).toContain(opt);
  });

  it.each([
    [['--bogus'], "Unknown option '--bogus'"],
    [['--scenario', 'no-such.yaml'], 'scenario file not found: no-such.yaml'],
    [['--fault', 'meteor'], 'unknown fault "meteor"'],
    [['--mode', 'rollout'], '--mode must be plan or migrate'],
    [['--strategy', 'fast'], '--strategy must be offline, live or auto'],
  ])('%j ends with one line and exit code 2', (args, message) => {
    const r = demo(...args);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(message);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.stdout).not.toContain('Starting the twin');
  });

  it('--cancel-at cancels the run where the text appears, in an --out directory cleared first', () => {
    const out = mkdtempSync(path.join(tmpdir(), 'demo-'));
    writeFileSync(path.join(out, 'stale.txt'), 'from an earlier run');
    try {
      const r = demo('--cancel-at', 'Switch the default network', '--out', out);
      expect(r.code, r.stderr).toBe(1);
      expect(r.stdout).toContain('"Switch the default network" seen: cancelling the run (SIGINT)');
      expect(r.stdout).toContain('result cancelled');
      expect(existsSync(path.join(out, 'stale.txt'))).toBe(false);
      const summary = readFileSync(path.join(out, 'summary.md'), 'utf8');
      expect(summary).toMatch(/^## ⏹️ Migration cancelled during Switch the default network/);
      expect(readFileSync(path.join(out, 'summary.html'), 'utf8')).toContain('<h2>⏹️ Migration cancelled');
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  }, 120_000);
});
