// Small helpers shared by the seed and the controllers: timestamps, names, conditions, addresses.
import { randomUUID } from 'node:crypto';

/** RFC 3339 without fractions, as the API server writes timestamps. */
export function isoNow(): string {
  return new Date().toISOString().replace(/\.\d+Z$/, 'Z');
}

export function uuid(): string {
  return randomUUID();
}

// The alphabet Kubernetes uses for generated name suffixes (no vowels, no confusable characters).
const SUFFIX_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

export function randomSuffix(length = 5): string {
  let s = '';
  for (let i = 0; i < length; i++) s += SUFFIX_ALPHABET[Math.floor(Math.random() * SUFFIX_ALPHABET.length)];
  return s;
}

/** `prefix` + a random suffix not yet in `taken` (which it joins). */
export function uniqueName(prefix: string, taken: Set<string>, length = 5): string {
  for (;;) {
    const name = prefix + randomSuffix(length);
    if (!taken.has(name)) {
      taken.add(name);
      return name;
    }
  }
}

/** Random lowercase hex (replica-set hashes, image digests, machine IDs). */
export function randomHex(length: number): string {
  let s = '';
  for (let i = 0; i < length; i++) s += Math.floor(Math.random() * 16).toString(16);
  return s;
}

export type ConditionStatus = 'True' | 'False' | 'Unknown';

export interface Condition {
  type: string;
  status: ConditionStatus;
  reason?: string;
  message?: string;
  lastTransitionTime: string;
  [key: string]: unknown;
}

/**
 * Sets one condition in place. lastTransitionTime moves only when the status flips, as every real
 * controller does (clients compute "how long has this been Degraded" from it).
 */
export function setCondition(
  conditions: Condition[],
  type: string,
  status: ConditionStatus,
  reason: string,
  message: string,
): void {
  const existing = conditions.find((c) => c.type === type);
  if (!existing) {
    conditions.push({ type, status, reason, message, lastTransitionTime: isoNow() });
    return;
  }
  if (existing.status !== status) existing.lastTransitionTime = isoNow();
  existing.status = status;
  existing.reason = reason;
  existing.message = message;
}

export function getCondition(conditions: unknown, type: string): Condition | undefined {
  return Array.isArray(conditions)
    ? (conditions as Condition[]).find((c) => c && c.type === type)
    : undefined;
}

function ipv4ToInt(ip: string): number {
  return ip.split('.').reduce((n, part) => n * 256 + Number(part), 0);
}

function intToIpv4(n: number): string {
  return [24, 16, 8, 0].map((s) => Math.floor(n / 2 ** s) % 256).join('.');
}

/** Address `offset` inside the `index`-th subnet of size /hostPrefix carved out of `cidr`. */
export function podAddress(cidr: string, hostPrefix: number, index: number, offset: number): string {
  const base = ipv4ToInt(cidr.split('/')[0]);
  const size = 2 ** (32 - hostPrefix);
  return intToIpv4(base + index * size + (offset % (size - 2)) + 1);
}

/** The `index`-th /hostPrefix subnet of `cidr`, as CIDR text (HostSubnet.subnet). */
export function nodeSubnet(cidr: string, hostPrefix: number, index: number): string {
  const base = ipv4ToInt(cidr.split('/')[0]);
  return `${intToIpv4(base + index * 2 ** (32 - hostPrefix))}/${hostPrefix}`;
}
