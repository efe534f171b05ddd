// Lists a kind for a check; a kind the API does not serve (404: its CRD is not installed) is
// `undefined`, so a check can tell "none" from "not installed".
import { ClusterError } from '../../cluster/errors.ts';
import type { KObject, ListRef } from '../../cluster/types.ts';
import type { StepContext } from '../../procedure/types.ts';

export async function listOrAbsent(ctx: StepContext, ref: ListRef): Promise<KObject[] | undefined> {
  try {
    return (await ctx.cluster.list(ref)).items;
  } catch (err) {
    if (err instanceof ClusterError && err.status === 404) return undefined;
    throw err;
  }
}

export const nameOf = (o: KObject): string =>
  o.metadata.namespace ? `${o.metadata.namespace}/${o.metadata.name}` : o.metadata.name;
