// Who may do what: two bearer tokens, an all-powerful admin and a read-only viewer. Messages follow the
// real RBAC authorizer word for word, since the action shows them to people.
import type { ResourceType } from '../resources.ts';
import { qualifiedName } from '../resources.ts';
import { ApiError, failure } from './status.ts';

export interface ApiUser {
  name: string;
  readOnly: boolean;
}

const READ_VERBS = new Set(['get', 'list', 'watch']);

export function isAllowed(user: ApiUser, verb: string): boolean {
  return !user.readOnly || READ_VERBS.has(verb);
}

/** `networks.config.openshift.io "cluster" is forbidden: User "viewer" cannot patch resource "networks" in API group "config.openshift.io" at the cluster scope`. */
export function forbidden(
  user: ApiUser,
  verb: string,
  type: ResourceType,
  namespace: string | undefined,
  name: string | undefined,
  subresource?: string,
): ApiError {
  const what = name ? `${qualifiedName(type)} "${name}"` : qualifiedName(type);
  const resource = subresource ? `${type.plural}/${subresource}` : type.plural;
  const scope = type.namespaced && namespace ? `in the namespace "${namespace}"` : 'at the cluster scope';
  const message = `${what} is forbidden: User "${user.name}" cannot ${verb} resource "${resource}" in API group "${type.group}" ${scope}`;
  const details: Record<string, string> = { group: type.group, kind: type.plural };
  if (name) details.name = name;
  return new ApiError(failure(403, message, 'Forbidden', details));
}

interface ResourceAttributes {
  verb?: string;
}

/** Fills `status` of a SelfSubjectAccessReview the way the server's authorizer would decide it. */
export function reviewAccess(user: ApiUser, review: Record<string, unknown>): Record<string, unknown> {
  const spec = (review.spec ?? {}) as {
    resourceAttributes?: ResourceAttributes;
    nonResourceAttributes?: ResourceAttributes;
  };
  const verb = spec.resourceAttributes?.verb ?? spec.nonResourceAttributes?.verb ?? '';
  const allowed = verb === '*' ? !user.readOnly : isAllowed(user, verb);
  const status: Record<string, unknown> = { allowed };
  if (allowed)
    status.reason = user.readOnly
      ? 'RBAC: allowed by ClusterRoleBinding "viewer" of ClusterRole "view"'
      : 'RBAC: allowed by ClusterRoleBinding "cluster-admin" of ClusterRole "cluster-admin"';
  return {
    kind: 'SelfSubjectAccessReview',
    apiVersion: 'authorization.k8s.io/v1',
    metadata: { creationTimestamp: null },
    spec,
    status,
  };
}
