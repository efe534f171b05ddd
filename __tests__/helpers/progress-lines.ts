// Reading a run's progress lines as the issue describes them: `[2m10s / 1h30m] <what>`. A wait's
// lines carry elapsed time and limit, the clock never goes back, the limit stays the same and no line
// is printed twice in a row (src/util/progress.ts).
import { expect } from 'vitest';

/** "1h2m", "2m10s", "0.25s" → milliseconds (formatDuration's forms). */
export function parseDuration(text: string): number {
  const m = /^(?:(\d+)h)?(?:(\d+)m)?(?:([\d.]+)s)?$/.exec(text);
  if (!m || text === '') throw new Error(`not a duration: ${text}`);
  return ((Number(m[1] ?? 0) * 60 + Number(m[2] ?? 0)) * 60 + Number(m[3] ?? 0)) * 1000;
}

export interface ProgressLine {
  line: string;
  elapsedMs: number;
  limit: string;
  body: string;
}

/** The progress lines in `log` whose text (after the prefix) starts with `what`. */
export function progressLines(log: string, what: string): ProgressLine[] {
  return log
    .split(/\r?\n/)
    .map((line) => ({ line, m: /^\[(\S+) \/ ([^\]]+)\] (.*)$/.exec(line) }))
    .filter(({ m }) => m && m[3]!.startsWith(what))
    .map(({ line, m }) => ({ line, elapsedMs: parseDuration(m![1]!), limit: m![2]!, body: m![3]! }));
}

/** The lines of one wait: at least one, one limit, the clock never back, no line twice in a row. */
export function expectOneWaitsProgress(log: string, what: string): ProgressLine[] {
  const lines = progressLines(log, what);
  expect(lines.length, `no progress line "${what}"`).toBeGreaterThan(0);
  expect(new Set(lines.map((l) => l.limit)).size, lines.map((l) => l.line).join('\n')).toBe(1);
  for (let i = 1; i < lines.length; i++) {
    // formatDuration rounds: a later line may show the same elapsed time, never a smaller one.
    expect(lines[i]!.elapsedMs, `${lines[i - 1]!.line}\n${lines[i]!.line}`).toBeGreaterThanOrEqual(
      lines[i - 1]!.elapsedMs,
    );
    expect(lines[i]!.line, 'printed twice').not.toBe(lines[i - 1]!.line);
  }
  return lines;
}
