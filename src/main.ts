// run(): inputs -> cluster session -> procedure -> report. Every error ends in core.setFailed with a
// message that names the input or object at fault.
import * as core from '@actions/core';
import { readSettings } from './inputs.ts';

export async function run(): Promise<void> {
  try {
    const settings = readSettings();
    core.info(`mode: ${settings.mode}`);
  } catch (err) {
    core.setFailed(err instanceof Error ? err.message : String(err));
  }
}
