// Durations as people read them in a log: "0.5s", "45s", "1m12s", "15m", "1h2m".

export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) ms = 0;
  if (ms < 10_000 && ms % 1000 !== 0) {
    // Short values keep up to two decimals so that backoff delays (0.25s, 0.5s) read as configured.
    return `${Math.round(ms / 10) / 100}s`;
  }
  let s = Math.round(ms / 1000);
  const h = Math.floor(s / 3600);
  s -= h * 3600;
  const m = Math.floor(s / 60);
  s -= m * 60;
  if (h > 0) return m > 0 ? `${h}h${m}m` : `${h}h`;
  if (m > 0) return s > 0 ? `${m}m${s}s` : `${m}m`;
  return `${s}s`;
}
