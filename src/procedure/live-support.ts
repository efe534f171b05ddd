// Whether the cluster offers the limited live migration: read from the cluster where the API shows it —
// the FeatureGate `cluster` lists the NetworkLiveMigration gate per version in status.featureGates —
// and, where it does not (an older FeatureGate status, or the object unreadable), OpenShift 4.15–4.16.
import type { KObject, ObjectRef } from '../cluster/types.ts';
import { LIVE_MINORS } from './variant-live.ts';
import { parseVersion } from './select.ts';

export const FEATURE_GATE: ObjectRef = {
  apiVersion: 'config.openshift.io/v1',
  kind: 'FeatureGate',
  name: 'cluster',
};

export const LIVE_GATE = 'NetworkLiveMigration';

export interface LiveSupport {
  supported: boolean;
  /** `4.16.20 supports it (FeatureGate cluster: NetworkLiveMigration enabled)`. */
  why: string;
}

type GateList = { name?: unknown }[] | undefined;
interface GateStatus {
  version?: unknown;
  enabled?: GateList;
  disabled?: GateList;
}

const names = (l: GateList): string[] => (l ?? []).map((g) => String(g?.name ?? ''));

/** enabled / disabled / undefined (the FeatureGate does not mention the gate for this version). */
export function liveGate(gate: KObject | undefined, version: string): 'enabled' | 'disabled' | undefined {
  const all = (gate?.status?.featureGates ?? []) as GateStatus[];
  if (!Array.isArray(all) || !all.length) return undefined;
  // The entry for the running version; a single entry (or none matching) is read as the cluster's.
  const mine =
    all.find((g) => String(g.version ?? '') === version) ?? (all.length === 1 ? all[0] : undefined);
  for (const g of mine ? [mine] : all) {
    if (names(g.enabled).includes(LIVE_GATE)) return 'enabled';
    if (names(g.disabled).includes(LIVE_GATE)) return 'disabled';
  }
  return undefined;
}

export function liveSupport(gate: KObject | undefined, version: string): LiveSupport {
  const state = liveGate(gate, version);
  if (state === 'enabled')
    return { supported: true, why: `${version} supports it (FeatureGate cluster: ${LIVE_GATE} enabled)` };
  if (state === 'disabled')
    return {
      supported: false,
      why: `${version} does not offer it (FeatureGate cluster: ${LIVE_GATE} disabled)`,
    };
  const { major, minor } = parseVersion(version);
  const [lo, hi] = LIVE_MINORS;
  return major === 4 && minor >= lo && minor <= hi
    ? { supported: true, why: `${version} supports it (OpenShift 4.${lo}–4.${hi})` }
    : {
        supported: false,
        why: `${version} does not offer it (limited live migration is OpenShift 4.${lo}–4.${hi} only)`,
      };
}
