// The command interpreter behind a twin node's SSH server: a small bash (words, quotes, `&&`, `||`,
// `;`, `bash -c`, the common redirections) over the handful of commands a migration needs — sudo,
// reboots, MTU discovery, boot IDs and the etcd backup — answering with real-looking output and exit
// codes. Anything else is `command not found` (127), as on a real node.
import { randomBytes } from 'node:crypto';
import { findType } from '../resources.ts';
import type { TwinContext } from '../context.ts';
import { minorVersion, type NodeSpec } from '../scenario.ts';
import { BACKUP_SCRIPT, clusterBackup } from './backup.ts';
import { ipCommand, linksOf } from './iproute.ts';
import type { NodeFilesystem } from './node-fs.ts';
import type { NodeHooks } from './nodes.ts';

export interface CommandResult {
  stdout: string;
  stderr: string;
  code: number;
  /**
   * The command took the node down at once (`systemctl reboot`, `shutdown -r now`): systemd stops
   * sshd's sessions, so the client gets no exit status, only a closed connection.
   */
  hangup?: boolean;
}

export interface ShellEnv {
  ctx: TwinContext;
  node: NodeSpec;
  /** Position of the node in the scenario (stable MAC addresses). */
  nodeIndex: number;
  hooks: NodeHooks;
  fs: NodeFilesystem;
  /** Boot ID to report when the store holds no Node object for this node. */
  fallbackBootId: string;
  /** The command line as the client sent it (what reboot timeline entries and hooks report). */
  line?: string;
  /** Runs as root (an exec into the privileged machine-config-daemon pod, `chroot /rootfs`), not as core. */
  asRoot?: boolean;
  /** Who the timeline names for a reboot (default `ssh:core`). */
  actor?: string;
}

type Token = { word: string } | { op: '&&' | '||' | ';' };

/** Splits a command line into words and list operators, honouring quotes and backslashes. */
export function tokenize(line: string): Token[] {
  const out: Token[] = [];
  let word = '';
  let inWord = false;
  const flush = () => {
    if (inWord) out.push({ word });
    word = '';
    inWord = false;
  };
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (c === "'") {
      const end = line.indexOf("'", i + 1);
      if (end < 0) throw new SyntaxError("unexpected EOF while looking for matching `''");
      word += line.slice(i + 1, end);
      inWord = true;
      i = end;
    } else if (c === '"') {
      let j = i + 1;
      for (; j < line.length && line[j] !== '"'; j++) {
        if (line[j] === '\\' && j + 1 < line.length && '"\\$`'.includes(line[j + 1])) j++;
        word += line[j];
      }
      if (j >= line.length) throw new SyntaxError('unexpected EOF while looking for matching `"\'');
      inWord = true;
      i = j;
    } else if (c === '\\' && i + 1 < line.length) {
      word += line[++i];
      inWord = true;
    } else if (c === ' ' || c === '\t' || c === '\n') {
      flush();
    } else if ((c === '&' && line[i + 1] === '&') || (c === '|' && line[i + 1] === '|')) {
      flush();
      out.push({ op: c === '&' ? '&&' : '||' });
      i++;
    } else if (c === ';') {
      flush();
      out.push({ op: ';' });
    } else {
      word += c;
      inWord = true;
    }
  }
  flush();
  return out;
}

/** Runs one command line (as `bash -c` would) and returns what it printed and its exit status. */
export async function runCommandLine(outer: ShellEnv, line: string): Promise<CommandResult> {
  const env = { ...outer, line: outer.line ?? line };
  let tokens: Token[];
  try {
    tokens = tokenize(line);
  } catch (e) {
    return { stdout: '', stderr: `bash: -c: line 1: ${(e as Error).message}\n`, code: 2 };
  }
  const result: CommandResult = { stdout: '', stderr: '', code: 0 };
  let words: string[] = [];
  let pendingOp: '&&' | '||' | ';' | undefined;
  const runPending = async () => {
    const skip = (pendingOp === '&&' && result.code !== 0) || (pendingOp === '||' && result.code === 0);
    if (words.length && !skip) {
      const r = await runSimple(env, words, env.asRoot === true);
      result.stdout += r.stdout;
      result.stderr += r.stderr;
      result.code = r.code;
      if (r.hangup) result.hangup = true;
    }
    words = [];
  };
  for (const t of tokens) {
    if (result.hangup) break; // nothing after the reboot runs
    if ('op' in t) {
      if (!words.length && t.op !== ';')
        return {
          stdout: result.stdout,
          stderr: `${result.stderr}bash: -c: line 1: syntax error near unexpected token \`${t.op}'\n`,
          code: 2,
        };
      await runPending();
      pendingOp = t.op;
    } else words.push(t.word);
  }
  if (!result.hangup) await runPending();
  return result;
}

/** Applies `>/dev/null`, `2>/dev/null`, `&>/dev/null` and `2>&1` to a command's output. */
async function withRedirections(
  words: string[],
  run: (w: string[]) => Promise<CommandResult>,
): Promise<CommandResult> {
  let dropOut = false;
  let dropErr = false;
  let merge = false;
  const rest: string[] = [];
  for (let i = 0; i < words.length; i++) {
    const w = words[i];
    const target = (prefix: string) => (w === prefix ? words[++i] : w.slice(prefix.length));
    if (w === '2>&1') merge = true;
    else if (w.startsWith('&>')) dropOut = dropErr = target('&>') === '/dev/null';
    else if (w.startsWith('2>')) dropErr = target('2>') === '/dev/null';
    else if (w.startsWith('>') || w.startsWith('1>'))
      dropOut = target(w.startsWith('>') ? '>' : '1>') === '/dev/null';
    else rest.push(w);
  }
  const r = await run(rest);
  if (merge) {
    r.stdout += r.stderr;
    r.stderr = '';
  }
  return {
    stdout: dropOut ? '' : r.stdout,
    stderr: dropErr ? '' : r.stderr,
    code: r.code,
    ...(r.hangup ? { hangup: true } : {}),
  };
}

function ok(stdout = ''): CommandResult {
  return { stdout, stderr: '', code: 0 };
}

function fail(stderr: string, code = 1): CommandResult {
  return { stdout: '', stderr, code };
}

async function runSimple(env: ShellEnv, words: string[], root: boolean): Promise<CommandResult> {
  return withRedirections(words, async (w) => {
    const r = await dispatch(env, w, root);
    // Under sudo, a missing program is sudo's error (exit 1), not bash's (127).
    if (r === undefined)
      return root
        ? fail(`sudo: ${w[0]}: command not found\n`, 1)
        : fail(`bash: ${w[0]}: command not found\n`, 127);
    return r;
  });
}

async function dispatch(env: ShellEnv, w: string[], root: boolean): Promise<CommandResult | undefined> {
  const [cmd, ...args] = w;
  switch (cmd) {
    case undefined:
      return ok();
    case 'true':
    case ':':
      return ok();
    case 'false':
      return { stdout: '', stderr: '', code: 1 };
    case 'echo':
      return ok(`${(args[0] === '-n' ? args.slice(1) : args).join(' ')}${args[0] === '-n' ? '' : '\n'}`);
    case 'hostname':
      return ok(`${env.node.name}\n`);
    case 'whoami':
      return ok(root ? 'root\n' : 'core\n');
    case 'sudo':
      return sudo(env, args, root);
    case 'bash':
    case 'sh':
    case '/bin/bash':
    case '/bin/sh':
      if (args[0] === '-c' && args[1] !== undefined) return runCommandLine(env, args[1]);
      return undefined;
    case 'cat':
      return cat(env, args);
    case 'ip':
    case '/usr/sbin/ip':
    case '/sbin/ip':
      return ipCommand(args, env.node, env.nodeIndex);
    case 'shutdown':
    case '/usr/sbin/shutdown':
    case '/sbin/shutdown':
      return shutdown(env, args, root, w.join(' '));
    case 'reboot':
    case '/usr/sbin/reboot':
    case '/sbin/reboot':
      return reboot(env, root, w.join(' '));
    case 'systemctl':
      if (args[0] === 'reboot') return reboot(env, root, w.join(' '));
      return fail(`Unknown command verb ${args[0] ?? ''}.\n`);
    case 'systemd-run':
    case '/usr/bin/systemd-run':
      return systemdRun(env, args, root);
    case 'sleep':
      return sleep(env, args);
    case BACKUP_SCRIPT:
    case 'cluster-backup.sh':
      // The script is laid down by the etcd operator on control-plane nodes only; sudo's secure_path
      // does not include /usr/local/bin, so under sudo only the full path finds it.
      if (env.node.pool !== 'master' || (root && cmd !== BACKUP_SCRIPT)) return undefined;
      return clusterBackup(env.ctx, env.node, env.fs, args, root);
    case 'ls':
      return ls(env, args);
    case 'test':
      return test(env, args);
    case '[':
      if (args[args.length - 1] !== ']') return fail("bash: [: missing `]'\n", 2);
      return test(env, args.slice(0, -1));
    case 'stat':
      return stat(env, args);
    case 'mkdir':
      return mkdir(env, args);
    default:
      return undefined;
  }
}

async function sudo(env: ShellEnv, args: string[], root: boolean): Promise<CommandResult> {
  let nonInteractive = false;
  let i = 0;
  for (; i < args.length && args[i].startsWith('-') && args[i] !== '--'; i++) {
    for (const f of args[i].slice(1)) {
      if (f === 'n') nonInteractive = true;
      else if (f !== 'E') return fail(`sudo: invalid option -- '${f}'\n`);
    }
  }
  if (args[i] === '--') i++;
  const command = args.slice(i);
  if (!command.length)
    return fail(
      'usage: sudo -h | -K | -k | -V\nusage: sudo -v [-ABknS] [-g group] [-h host] [-p prompt] [-u user]\n',
    );
  if (!root && env.ctx.faults.forNode('sudo-password', env.node.name)) {
    env.ctx.faults.fire('sudo-password');
    return fail(
      nonInteractive
        ? 'sudo: a password is required\n'
        : 'sudo: a terminal is required to read the password; either use the -S option to read from standard input or configure an askpass helper\nsudo: a password is required\n',
    );
  }
  const fails = env.ctx.faults.forNode('sudo-fails', env.node.name);
  if (!root && fails && (!fails.command || new RegExp(fails.command).test(command.join(' ')))) {
    env.ctx.faults.fire('sudo-fails');
    return fail(fails.stderr);
  }
  return runSimple(env, command, true);
}

function bootId(env: ShellEnv): string {
  const nodes = findType('', 'nodes');
  const obj = nodes ? env.ctx.store.get(nodes, undefined, env.node.name) : undefined;
  const status = obj?.status as { nodeInfo?: { bootID?: string } } | undefined;
  return status?.nodeInfo?.bootID ?? env.fallbackBootId;
}

function cat(env: ShellEnv, args: string[]): CommandResult {
  const r: CommandResult = ok();
  for (const path of args) {
    const mtu = /^\/sys\/class\/net\/([^/]+)\/mtu$/.exec(path);
    if (path === '/proc/sys/kernel/random/boot_id') r.stdout += `${bootId(env)}\n`;
    else if (path === '/etc/hostname') r.stdout += `${env.node.name}\n`;
    else if (mtu && linksOf(env.node, env.nodeIndex).some((l) => l.ifname === mtu[1]))
      r.stdout += `${linksOf(env.node, env.nodeIndex).find((l) => l.ifname === mtu[1])?.mtu}\n`;
    else {
      const info = env.fs.stat(path);
      if (info?.kind === 'file') r.stdout += info.content ?? '';
      else {
        r.stderr += info ? `cat: ${path}: Is a directory\n` : `cat: ${path}: No such file or directory\n`;
        r.code = 1;
      }
    }
  }
  return r;
}

interface ShutdownRequest {
  reboot: boolean;
  cancel: boolean;
  /** Seconds from now; systemd's default is "+1". */
  seconds: number;
}

/**
 * systemd's `shutdown` as on RHCOS: `-t`, `-a`, `-f`, `-F` are compatibility no-ops (`-t 3` does NOT
 * mean 3 seconds: the reboot comes at the default, one minute later), the time is `now`, `+M` or
 * `HH:MM`, and any further words are the wall message.
 */
function parseShutdown(args: string[]): ShutdownRequest | CommandResult {
  const req: ShutdownRequest = { reboot: false, cancel: false, seconds: 60 };
  const positional: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '-r' || a === '--reboot') req.reboot = true;
    else if (a === '-c') req.cancel = true;
    else if (a === '-t')
      i++; // takes an argument, ignored with it
    else if (['-a', '-f', '-F', '--no-wall'].includes(a) || /^-t./.test(a)) continue;
    else if (a.startsWith('-') && a !== '-') return fail(`shutdown: invalid option -- '${a.slice(1)}'\n`);
    else positional.push(a);
  }
  const when = positional[0];
  if (when === undefined || req.cancel) return req;
  const hhmm = /^(\d{1,2}):(\d{2})$/.exec(when);
  if (when === 'now') req.seconds = 0;
  else if (/^\+\d+$/.test(when)) req.seconds = Number(when.slice(1)) * 60;
  else if (hhmm && Number(hhmm[1]) < 24 && Number(hhmm[2]) < 60) {
    const now = new Date();
    const at = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate(), +hhmm[1], +hhmm[2]);
    const ms = at > now.getTime() ? at - now.getTime() : at + 86_400_000 - now.getTime();
    req.seconds = Math.ceil(ms / 1000);
  } else return fail(`Failed to parse time specification: ${when}\n`);
  return req;
}

function shutdown(env: ShellEnv, args: string[], root: boolean, command: string): CommandResult {
  const req = parseShutdown(args);
  if ('code' in req) return req;
  if (req.cancel) {
    if (!root)
      return fail(
        "Failed to talk to logind, shutdown hasn't been cancelled: Interactive authentication required.\n",
      );
    env.hooks.cancelReboot?.(env.node.name);
    return ok();
  }
  if (!req.reboot) return fail('shutdown: only reboots are simulated on twin nodes\n');
  if (!root) return fail(notAuthorized('schedule shutdown'));
  if (req.seconds === 0) return reboot(env, root, command);
  scheduleReboot(env, req.seconds, command);
  return fail(
    `${scheduledWord(env)} scheduled for ${systemdDate(virtualDate(env, req.seconds))}, use 'shutdown -c' to cancel.\n`,
    0,
  );
}

/** RHCOS 8 (systemd 239, OpenShift ≤ 4.12) says "Shutdown scheduled" even for a reboot; RHCOS 9's systemd 252 says "Reboot". */
function scheduledWord(env: ShellEnv): string {
  const [major, minor] = minorVersion(env.ctx.scenario.version);
  return major > 4 || minor >= 13 ? 'Reboot' : 'Shutdown';
}

/** The wall-clock date `seconds` virtual seconds from now, as the node's clock would print it. */
function virtualDate(env: ShellEnv, seconds: number): Date {
  return new Date(Date.now() + env.ctx.clock.delayMs(seconds));
}

function reboot(env: ShellEnv, root: boolean, command: string): CommandResult {
  if (!root) return fail(notAuthorized('reboot system'));
  // The node goes down under the command: the client sees the connection close, no exit status.
  return { ...ok(), hangup: scheduleReboot(env, 0, command) };
}

/** `systemd-run --on-active=<time> <reboot command>`: a transient timer that reboots the node later. */
function systemdRun(env: ShellEnv, args: string[], root: boolean): CommandResult {
  let seconds: number | undefined;
  let i = 0;
  for (; i < args.length && args[i].startsWith('-'); i++) {
    const m = /^--on-active(?:=(.*))?$/.exec(args[i]);
    if (m) {
      const spec = m[1] ?? args[++i];
      seconds = timespan(spec);
      if (seconds === undefined) return fail(`Failed to parse timer value: ${spec}\n`);
    } else if (!/^--(unit|description|timer-property|property)=/.test(args[i]) && args[i] !== '--no-block')
      return fail(`systemd-run: unrecognized option '${args[i]}'\n`);
  }
  const command = args.slice(i);
  if (!command.length) return fail('Command line to execute required.\n');
  if (seconds === undefined) return fail('twin: systemd-run is simulated only with --on-active\n');
  const rebootCommand =
    (command[0].endsWith('systemctl') && command[1] === 'reboot') ||
    command[0].endsWith('reboot') ||
    (command[0].endsWith('shutdown') && command.includes('-r') && command.includes('now'));
  if (!rebootCommand)
    return fail(`twin: systemd-run is simulated only for reboot commands, not ${command.join(' ')}\n`);
  if (!root) return fail('Failed to start transient timer unit: Interactive authentication required.\n');
  scheduleReboot(env, seconds, env.line ?? ['systemd-run', ...args].join(' '));
  const unit = `run-r${randomBytes(16).toString('hex')}`;
  return fail(`Running timer as unit: ${unit}.timer\nWill run service as unit: ${unit}.service\n`, 0);
}

/** systemd time spans: `90`, `30s`, `2min`, `1m 30s`, `1h`. */
function timespan(spec: string | undefined): number | undefined {
  if (!spec) return undefined;
  const units: Record<string, number> = { '': 1, s: 1, sec: 1, m: 60, min: 60, h: 3600, hr: 3600 };
  let total = 0;
  const parts = spec.trim().split(/\s+/);
  for (const p of parts) {
    const m = /^(\d+)([a-z]*)$/.exec(p);
    if (!m || units[m[2]] === undefined) return undefined;
    total += Number(m[1]) * units[m[2]];
  }
  return total;
}

/** `sleep N` in virtual seconds: long enough for a scheduled reboot to catch the session. */
async function sleep(env: ShellEnv, args: string[]): Promise<CommandResult> {
  const seconds = timespan(args[0]);
  if (seconds === undefined) return fail(`sleep: invalid time interval '${args[0] ?? ''}'\n`);
  await env.ctx.clock.sleep(seconds);
  return ok();
}

function notAuthorized(what: string): string {
  return `Failed to set wall message, ignoring: Interactive authentication required.\nFailed to ${what} via logind: Interactive authentication required.\n`;
}

/** Records the request and hands it to the kubelet; true when the node will go down at that time. */
function scheduleReboot(env: ShellEnv, seconds: number, words: string): boolean {
  const command = env.line ?? words;
  env.ctx.timeline.record(env.actor ?? 'ssh:core', 'reboot', `Node/${env.node.name}`, command);
  return env.hooks.scheduleReboot(env.node.name, seconds, command) !== false;
}

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** `Fri 2021-06-25 19:01:35 UTC`, as systemd prints timestamps. */
function systemdDate(d: Date): string {
  return `${DAYS[d.getUTCDay()]} ${d.toISOString().slice(0, 10)} ${d.toISOString().slice(11, 19)} UTC`;
}

/** `Jun 25 19:00`, the date column of `ls -l`. */
function lsDate(d: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${MONTHS[d.getUTCMonth()]} ${String(d.getUTCDate()).padStart(2, ' ')} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}`;
}

function ls(env: ShellEnv, args: string[]): CommandResult {
  const long = args.some((a) => a.startsWith('-') && a.includes('l'));
  const paths = args.filter((a) => !a.startsWith('-'));
  const r = ok();
  const targets = paths.length ? paths : ['.'];
  for (const path of targets) {
    const info = env.fs.stat(path);
    if (!info) {
      r.stderr += `ls: cannot access '${path}': No such file or directory\n`;
      r.code = 2;
      continue;
    }
    const entries = info.kind === 'dir' ? env.fs.list(path) : [{ name: path, info }];
    if (targets.length > 1 && info.kind === 'dir') r.stdout += `${path}:\n`;
    if (!long) {
      r.stdout += entries.map((e) => `${e.name}\n`).join('');
      continue;
    }
    const size = (i: (typeof entries)[number]['info']) => (i.kind === 'file' ? i.size : 6);
    const width = Math.max(1, ...entries.map((e) => String(size(e.info)).length));
    if (info.kind === 'dir')
      r.stdout += `total ${entries.reduce((n, e) => n + Math.ceil(size(e.info) / 4096) * 4, 0)}\n`;
    for (const e of entries) {
      const mode = e.info.kind === 'dir' ? 'drwxr-xr-x' : e.info.mode;
      const owner = e.info.kind === 'dir' ? 'root' : e.info.owner;
      r.stdout += `${mode}. ${e.info.kind === 'dir' ? 2 : 1} ${owner} ${owner} ${String(size(e.info)).padStart(width)} ${lsDate(e.info.mtime)} ${e.name}\n`;
    }
  }
  return r;
}

function test(env: ShellEnv, args: string[]): CommandResult {
  const code = (b: boolean) => ({ stdout: '', stderr: '', code: b ? 0 : 1 });
  if (args.length === 2) {
    const info = env.fs.stat(args[1]);
    switch (args[0]) {
      case '-e':
        return code(!!info);
      case '-f':
        return code(info?.kind === 'file');
      case '-d':
        return code(info?.kind === 'dir');
      case '-s':
        return code(info?.kind === 'file' ? info.size > 0 : info?.kind === 'dir');
    }
  }
  if (args.length === 1) return code(args[0] !== '');
  if (args.length === 0) return code(false);
  return fail(`bash: test: ${args[0]}: unary operator expected\n`, 2);
}

function stat(env: ShellEnv, args: string[]): CommandResult {
  let format: string | undefined;
  const files: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '-c' || a === '--format') format = args[++i];
    else if (a.startsWith('-c')) format = a.slice(2);
    else if (a.startsWith('--format=')) format = a.slice('--format='.length);
    else if (a === '-L') continue;
    else files.push(a);
  }
  if (!files.length) return fail("stat: missing operand\nTry 'stat --help' for more information.\n");
  const r = ok();
  for (const f of files) {
    const info = env.fs.stat(f);
    if (!info) {
      r.stderr += `stat: cannot statx '${f}': No such file or directory\n`;
      r.code = 1;
      continue;
    }
    const size = info.kind === 'file' ? info.size : 6;
    if (format === undefined) {
      r.stdout += `  File: ${f}\n  Size: ${size}\n`;
      continue;
    }
    r.stdout += `${format.replace(/%([snFU])/g, (_m, c: string) =>
      c === 's'
        ? String(size)
        : c === 'n'
          ? f
          : c === 'F'
            ? info.kind === 'file'
              ? 'regular file'
              : 'directory'
            : info.kind === 'file'
              ? info.owner
              : 'root',
    )}\n`;
  }
  return r;
}

function mkdir(env: ShellEnv, args: string[]): CommandResult {
  const parents = args.includes('-p');
  const r = ok();
  for (const d of args.filter((a) => !a.startsWith('-'))) {
    const exists = env.fs.stat(d);
    if (exists && !parents) {
      r.stderr += `mkdir: cannot create directory '${d}': File exists\n`;
      r.code = 1;
      continue;
    }
    try {
      env.fs.mkdirp(d);
    } catch (e) {
      r.stderr += `${(e as Error).message}\n`;
      r.code = 1;
    }
  }
  return r;
}
