// REST paths for a kind without a discovery round trip: the procedure only uses a known set of kinds,
// so the plural comes from a table (with the regular English rule as the fallback), and whether a path
// is namespaced follows from whether the ref carries a namespace.
import type { ListRef, ObjectRef } from './types.ts';

const IRREGULAR_PLURALS: Record<string, string> = {
  Endpoints: 'endpoints',
  Ingress: 'ingresses',
  NetworkPolicy: 'networkpolicies',
  EgressNetworkPolicy: 'egressnetworkpolicies',
  Proxy: 'proxies',
  DNS: 'dnses',
  PodSecurityPolicy: 'podsecuritypolicies',
  SecurityContextConstraints: 'securitycontextconstraints',
};

export function pluralOf(kind: string): string {
  const irregular = IRREGULAR_PLURALS[kind];
  if (irregular) return irregular;
  const lower = kind.toLowerCase();
  if (/[^aeiou]y$/.test(lower)) return `${lower.slice(0, -1)}ies`;
  if (/(s|x|z|ch|sh)$/.test(lower)) return `${lower}es`;
  return `${lower}s`;
}

/** `pods`, `networks.config.openshift.io`: how RBAC and `oc` name a resource. */
export function resourceName(apiVersion: string, kind: string): string {
  const group = groupOf(apiVersion);
  return group ? `${pluralOf(kind)}.${group}` : pluralOf(kind);
}

export function groupOf(apiVersion: string): string {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? '' : apiVersion.slice(0, slash);
}

function prefixOf(apiVersion: string): string {
  return apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
}

export function collectionPath(ref: ListRef | ObjectRef): string {
  const ns = ref.namespace ? `/namespaces/${encodeURIComponent(ref.namespace)}` : '';
  return `${prefixOf(ref.apiVersion)}${ns}/${pluralOf(ref.kind)}`;
}

export function objectPath(ref: ObjectRef): string {
  return `${collectionPath(ref)}/${encodeURIComponent(ref.name)}`;
}
