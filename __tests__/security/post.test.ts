// The post step deletes only what its own run created: the run's secret directory under RUNNER_TEMP,
// named by a random token. Saved state can be forged by any line that reaches the runner as a
// `::save-state` command, so state that names files, paths or anything but a token deletes nothing
// and never crashes the step. Runs the bundle (dist/index.js) as the runner runs the post step.
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SECRET_DIR_STATE, secretTempDir } from '../../src/util/secret-dir.ts';
import { parseFileCommands, runAction, runPost, type ActionRun } from '../helpers/run-action.ts';
import { foreignCommands } from './runner-model.ts';

let main: ActionRun;
beforeAll(async () => {
  // A main step that fails on its inputs at once: only its RUNNER_TEMP and state matter here.
  main = await runAction({ inputs: {}, timeoutMs: 60_000 });
});
afterAll(async () => {
  await rm(main.tempDir, { recursive: true, force: true });
});

/** Files the post step must leave alone: one outside RUNNER_TEMP, one inside it that is not ours. */
async function victims(): Promise<string[]> {
  const outside = path.join(main.tempDir, `victim-${Math.random().toString(16).slice(2)}`);
  const inside = path.join(main.runnerTemp, `other-action-file-${Math.random().toString(16).slice(2)}`);
  for (const f of [outside, inside]) await writeFile(f, 'keep me');
  return [outside, inside];
}

describe('the post step', () => {
  it('deletes nothing that a forged "secretFiles" state names', async () => {
    const [outside, inside] = await victims();
    const post = await runPost(
      { ...main.state, secretFiles: JSON.stringify([outside, inside, main.runnerTemp]) },
      { tempDir: main.tempDir },
    );
    expect(post.code).toBe(0);
    expect(existsSync(outside)).toBe(true);
    expect(existsSync(inside)).toBe(true);
    expect(existsSync(main.runnerTemp)).toBe(true);
  });

  it.each([
    ['a path', '/etc'],
    ['a relative path', '../../victim'],
    ['a JSON list', JSON.stringify(['/etc/hostname'])],
    ['a token with a path after it', `${'a'.repeat(32)}/../..`],
    ['malformed JSON', '["unterminated'],
  ])('ignores %s in its token state with a warning, and exits 0', async (_what, value) => {
    const [outside, inside] = await victims();
    const post = await runPost({ ...main.state, [SECRET_DIR_STATE]: value }, { tempDir: main.tempDir });
    expect(post.code).toBe(0);
    expect(post.stderr).toBe('');
    expect(post.stdout).toMatch(/::warning::Ignored the saved state "secretDirToken": it is not a token/);
    expect(existsSync(outside)).toBe(true);
    expect(existsSync(inside)).toBe(true);
    expect(foreignCommands(post.stdout, [])).toEqual([]);
  });

  it("removes the run's own secret directory and nothing beside it", async () => {
    const [outside, inside] = await victims();
    const token = '0123456789abcdef0123456789abcdef';
    const dir = path.join(main.runnerTemp, `sdn-to-ovn-secrets-${token}`);
    await mkdir(dir, { mode: 0o700 });
    await writeFile(path.join(dir, 'kubeconfig'), 'secret');
    const post = await runPost({ ...main.state, [SECRET_DIR_STATE]: token }, { tempDir: main.tempDir });
    expect(post.code).toBe(0);
    expect(existsSync(dir)).toBe(false);
    expect(existsSync(outside)).toBe(true);
    expect(existsSync(inside)).toBe(true);
  });

  it('secretTempDir makes a private directory under RUNNER_TEMP and records only its token', async () => {
    const temp = await mkdtemp(path.join(tmpdir(), 'secret-dir-'));
    const stateFile = path.join(temp, 'state');
    await writeFile(stateFile, '');
    const saved = { RUNNER_TEMP: process.env.RUNNER_TEMP, GITHUB_STATE: process.env.GITHUB_STATE };
    process.env.RUNNER_TEMP = temp;
    process.env.GITHUB_STATE = stateFile;
    try {
      const dir = await secretTempDir();
      expect(await secretTempDir()).toBe(dir);
      expect(path.dirname(dir)).toBe(temp);
      expect((await stat(dir)).mode & 0o777).toBe(0o700);
      const state = parseFileCommands(await readFile(stateFile, 'utf8'));
      expect(state[SECRET_DIR_STATE]).toMatch(/^[0-9a-f]{32}$/);
      expect(path.basename(dir)).toBe(`sdn-to-ovn-secrets-${state[SECRET_DIR_STATE]}`);
    } finally {
      for (const [k, v] of Object.entries(saved))
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      await rm(temp, { recursive: true, force: true });
    }
  });
});
