// How the GitHub Actions runner reads a step's stdout and stderr for workflow commands, after
// actions/runner (src/Runner.Worker/ActionCommandManager.cs, src/Runner.Common/ActionCommand.cs):
//   - the output is read line by line; a line ends at "\n", "\r" or "\r\n" (.NET ReadLine);
//   - v2: a line whose text after TrimStart() starts with "::" and has a second "::" is
//     `::name key=value,key=value::data`;
//   - v1: "##[name key=value;key=value]data" anywhere in a line, for a registered command name;
//   - `stop-commands` (data = token) turns processing off until a command named like the token.
// The model errs on the side of finding more commands: any name counts in v2, and trimming takes
// every Unicode space plus the controls .NET may count as white space.

export interface RunnerCommand {
  name: string;
  properties: Record<string, string>;
  data: string;
  form: 'v2' | 'v1';
  line: string;
}

/** Names the runner registers (v1 needs one of these, or the current stop token). */
const REGISTERED = [
  'add-mask',
  'add-matcher',
  'add-path',
  'debug',
  'echo',
  'endgroup',
  'error',
  'group',
  'notice',
  'remove-matcher',
  'save-state',
  'set-env',
  'set-output',
  'stop-commands',
  'warning',
];

const unescapeData = (s: string) => s.replace(/%0D/gi, '\r').replace(/%0A/gi, '\n').replace(/%25/g, '%');
const unescapeProperty = (s: string) => unescapeData(s).replace(/%3A/gi, ':').replace(/%2C/gi, ',');

function parseV2(line: string): RunnerCommand | undefined {
  // eslint-disable-next-line no-control-regex
  const text = line.replace(/^[\s\u0085\u001c-\u001f]+/, '');
  if (!text.startsWith('::')) return undefined;
  const end = text.indexOf('::', 2);
  if (end < 0) return undefined;
  const info = text.slice(2, end);
  const space = info.indexOf(' ');
  const name = space < 0 ? info : info.slice(0, space);
  if (!name) return undefined;
  const properties: Record<string, string> = {};
  if (space >= 0)
    for (const p of info.slice(space + 1).split(',')) {
      const eq = p.indexOf('=');
      if (eq > 0) properties[p.slice(0, eq).trim()] = unescapeProperty(p.slice(eq + 1));
    }
  return { name, properties, data: unescapeData(text.slice(end + 2)), form: 'v2', line };
}

function parseV1(line: string, registered: Set<string>): RunnerCommand | undefined {
  const at = line.indexOf('##[');
  if (at < 0) return undefined;
  const rb = line.indexOf(']', at);
  if (rb < 0) return undefined;
  const info = line.slice(at + 3, rb);
  const space = info.indexOf(' ');
  const name = space < 0 ? info : info.slice(0, space);
  if (!registered.has(name.toLowerCase())) return undefined;
  const properties: Record<string, string> = {};
  if (space > 0)
    for (const p of info.slice(space + 1).split(';')) {
      const eq = p.indexOf('=');
      if (eq > 0) properties[p.slice(0, eq)] = unescapeData(p.slice(eq + 1));
    }
  return { name, properties, data: unescapeData(line.slice(rb + 1)), form: 'v1', line };
}

export interface RunnerReading {
  /** Commands the runner would carry out (stop-commands and resume tokens included). */
  commands: RunnerCommand[];
  /** Lines written while commands were off (inside a stop-commands block). */
  stoppedLines: string[];
  /** Lines outside any stop-commands block. */
  liveLines: string[];
  /** A stop-commands block never closed. */
  unclosedStop: boolean;
}

/** Reads output as the runner would. */
export function readAsRunner(output: string): RunnerReading {
  const reading: RunnerReading = { commands: [], stoppedLines: [], liveLines: [], unclosedStop: false };
  let stopToken: string | undefined;
  for (const line of output.split(/\r\n|\r|\n/)) {
    const registered = new Set([...REGISTERED, ...(stopToken ? [stopToken.toLowerCase()] : [])]);
    const cmd = parseV2(line) ?? parseV1(line, registered);
    if (stopToken) {
      if (cmd && cmd.name.toLowerCase() === stopToken.toLowerCase()) {
        reading.commands.push(cmd);
        stopToken = undefined;
      } else reading.stoppedLines.push(line);
      continue;
    }
    reading.liveLines.push(line);
    if (!cmd) continue;
    reading.commands.push(cmd);
    if (cmd.name.toLowerCase() === 'stop-commands') stopToken = cmd.data;
  }
  reading.unclosedStop = stopToken !== undefined;
  return reading;
}

/** Commands the action issues itself (its own core.* calls and the logger's stop-commands blocks). */
export const OWN_COMMANDS = new Set(['add-mask', 'debug', 'warning', 'error', 'group', 'endgroup']);
const TOKEN = /^[0-9a-f]{32}$/;

/**
 * Everything in the output the action did not mean to be a command: a command outside the allow-list,
 * an add-mask of a value that is not among `ownSecrets` (substrings of the inputs the action masks), a
 * stop-commands token that is not the logger's random kind, a `##[` outside a stop-commands block,
 * an unclosed block. Empty when the output is clean.
 */
export function foreignCommands(output: string, ownSecrets: string[]): string[] {
  const r = readAsRunner(output);
  const problems: string[] = [];
  let stopToken: string | undefined;
  for (const c of r.commands) {
    const name = c.name.toLowerCase();
    if (stopToken && name === stopToken) stopToken = undefined;
    else if (name === 'stop-commands') {
      if (!TOKEN.test(c.data))
        problems.push(`stop-commands with a token not of the logger's kind: ${c.line}`);
      stopToken = c.data.toLowerCase();
    } else if (!OWN_COMMANDS.has(name) || c.form === 'v1') problems.push(`command ${name}: ${c.line}`);
    else if (name === 'add-mask' && !ownSecrets.some((s) => s.includes(c.data)))
      problems.push(`add-mask of a value that is not a credential of the inputs: ${c.data}`);
  }
  for (const l of r.liveLines)
    if (l.includes('##[')) problems.push(`"##[" outside a stop-commands block: ${l}`);
  if (r.unclosedStop) problems.push('a stop-commands block is never closed');
  return problems;
}
