// Durations as people write them in a workflow file: `90m`, `1h30m`, `45s`, or a bare number of seconds
// (parsing only; src/util/duration.ts formats durations for log lines).
// A bare number means seconds (as `sleep` and systemd read it), because a bare `90` meaning 90 ms
// would be a timeout that always fires and 90 minutes would surprise anyone who thinks in seconds.

/** Longest accepted duration. Node timers overflow above 2^31-1 ms (about 24.8 days) and fire at once,
 * and no single wait in a migration should be longer than a day. */
export const MAX_DURATION_MS = 24 * 60 * 60 * 1000;

export const DURATION_FORM = 'a positive duration such as 30s, 15m, 2h or 1h30m (a bare number is seconds)';

const UNIT_MS: Record<string, number> = { h: 3_600_000, m: 60_000, s: 1_000 };
const UNIT_ORDER = ['h', 'm', 's'];

/**
 * Parses a duration into milliseconds. Units are `h`, `m` and `s`, each at most once and in that order
 * (`1h30m`, `2m30s`); numbers may have a fraction (`1.5h`). Throws an Error that describes the problem.
 */
export function parseDuration(text: string): number {
  const t = text.trim().toLowerCase();
  if (t === '') throw new Error(`is empty; expected ${DURATION_FORM}`);
  let ms: number;
  if (/^\d+(\.\d+)?$/.test(t)) {
    ms = Number(t) * 1000;
  } else {
    ms = 0;
    let rest = t;
    let lastUnit = -1;
    while (rest !== '') {
      const m = /^(\d+(?:\.\d+)?)([a-z]+)/.exec(rest);
      if (!m) throw new Error(`"${text}" is not a duration; expected ${DURATION_FORM}`);
      const [whole, num, unit] = m as unknown as [string, string, string];
      const order = UNIT_ORDER.indexOf(unit);
      if (order < 0) throw new Error(`"${text}" uses unknown unit "${unit}"; expected ${DURATION_FORM}`);
      if (order <= lastUnit) {
        throw new Error(`"${text}" repeats or misorders units; write hours, then minutes, then seconds`);
      }
      lastUnit = order;
      ms += Number(num) * (UNIT_MS[unit] as number);
      rest = rest.slice(whole.length);
    }
  }
  ms = Math.round(ms);
  if (ms <= 0) throw new Error(`"${text}" is not positive; expected ${DURATION_FORM}`);
  if (ms > MAX_DURATION_MS) throw new Error(`"${text}" is longer than the maximum of 24h`);
  return ms;
}
