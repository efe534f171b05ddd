// Small statistics and formatting helpers for the benchmark: medians and spreads over repeats, and the
// fixed-width table `npm run bench` prints.

/** Median of a non-empty list (mean of the two middle values for an even count). */
export function median(xs: number[]): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

export interface Summary {
  median: number;
  min: number;
  max: number;
  /** Every repeat's value, in the order measured. */
  values: number[];
}

export function summarize(values: number[]): Summary {
  const finite = values.filter((v) => Number.isFinite(v));
  return {
    median: median(finite),
    min: finite.length ? Math.min(...finite) : NaN,
    max: finite.length ? Math.max(...finite) : NaN,
    values,
  };
}

/** "1.23 s" / "456 ms" for a duration in milliseconds. */
export function ms(v: number): string {
  if (!Number.isFinite(v)) return '—';
  if (Math.abs(v) >= 10_000) return `${(v / 1000).toFixed(1)} s`;
  if (Math.abs(v) >= 1_000) return `${(v / 1000).toFixed(2)} s`;
  if (Math.abs(v) >= 10) return `${v.toFixed(0)} ms`;
  return `${v.toFixed(1)} ms`;
}

export function num(v: number, digits = 0): string {
  return Number.isFinite(v) ? v.toFixed(digits) : '—';
}

/** "median (min–max)" with a formatter, or just the value when there was one repeat. */
export function spread(s: Summary, fmt: (v: number) => string = ms): string {
  if (s.values.length <= 1 || s.min === s.max) return fmt(s.median);
  return `${fmt(s.median)} (${fmt(s.min)}–${fmt(s.max)})`;
}

export interface Row {
  /** Section: "fan-out", "api", ... */
  section: string;
  what: string;
  value: string;
  target?: string;
  /** true met, false missed, undefined no target. */
  met?: boolean;
  note?: string;
}

export function renderTable(rows: Row[]): string {
  const head = ['section', 'measurement', 'result (median (min–max))', 'target', 'met'];
  const cells = rows.map((r) => [
    r.section,
    r.what,
    r.value,
    r.target ?? '',
    r.met === undefined ? '' : r.met ? 'yes' : 'NO',
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
  const line = (c: string[]) => `| ${c.map((x, i) => x.padEnd(widths[i])).join(' | ')} |`;
  return [line(head), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...cells.map(line)].join('\n');
}
