// run(): inputs -> cluster session -> procedure -> report. Every error ends in core.setFailed with a
// message that names the input or object at fault.
import * as core from '@actions/core';
import { InputError } from './inputs/input-error.ts';
import { readSettings } from './inputs/inputs.ts';
import { orchestrate, RunNotStarted } from './orchestrate.ts';
import { escapeHtml } from './report/markdown.ts';
import { annotationText, coreLogger } from './util/log.ts';

/**
 * The run stopped before it could contact the cluster (an invalid input, a kubeconfig the client
 * cannot use): it still ends with result `refused` and a short job summary naming the input, like
 * every other refusal.
 */
async function refuseEarly(err: unknown): Promise<void> {
  core.setOutput('result', 'refused');
  const input = err instanceof RunNotStarted ? err.cause : err;
  const title =
    input instanceof InputError
      ? `input \`${escapeHtml(input.input)}\` is invalid`
      : 'the run could not start';
  const message = err instanceof Error ? err.message : String(err);
  try {
    if (process.env.GITHUB_STEP_SUMMARY)
      await core.summary
        .addRaw(
          `## ⛔ Refused: ${title}\n\n${escapeHtml(message)}\n\nNo change was made to the cluster. Fix the input and run again.\n`,
          true,
        )
        .write();
  } catch (e) {
    core.warning(`Could not write the job summary: ${e instanceof Error ? e.message : String(e)}`);
  }
}

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
    // The failure is already an annotation (publishRun): a second ::error here would show it twice.
    if (failed) process.exitCode = core.ExitCode.Failure;
    coreLogger.info(`Result: ${report.result}`);
  } catch (err) {
    // orchestrate() reports everything once it has started; only what came before is reported here.
    if (err instanceof InputError || err instanceof RunNotStarted) await refuseEarly(err);
    core.setFailed(annotationText(err instanceof Error ? err.message : String(err)));
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
