// Lists a kind for a check; a kind the API does not serve (404: its CRD is not installed) is
// `undefined`, so a check can tell "none" from "not installed".
import { ClusterError } from '../../cluster/errors.ts';
import type { Cluster } from '../../cluster/client.ts';
import type { KObject, ListRef } from '../../cluster/types.ts';
import type { StepContext } from '../../procedure/types.ts';

export async function listKindOrAbsent(cluster: Cluster, ref: ListRef): Promise<KObject[] | undefined> {
  try {
    return (await cluster.list(ref)).items;
  } catch (err) {
    if (err instanceof ClusterError && err.status === 404) return undefined;
    throw err;
  }
}

export const listOrAbsent = (ctx: StepContext, ref: ListRef): Promise<KObject[] | undefined> =>
  listKindOrAbsent(ctx.cluster, ref);

/** Lists a kind; a kind the server does not serve (404) is an empty list. */
export const listOrEmpty = async (cluster: Cluster, ref: ListRef): Promise<KObject[]> =>
  (await listKindOrAbsent(cluster, ref)) ?? [];

export const nameOf = (o: KObject): string =>
  o.metadata.namespace ? `${o.metadata.namespace}/${o.metadata.name}` : o.metadata.name;
