// The post step: removes every temp file that held a secret (kubeconfig, SSH key), whatever the
// main step's outcome. Paths come from saved state because post runs in a new process.
import * as core from '@actions/core';
import { rm } from 'node:fs/promises';

export const SECRET_FILES_STATE = 'secretFiles';

export async function post(): Promise<void> {
  const raw = core.getState(SECRET_FILES_STATE);
  const files: string[] = raw ? (JSON.parse(raw) as string[]) : [];
  for (const f of files) {
    await rm(f, { force: true });
  }
  if (files.length) core.info(`Removed ${files.length} temporary file(s) that held credentials.`);
}
