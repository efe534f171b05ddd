// Which cluster this is. The kubeconfig says where to connect, not what is there: a plan job and a
// migrate job that read their credentials from different places (repository vs environment secrets), or
// a kubeconfig swapped between the two, would have an approver approve one cluster and the migration
// change another. ClusterVersion spec.clusterID is set once at install and differs on every cluster;
// the plan shows it (and sets the cluster-id output) and the migration refuses any other ID before
// its first change when expected-cluster-id is given.
import type { KObject } from '../cluster/types.ts';

/** The form OpenShift writes spec.clusterID in (a UUID); anything else is not shown or compared. */
const CLUSTER_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export class ClusterIdentityError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ClusterIdentityError';
  }
}

/**
 * The cluster's ID from its ClusterVersion, lower case; undefined when it has none in UUID form (the
 * value comes from the cluster and is untrusted, so any other text is never echoed). Throws
 * ClusterIdentityError when `expected` is given and the cluster's ID is missing or different.
 */
export function clusterIdentity(
  clusterVersion: KObject | undefined,
  expected: string | undefined,
): string | undefined {
  const raw = (clusterVersion?.spec as { clusterID?: unknown } | undefined)?.clusterID;
  const id = typeof raw === 'string' && CLUSTER_ID.test(raw.trim()) ? raw.trim().toLowerCase() : undefined;
  if (expected === undefined) return id;
  const want = expected.toLowerCase();
  if (id === undefined)
    throw new ClusterIdentityError(
      `expected-cluster-id is ${want}, but this cluster's ClusterVersion has no spec.clusterID in UUID form — the kubeconfig may point at another cluster than the one the plan showed; nothing was changed`,
    );
  if (id !== want)
    throw new ClusterIdentityError(
      `this is cluster ${id}, not the approved cluster ${want} (expected-cluster-id) — the kubeconfig points at another cluster than the one the plan showed; nothing was changed. Check that the plan and migrate jobs read the same kubeconfig`,
    );
  return id;
}
