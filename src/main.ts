// run(): inputs -> cluster session -> procedure -> report. Every error ends in core.setFailed with a
// message that names the input or object at fault.
import * as core from '@actions/core';
import { readSettings } from './inputs/inputs.ts';
import { orchestrate } from './orchestrate.ts';
import { annotationText, coreLogger } from './util/log.ts';

export async function run(): Promise<void> {
  // The runner cancels a job with SIGINT, then SIGTERM: stop starting new changes, then report.
  const cancel = new AbortController();
  const onSignal = (sig: NodeJS.Signals) => {
    if (!cancel.signal.aborted)
      core.warning(`Received ${sig}: no new change will be started; writing the report.`);
    cancel.abort(new Error(`cancelled (${sig})`));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    const settings = readSettings();
    const { report, failed } = await orchestrate(settings, cancel.signal);
    if (failed)
      core.setFailed(annotationText(report.failure?.message ?? `the run ended with result ${report.result}`));
    else coreLogger.info(`Result: ${report.result}`);
  } catch (err) {
    core.setFailed(annotationText(err instanceof Error ? err.message : String(err)));
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
