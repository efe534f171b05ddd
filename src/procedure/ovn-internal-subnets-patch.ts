// The ovn-*-subnet-* inputs as fields of spec.defaultNetwork.ovnKubernetesConfig, in the names this
// release uses (checks/cidr.ts ovnInternalRanges): flat `a.b.c = value` entries and the nested patch.
import { ovnInternalRanges } from '../checks/cidr.ts';
import { clusterMinor } from './cluster-minor.ts';
import type { StepContext } from './types.ts';

/** `[['v4InternalSubnet', '100.72.0.0/16'], ['gatewayConfig.ipv4.internalMasqueradeSubnet', …]]`. */
export function subnetFields(ctx: StepContext): [string, string][] {
  const minor = clusterMinor(ctx);
  return ovnInternalRanges(minor, ctx.settings.ovnSubnets)
    .filter((r) => r.chosen && r.field)
    .map((r) => [r.field!, r.cidr]);
}

/** Sets `a.b.c` in `target` to `value`, creating the objects on the way. */
export function setDotted(target: Record<string, unknown>, dotted: string, value: unknown): void {
  const keys = dotted.split('.');
  let at = target;
  for (const k of keys.slice(0, -1)) {
    if (typeof at[k] !== 'object' || at[k] === null) at[k] = {};
    at = at[k] as Record<string, unknown>;
  }
  at[keys[keys.length - 1]] = value;
}

/** Reads `a.b.c` from `source`. */
export function getDotted(source: unknown, dotted: string): unknown {
  return dotted
    .split('.')
    .reduce<unknown>(
      (o, k) => (o && typeof o === 'object' ? (o as Record<string, unknown>)[k] : undefined),
      source,
    );
}
