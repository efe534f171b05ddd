// Legacy (non-aggregated) discovery: /version, /api, /api/v1, /apis, /apis/<g>, /apis/<g>/<v>. Clients
// that ask for aggregated discovery get plain JSON back and fall back to these, as against older servers.
import { minorVersion } from '../scenario.ts';
import { RESOURCE_TYPES, type ResourceType } from '../resources.ts';

/** The Kubernetes release an OpenShift release ships: 4.N is 1.(N+13) (4.6 → 1.19, 4.14 → 1.27). */
export function kubeVersionFor(openshiftVersion: string): {
  major: string;
  minor: string;
  gitVersion: string;
} {
  const [major, minor] = minorVersion(openshiftVersion);
  if (major !== 4) throw new Error(`twin: no Kubernetes version known for OpenShift ${openshiftVersion}`);
  const kubeMinor = minor + 13;
  return { major: '1', minor: String(kubeMinor), gitVersion: `v1.${kubeMinor}.0` };
}

export function versionInfo(openshiftVersion: string): Record<string, string> {
  return {
    ...kubeVersionFor(openshiftVersion),
    gitCommit: '0000000000000000000000000000000000000000',
    gitTreeState: 'clean',
    buildDate: '2024-01-01T00:00:00Z',
    goVersion: 'go1.20.10',
    compiler: 'gc',
    platform: 'linux/amd64',
  };
}

const ADDRESS = [{ clientCIDR: '0.0.0.0/0', serverAddress: '127.0.0.1:6443' }];

export function coreVersions(): object {
  return { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: ADDRESS };
}

function groupVersions(group: string, types: ResourceType[]): string[] {
  return [...new Set(types.filter((t) => t.group === group).map((t) => t.version))];
}

// `types`: what this cluster serves (servedTypes: optional CRDs only when installed).
export function apiGroup(group: string, types: ResourceType[] = RESOURCE_TYPES): object | undefined {
  const versions = groupVersions(group, types);
  if (!group || !versions.length) return undefined;
  const vs = versions.map((version) => ({ groupVersion: `${group}/${version}`, version }));
  return { kind: 'APIGroup', apiVersion: 'v1', name: group, versions: vs, preferredVersion: vs[0] };
}

export function apiGroupList(types: ResourceType[] = RESOURCE_TYPES): object {
  const groups = [...new Set(types.map((t) => t.group).filter((g) => g))];
  return {
    kind: 'APIGroupList',
    apiVersion: 'v1',
    groups: groups.map((g) => {
      const { kind: _k, apiVersion: _a, ...rest } = apiGroup(g, types) as Record<string, unknown>;
      return rest;
    }),
  };
}

const SUBRESOURCE_VERBS: Record<string, string[]> = {
  status: ['get', 'patch', 'update'],
  log: ['get'],
};

/** APIResourceList for a group/version, or undefined when the twin serves no such version. */
export function apiResourceList(
  group: string,
  version: string,
  served: ResourceType[] = RESOURCE_TYPES,
): object | undefined {
  const types = served.filter((t) => t.group === group && t.version === version);
  if (!types.length) return undefined;
  const resources: object[] = [];
  for (const t of types) {
    resources.push(resourceEntry(t));
    for (const sub of t.subresources) {
      resources.push({
        name: `${t.plural}/${sub}`,
        singularName: '',
        namespaced: t.namespaced,
        kind: sub === 'log' ? 'Pod' : t.kind,
        verbs: SUBRESOURCE_VERBS[sub] ?? ['get'],
      });
    }
  }
  return {
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion: group ? `${group}/${version}` : version,
    resources,
  };
}

function resourceEntry(t: ResourceType): object {
  const e: Record<string, unknown> = {
    name: t.plural,
    singularName: t.singular,
    namespaced: t.namespaced,
    kind: t.kind,
    verbs: t.verbs,
  };
  if (t.shortNames?.length) e.shortNames = t.shortNames;
  return e;
}
