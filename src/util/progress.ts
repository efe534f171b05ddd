// The progress line of a long wait (an MCO rollout, a reboot fan-out, a rollout of a DaemonSet):
// `[2m10s / 1h30m] pools: master 2/3, worker 3/3 updated; worker-1 Working`. Every line carries the
// time waited and the limit, so a reader at 3 a.m. knows at a glance how long is left. A line never
// repeats the one before it word for word, and a count never silently goes down: a figure lower than
// the one printed before (a pool whose updated count MCO resets when it targets a newer config, a
// re-list after an API outage) is printed with what it was and why, so the log never seems to lie.
import { formatDuration } from './duration.ts';
import type { Logger } from './log.ts';

/** `[2m10s / 1h30m]` */
export function elapsedOf(elapsedMs: number, limit: string): string {
  return `[${formatDuration(elapsedMs)} / ${limit}]`;
}

/** The figures `name N/M` of a line, keyed by name (a repeated name by its occurrence). */
function figures(line: string): Map<string, { done: number; name: string; text: string }> {
  const out = new Map<string, { done: number; name: string; text: string }>();
  for (const m of line.matchAll(/(\S+) (\d+)\/(\d+)/g)) {
    let key = m[1]!;
    for (let i = 2; out.has(key); i++) key = `${m[1]!}#${i}`;
    out.set(key, { done: Number(m[2]), name: m[1]!.replace(/:$/, ''), text: `${m[2]}/${m[3]}` });
  }
  return out;
}

export interface ProgressPrinterOptions {
  log: Logger;
  /** When the wait began (elapsed counts from here). */
  startedAt: number;
  /** The limit shown after the elapsed time: "1h30m", or "10m per node". */
  limit: string;
  /** Called with every line printed. */
  onLine?: (line: string) => void;
}

export class ProgressPrinter {
  private readonly o: ProgressPrinterOptions;
  private lastLine: string | undefined;
  private lastFigures = new Map<string, { done: number; name: string; text: string }>();

  constructor(o: ProgressPrinterOptions) {
    this.o = o;
  }

  /**
   * Prints `body` behind the elapsed time and the limit, unless the line would be the very one printed
   * last. A figure below the one printed last is shown with what it was and `why`:
   * `pools: master 3/3, worker 1/3 updated (worker was 3/3 — re-listed after the watch restarted)`.
   */
  print(body: string, why?: string): boolean {
    const now = figures(body);
    const drops = [...now].flatMap(([key, f]) => {
      const before = this.lastFigures.get(key);
      return before && f.done < before.done ? [`${before.name} was ${before.text}`] : [];
    });
    const note = drops.length ? ` (${drops.join(', ')}${why ? ` — ${why}` : ''})` : '';
    const line = `${elapsedOf(Date.now() - this.o.startedAt, this.o.limit)} ${body}${note}`;
    if (line === this.lastLine) return false;
    this.lastLine = line;
    this.lastFigures = now;
    this.o.log.info(line);
    this.o.onLine?.(line);
    return true;
  }
}
