// Chooses the way back from the cluster version and how far the migration got: the documented
// rollback once the network type switched (or may have), the shorter undo before that.
import { rollbackA, undoA } from './rollback-a.ts';
import { rollbackB, undoB } from './rollback-b.ts';
import { parseVersion } from './select.ts';
import type { Variant } from './types.ts';
import { liveRollback } from './variant-live.ts';

export const ROLLBACK_VARIANTS: Variant[] = [rollbackA, undoA, rollbackB, undoB, liveRollback];

/** Refuses versions without a rollback: 4.17+ has no OpenShift SDN to go back to. */
export function selectRollback(version: string, switched: boolean): Variant {
  const { major, minor } = parseVersion(version);
  if (major === 4 && minor >= 17)
    throw new Error(
      `OpenShift ${version} has no OpenShift SDN (removed in 4.17): there is nothing to roll back to — no change was made`,
    );
  if (major !== 4 || minor < 5)
    throw new Error(`OpenShift ${version} is not supported: this action rolls back OpenShift 4.5 to 4.16`);
  if (minor <= 7) return switched ? rollbackA : undoA;
  return switched ? rollbackB : undoB;
}

export function rollbackVariantById(id: string): Variant | undefined {
  return ROLLBACK_VARIANTS.find((v) => v.id === id);
}
