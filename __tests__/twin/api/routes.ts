// Maps a request path onto what it addresses: a discovery document, or a resource type with optional
// namespace, name and subresource (`/api/v1/namespaces/ns/pods/p/log`, `/apis/g/v/things/x/status`).
import { RESOURCE_TYPES, type ResourceType } from '../resources.ts';

export type Route =
  | { kind: 'version' }
  | { kind: 'api' }
  | { kind: 'apis' }
  | { kind: 'group'; group: string }
  | { kind: 'groupVersion'; group: string; version: string }
  | { kind: 'resource'; type: ResourceType; namespace?: string; name?: string; subresource?: string }
  | { kind: 'unknown' };

function typeIn(group: string, version: string, plural: string): ResourceType | undefined {
  return RESOURCE_TYPES.find((t) => t.group === group && t.version === version && t.plural === plural);
}

export function parseRoute(pathname: string): Route {
  const parts = pathname
    .split('/')
    .filter((p) => p !== '')
    .map(decodeURIComponent);
  if (parts.length === 1 && parts[0] === 'version') return { kind: 'version' };
  let group: string;
  let version: string;
  let rest: string[];
  if (parts[0] === 'api') {
    if (parts.length === 1) return { kind: 'api' };
    group = '';
    version = parts[1];
    rest = parts.slice(2);
  } else if (parts[0] === 'apis') {
    if (parts.length === 1) return { kind: 'apis' };
    if (parts.length === 2) return { kind: 'group', group: parts[1] };
    group = parts[1];
    version = parts[2];
    rest = parts.slice(3);
  } else return { kind: 'unknown' };
  if (rest.length === 0) return { kind: 'groupVersion', group, version };

  // namespaces/<ns>/<plural>/... addresses a namespaced type; namespaces/<ns>[/status] a Namespace.
  if (rest[0] === 'namespaces' && rest.length >= 3) {
    const t = typeIn(group, version, rest[2]);
    if (t?.namespaced) {
      if (rest.length > 5) return { kind: 'unknown' };
      return { kind: 'resource', type: t, namespace: rest[1], name: rest[3], subresource: rest[4] };
    }
  }
  const t = typeIn(group, version, rest[0]);
  if (!t || rest.length > 3) return { kind: 'unknown' };
  // A namespaced type at cluster scope can be listed or watched (all namespaces), not addressed by name.
  if (t.namespaced && rest.length > 1) return { kind: 'unknown' };
  return { kind: 'resource', type: t, name: rest[1], subresource: rest[2] };
}
