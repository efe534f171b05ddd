// `npm run bench -- --quick` end to end: every section runs on the smallest configuration, the table is
// printed and the JSON holds the same rows. No timing is asserted — only that the script works.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { nodeBinary, REPO_ROOT } from './helpers/run-action.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'bench-smoke-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('npm run bench -- --quick', () => {
  it('runs every section and writes the table and the JSON', { timeout: 300_000 }, async () => {
    const out = path.join(dir, 'bench-results.json');
    const child = spawn(nodeBinary(), ['scripts/bench.ts', '--quick', '--repeat', '1', '--out', out], {
      cwd: REPO_ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(code, stderr.slice(-3000)).toBe(0);

    const json = JSON.parse(readFileSync(out, 'utf8')) as {
      mode: string;
      rows: { section: string; what: string; value: string }[];
      table: string;
      api: { apiTotal: number; nodes: number }[];
    };
    expect(json.mode).toBe('quick');
    const sections = new Set(json.rows.map((r) => r.section));
    for (const s of [
      '1 fan-out',
      '2 API requests',
      '3 detection latency',
      '4 verification',
      '5 cold start',
      '7 estimate',
      '6 overhead',
    ])
      expect(sections).toContain(s);
    // The estimate section measures a rollback too (--quick: B's, max-unavailable 20%).
    expect(json.rows.map((r) => r.what)).toContain('B-rollback 6 nodes, max-unavailable 20%: total');
    expect(stdout).toContain(json.table);
    expect(json.api.every((m) => m.apiTotal > 0)).toBe(true);
  });
});
