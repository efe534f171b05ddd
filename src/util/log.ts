// The logging surface the cluster and node layers write to. Kept as a tiny interface so that tests can
// capture lines and the procedure engine can prefix or group them without those layers knowing.
//
// coreLogger is the one path from this action to stdout (ESLint refuses core.info, console and
// process.stdout/stderr anywhere else in src/). Messages routinely carry text from the cluster, which
// an attacker may control, and the runner reads stdout for workflow commands, so coreLogger makes every
// line inert whatever its origin (untrusted-text.ts): callers cannot forget. Call sites still pass
// cluster values through `oneLine()` so that text cannot start a line of its own in the log.
import * as core from '@actions/core';
import { randomBytes } from 'node:crypto';
import { EOL } from 'node:os';
import { capText, escapeControls, inertLine, inertLines } from './untrusted-text.ts';

export interface Logger {
  /** A log line (our own line breaks start new lines; any other control character is shown escaped). */
  info(msg: string): void;
  /** A warning annotation; `title` is its heading in the run's annotation panel. */
  warn(msg: string, title?: string): void;
  /**
   * An error annotation with a title (a blocking check, the run's failure). It does not fail the step:
   * main.ts sets the exit code, so that each error is reported once. Optional so that the loggers
   * tests and scripts write for themselves stay valid; call it through `logError`.
   */
  error?(msg: string, title?: string): void;
  /** Shown only with step debugging on. */
  debug(msg: string): void;
  /**
   * A multi-line dump of text from outside (a pod log tail, a command's output) under a title: shown
   * line by line, with workflow commands switched off around it.
   */
  block(title: string, text: string): void;
}

/** A longer line is cut (with a note): one runaway message must not flood the log. */
export const MAX_LINE_CHARS = 16_384;
/** A dump shows at most this many lines (the last ones: the end of a log says why it stopped). */
export const MAX_BLOCK_LINES = 200;

/** One write per message: nothing else can be interleaved inside a stop-commands block. */
function write(lines: string[]): void {
  core.info(lines.join(EOL));
}

/**
 * Text for an annotation (core.warning/error/setFailed), capped: @actions/core escapes %, CR and LF;
 * other control characters and `##[` are made inert here.
 */
export function annotationText(msg: string): string {
  return escapeControls(capText(msg, MAX_LINE_CHARS), { keepNewlines: true }).replace(/##\[/g, '##\\[');
}

/** The lines of a dump between `::stop-commands::<token>` and `::<token>::`, with a random token per dump. */
export function blockLines(title: string, text: string): string[] {
  const all = text.replace(/\r\n/g, '\n').split(/[\r\n]/);
  const shown = all.slice(-MAX_BLOCK_LINES);
  const token = randomBytes(16).toString('hex');
  return [
    ...inertLines(title, MAX_LINE_CHARS),
    ...(all.length > shown.length ? [`(${all.length - shown.length} earlier lines not shown)`] : []),
    `::stop-commands::${token}`,
    // Inert as well: commands are off here, but the token must never be guessable from the text.
    ...shown.map((l) => inertLine(escapeControls(capText(l, MAX_LINE_CHARS)))),
    `::${token}::`,
  ];
}

/** An error annotation through `log`, or a warning where the logger has no error level. */
export function logError(log: Logger, msg: string, title?: string): void {
  if (log.error) log.error(msg, title);
  else log.warn(msg, title);
}

/** Writes to the Actions log: warnings become annotations, debug lines show only with step debugging on. */
export const coreLogger: Logger = {
  info: (msg) => write(inertLines(msg, MAX_LINE_CHARS)),
  warn: (msg, title) => core.warning(annotationText(msg), title ? { title: annotationText(title) } : {}),
  error: (msg, title) => core.error(annotationText(msg), title ? { title: annotationText(title) } : {}),
  debug: (msg) => core.debug(annotationText(msg)),
  block: (title, text) => write(blockLines(title, text)),
};

/** A logger that keeps every line, for tests and for callers that want to replay lines later. */
export class MemoryLogger implements Logger {
  readonly lines: { level: 'info' | 'warn' | 'debug' | 'error'; msg: string; title?: string }[] = [];
  info(msg: string): void {
    this.lines.push({ level: 'info', msg });
  }
  warn(msg: string, title?: string): void {
    this.lines.push({ level: 'warn', msg, title });
  }
  error(msg: string, title?: string): void {
    this.lines.push({ level: 'error', msg, title });
  }
  debug(msg: string): void {
    this.lines.push({ level: 'debug', msg });
  }
  block(title: string, text: string): void {
    this.lines.push({ level: 'info', msg: `${title}\n${text}` });
  }
  /** Messages of one level (all levels when none is given). */
  messages(level?: 'info' | 'warn' | 'debug' | 'error'): string[] {
    return this.lines.filter((l) => !level || l.level === level).map((l) => l.msg);
  }
}
