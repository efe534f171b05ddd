// Chooses the variant from the cluster version: A for 4.5–4.7, B for 4.8–4.16; anything else is
// refused with the reason.
import { variantA } from './variant-a.ts';
import { variantB } from './variant-b.ts';
import type { Variant } from './types.ts';

export const VARIANTS: Variant[] = [variantA, variantB];

export function parseVersion(version: string): { major: number; minor: number } {
  const m = /^(\d+)\.(\d+)/.exec(version);
  if (!m)
    throw new Error(
      `cannot read the cluster version "${version}" (ClusterVersion version status.desired.version)`,
    );
  return { major: Number(m[1]), minor: Number(m[2]) };
}

export function selectVariant(version: string): Variant {
  const { major, minor } = parseVersion(version);
  if (major === 4) {
    const v = VARIANTS.find((x) => minor >= x.minors[0] && minor <= x.minors[1]);
    if (v) return v;
    if (minor >= 17) {
      throw new Error(
        `OpenShift ${version} is not supported: OpenShift SDN was removed in 4.17, so there is nothing to migrate from; a 4.17+ cluster is already on OVN-Kubernetes`,
      );
    }
  }
  throw new Error(
    `OpenShift ${version} is not supported: this action migrates OpenShift 4.5 to 4.16 (offline procedure)`,
  );
}
