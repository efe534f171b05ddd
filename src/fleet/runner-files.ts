// The fleet action talks to the runner without @actions/core: that package brings an HTTP client
// (over 500 KB bundled) that a table renderer never needs. It needs three things: its inputs (the
// runner passes them as INPUT_<NAME> variables), an output line in GITHUB_OUTPUT, and an error
// annotation on stdout.
import { appendFileSync } from 'node:fs';
import { EOL } from 'node:os';
import { capText, escapeControls } from '../util/untrusted-text.ts';

/** The runner's variable for an input: spaces to underscores, upper case, dashes kept. */
export function actionInput(name: string, env: NodeJS.ProcessEnv = process.env): string {
  return (env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] ?? '').trim();
}

/** One single-line output (the values written here never hold a line break). */
export function writeOutput(name: string, value: string, env: NodeJS.ProcessEnv = process.env): void {
  if (/[\r\n]/.test(value)) throw new Error(`output ${name} must be one line`);
  if (env.GITHUB_OUTPUT) appendFileSync(env.GITHUB_OUTPUT, `${name}=${value}${EOL}`);
}

export function appendSummary(markdown: string, env: NodeJS.ProcessEnv = process.env): void {
  if (env.GITHUB_STEP_SUMMARY) appendFileSync(env.GITHUB_STEP_SUMMARY, markdown);
}

/** `::error::` with the runner's escaping of command data (%, CR, LF), other controls made visible. */
export function errorCommand(message: string): string {
  const data = escapeControls(capText(message, 4000), { keepNewlines: true })
    .replace(/%/g, '%25')
    .replace(/\r/g, '%0D')
    .replace(/\n/g, '%0A');
  return `::error title=Fleet::${data}${EOL}`;
}

export function reportError(message: string): void {
  // The only write to stdout in the fleet action: one annotation whose data is escaped above, so no
  // text in it can start a command of its own.
  // eslint-disable-next-line no-restricted-syntax
  process.stdout.write(errorCommand(message));
  process.exitCode = 1;
}
