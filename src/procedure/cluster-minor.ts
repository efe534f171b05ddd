// The cluster's OpenShift minor version (4.x) from the report, for steps and checks that depend on the
// release. Not select.ts's parseVersion: select.ts imports the variants, and the steps they import
// would then import themselves (a cycle that leaves constants uninitialised).
import type { StepContext } from './types.ts';

export function clusterMinor(ctx: Pick<StepContext, 'report'>): number {
  return Number(/^\d+\.(\d+)/.exec(ctx.report.cluster.version ?? '')?.[1] ?? 0);
}
