// 5. Cold start and bundle size. Cold start: spawn `node dist/index.js` with the environment the
// runner gives a step (run-action.ts's variable names, action.yml defaults) and time until the first
// byte of stdout — the first log line. The child runs in mode plan against a twin and is killed at
// that first line (plan mode writes nothing, and nothing is sent before the first line). Node's own
// start (`node -e` writing one byte) is measured the same way as a floor.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { actionDefaults, DIST_ENTRY, inputVariable, nodeBinary } from '../../__tests__/helpers/run-action.ts';

export function bundleSize(): { bytes: number; gzipBytes: number } {
  const data = readFileSync(DIST_ENTRY);
  return { bytes: statSync(DIST_ENTRY).size, gzipBytes: gzipSync(data, { level: 9 }).length };
}

function firstByte(args: string[], env: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const child = spawn(nodeBinary(), args, { env, stdio: ['ignore', 'pipe', 'ignore'] });
    let done = false;
    child.on('error', reject);
    child.stdout.once('data', () => {
      done = true;
      resolve(performance.now() - start);
      child.kill('SIGKILL');
    });
    child.on('close', () => {
      if (!done) reject(new Error(`${args.join(' ')} exited before writing anything`));
    });
  });
}

export async function coldStart(
  inputs: Record<string, string>,
): Promise<{ actionMs: number; nodeMs: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-cold-'));
  try {
    const env: Record<string, string> = {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: dir,
      CI: 'true',
      GITHUB_ACTIONS: 'true',
      RUNNER_TEMP: dir,
      GITHUB_WORKSPACE: dir,
      GITHUB_REPOSITORY: 'acme/cluster-ops',
      GITHUB_RUN_ID: '4242',
      GITHUB_RUN_ATTEMPT: '1',
    };
    for (const [k, v] of Object.entries({ ...(await actionDefaults()), ...inputs, mode: 'plan' }))
      env[inputVariable(k)] = v;
    const nodeMs = await firstByte(['-e', 'process.stdout.write("x")'], env);
    const actionMs = await firstByte([DIST_ENTRY], env);
    return { actionMs, nodeMs };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
