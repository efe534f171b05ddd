// max-unavailable: how many nodes of each non-master pool the Machine Config Operator may update at
// once during the migration's rollout — a count ("10") or a percentage of the pool's nodes ("20%"),
// as MachineConfigPool spec.maxUnavailable takes it. Empty leaves every pool as it is.
import { InputError } from './input-error.ts';

export const MAX_UNAVAILABLE_FORM =
  'a whole number of nodes ≥ 1 (e.g. 10) or a percentage from 1% to 100% (e.g. 20%); empty leaves the pools as they are';

/** The value as MachineConfigPool spec.maxUnavailable takes it: a number or "N%"; undefined when empty. */
export function parseMaxUnavailable(text: string): number | string | undefined {
  const t = text.trim();
  if (t === '') return undefined;
  const pct = /^(\d{1,3})%$/.exec(t);
  if (pct && Number(pct[1]) >= 1 && Number(pct[1]) <= 100) return `${Number(pct[1])}%`;
  if (/^\d{1,9}$/.test(t) && Number(t) >= 1) return Number(t);
  throw new InputError('max-unavailable', `"${t}" is not a node count or a percentage`, MAX_UNAVAILABLE_FORM);
}

/**
 * A maxUnavailable (a number, "N" or "N%") as a node count for a pool of `machines` nodes, as the MCO
 * reads it: a percentage rounds down, and at least one node is updated at a time.
 */
export function nodesAtOnce(raw: unknown, machines: number): number {
  if (typeof raw === 'number' && raw > 0) return Math.floor(raw);
  if (typeof raw === 'string') {
    const t = raw.trim();
    const pct = /^(\d+)%$/.exec(t);
    if (pct) return Math.max(1, Math.floor((machines * Number(pct[1])) / 100));
    if (/^\d+$/.test(t) && Number(t) > 0) return Number(t);
  }
  return 1;
}
