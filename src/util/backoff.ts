// Bounded exponential backoff shared by API retries and watch reconnects.

export interface BackoffPolicy {
  /** Total attempts including the first. */
  attempts: number;
  /** Delay before the second attempt, ms; doubles each time. */
  initialMs: number;
  /** Upper bound for a single delay, ms. */
  maxMs: number;
}

export const API_RETRY: BackoffPolicy = { attempts: 6, initialMs: 250, maxMs: 5_000 };

/** Delay before attempt `next` (2-based: the first retry is attempt 2). */
export function backoffDelay(policy: BackoffPolicy, next: number): number {
  return Math.min(policy.maxMs, policy.initialMs * 2 ** Math.max(0, next - 2));
}
