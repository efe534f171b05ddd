// Loads the committed bundle (dist/index.js) in a child process as the runner does. Builds nothing:
// a stale or broken dist/ must fail here (run `npm run bundle` first).
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { DIST_ENTRY, nodeBinary, parseFileCommands, runAction, runPost } from './helpers/run-action.ts';

const TOKEN = 'sha256~bundle-test-token-0123456789';

async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const { port } = s.address() as { port: number };
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

function kubeconfig(server: string): string {
  return stringify({
    apiVersion: 'v1',
    clusters: [{ name: 'c', cluster: { server, 'insecure-skip-tls-verify': true } }],
    users: [{ name: 'u', user: { token: TOKEN } }],
    contexts: [{ name: 'main', context: { cluster: 'c', user: 'u' } }],
    'current-context': 'main',
  });
}

describe('run-action helper', () => {
  it('runs the bundle on Node 24', () => {
    expect(existsSync(DIST_ENTRY)).toBe(true);
    expect(execFileSync(nodeBinary(), ['--version'], { encoding: 'utf8' })).toMatch(/^v2[4-9]\./);
  });

  it('parses heredoc and name=value file commands', () => {
    const text = 'a<<ghadelimiter_1\nline 1\nline 2\nghadelimiter_1\nb=plain\nempty<<EOF\n\nEOF\n';
    expect(parseFileCommands(text)).toEqual({ a: 'line 1\nline 2', b: 'plain', empty: '' });
    expect(() => parseFileCommands('x<<EOF\nunterminated\n')).toThrow(/delimiter EOF not found/);
  });
});

describe('dist/index.js', () => {
  it('fails naming kubeconfig when no inputs are given', async () => {
    const run = await runAction({ inputs: {} });
    expect(run.code).toBe(1);
    expect(run.errors).toHaveLength(1);
    expect(run.errors[0]).toMatch(/^Input "kubeconfig": is required but empty/);
    expect(run.state).toEqual({ isPost: 'true' });
  });

  it('fails naming mode for an invalid mode, after masking the credentials', async () => {
    const run = await runAction({
      inputs: { kubeconfig: kubeconfig('https://api.example.com:6443'), mode: 'deploy' },
    });
    expect(run.code).toBe(1);
    expect(run.errors[0]).toMatch(/^Input "mode": "deploy" is not a mode/);
    expect(run.masked).toContain(TOKEN);
    const lines = run.stdout.split('\n').filter(Boolean);
    const firstOther = lines.findIndex((l) => !l.startsWith('::add-mask::'));
    expect(firstOther).toBeGreaterThan(0);
    expect(lines.slice(firstOther).some((l) => l.startsWith('::add-mask::'))).toBe(false);
    expect(run.stdout.replace(/^::add-mask::.*$/gm, '')).not.toContain(TOKEN);
  });

  it('fails with the API server URL and cause when the cluster cannot be reached', async () => {
    // https: an http:// server is refused as an input before anything connects (issue 11).
    const server = `https://127.0.0.1:${await closedPort()}`;
    const run = await runAction({ inputs: { kubeconfig: kubeconfig(server) } });
    expect(run.code).toBe(1);
    expect(run.stdout).toContain(': mode plan');
    expect(run.errors[0]).toBe(
      `cannot reach the API server at ${server}: connect ECONNREFUSED ${server.slice(8)} (ECONNREFUSED) — check the kubeconfig's server address and that the runner can reach it`,
    );
  });

  it('runs the post step with the saved state, in the same RUNNER_TEMP', async () => {
    const main = await runAction({ inputs: {} });
    // The run's secret directory, as secretTempDir() makes it: named by the token in the saved state.
    const token = '0123456789abcdef0123456789abcdef';
    const dir = path.join(main.runnerTemp, `sdn-to-ovn-secrets-${token}`);
    await mkdir(dir, { mode: 0o700 });
    const secret = path.join(dir, 'kubeconfig');
    await writeFile(secret, 'x', { mode: 0o600 });
    const post = await runPost({ ...main.state, secretDirToken: token }, { tempDir: main.tempDir });
    expect(post.code).toBe(0);
    expect(post.errors).toEqual([]);
    expect(existsSync(secret)).toBe(false);
    expect(existsSync(dir)).toBe(false);
  });
});
