// The logging surface the cluster and node layers write to. Kept as a tiny interface so that tests can
// capture lines and the procedure engine can prefix or group them without those layers knowing.
import * as core from '@actions/core';

export interface Logger {
  info(msg: string): void;
  warn(msg: string): void;
  debug(msg: string): void;
}

/** Writes to the Actions log: warnings become annotations, debug lines show only with step debugging on. */
export const coreLogger: Logger = {
  info: (msg) => core.info(msg),
  warn: (msg) => core.warning(msg),
  debug: (msg) => core.debug(msg),
};

/** A logger that keeps every line, for tests and for callers that want to replay lines later. */
export class MemoryLogger implements Logger {
  readonly lines: { level: 'info' | 'warn' | 'debug'; msg: string }[] = [];
  info(msg: string): void {
    this.lines.push({ level: 'info', msg });
  }
  warn(msg: string): void {
    this.lines.push({ level: 'warn', msg });
  }
  debug(msg: string): void {
    this.lines.push({ level: 'debug', msg });
  }
  /** Messages of one level (all levels when none is given). */
  messages(level?: 'info' | 'warn' | 'debug'): string[] {
    return this.lines.filter((l) => !level || l.level === level).map((l) => l.msg);
  }
}
