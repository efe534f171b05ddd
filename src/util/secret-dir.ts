// Files that hold a credential live in one private directory per run, under RUNNER_TEMP, named with a
// random token; the post step removes that directory and nothing else. The saved state holds only the
// token, never a path: state can be forged by any stdout line that reaches the runner as a
// `::save-state` command, so the post step accepts nothing but a well-formed token and derives the one
// path it may delete from it.
import * as core from '@actions/core';
import { randomBytes } from 'node:crypto';
import { mkdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Logger } from './log.ts';

export const SECRET_DIR_STATE = 'secretDirToken';
const TOKEN = /^[0-9a-f]{32}$/;

function secretDirPath(token: string): string {
  return join(process.env.RUNNER_TEMP || tmpdir(), `sdn-to-ovn-secrets-${token}`);
}

let created: Promise<string> | undefined;

/** The run's private directory (mode 0700) for files that hold a credential; the post step removes it. */
export function secretTempDir(): Promise<string> {
  created ??= (async () => {
    const token = randomBytes(16).toString('hex');
    const dir = secretDirPath(token);
    // Recorded before the directory exists, so no path can be left behind unrecorded.
    core.saveState(SECRET_DIR_STATE, token);
    await mkdir(dir, { mode: 0o700 });
    return dir;
  })();
  return created;
}

/** The post step: removes this run's secret directory; malformed state is ignored with a warning. */
export async function removeSecretTempDir(log: Logger): Promise<void> {
  const token = core.getState(SECRET_DIR_STATE);
  if (!token) return;
  if (!TOKEN.test(token)) {
    log.warn(
      `Ignored the saved state "${SECRET_DIR_STATE}": it is not a token this action writes, so nothing was removed.`,
    );
    return;
  }
  try {
    await rm(secretDirPath(token), { recursive: true, force: true });
    log.info('Removed the temporary directory that held credentials.');
  } catch (err) {
    log.warn(
      `Could not remove the temporary directory that held credentials: ${(err as NodeJS.ErrnoException).code ?? 'error'}`,
    );
  }
}
