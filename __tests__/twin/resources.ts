// The resource types the twin serves, as the real API server's discovery describes them.
export interface ResourceType {
  /** API group; '' for the core group. */
  group: string;
  version: string;
  kind: string;
  plural: string;
  singular: string;
  namespaced: boolean;
  shortNames?: string[];
  /** Subresources served besides the object itself. */
  subresources: string[];
  verbs: string[];
  /**
   * An optional operator's CRD (e.g. `nodenetworkconfigurationpolicies.nmstate.io`): served only when the
   * scenario lists it in `crds`, as a real cluster serves it only once the operator is installed.
   */
  crd?: string;
}

const ALL_VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

function rt(
  group: string,
  version: string,
  kind: string,
  plural: string,
  namespaced: boolean,
  extra: Partial<ResourceType> = {},
): ResourceType {
  return {
    group,
    version,
    kind,
    plural,
    singular: kind.toLowerCase(),
    namespaced,
    subresources: [],
    verbs: ALL_VERBS,
    ...extra,
  };
}

export const RESOURCE_TYPES: ResourceType[] = [
  rt('', 'v1', 'Namespace', 'namespaces', false, { shortNames: ['ns'], subresources: ['status'] }),
  rt('', 'v1', 'Node', 'nodes', false, { shortNames: ['no'], subresources: ['status'] }),
  rt('', 'v1', 'Pod', 'pods', true, { shortNames: ['po'], subresources: ['status', 'log'] }),
  rt('', 'v1', 'Event', 'events', true, { shortNames: ['ev'] }),
  rt('', 'v1', 'ConfigMap', 'configmaps', true, { shortNames: ['cm'] }),
  rt('apps', 'v1', 'DaemonSet', 'daemonsets', true, { shortNames: ['ds'], subresources: ['status'] }),
  rt('config.openshift.io', 'v1', 'Network', 'networks', false, { subresources: ['status'] }),
  rt('config.openshift.io', 'v1', 'ClusterVersion', 'clusterversions', false, { subresources: ['status'] }),
  rt('config.openshift.io', 'v1', 'ClusterOperator', 'clusteroperators', false, {
    shortNames: ['co'],
    subresources: ['status'],
  }),
  rt('config.openshift.io', 'v1', 'Infrastructure', 'infrastructures', false, { subresources: ['status'] }),
  rt('config.openshift.io', 'v1', 'FeatureGate', 'featuregates', false, { subresources: ['status'] }),
  rt('operator.openshift.io', 'v1', 'Network', 'networks', false, { subresources: ['status'] }),
  rt('machineconfiguration.openshift.io', 'v1', 'MachineConfigPool', 'machineconfigpools', false, {
    shortNames: ['mcp'],
    subresources: ['status'],
  }),
  rt('machineconfiguration.openshift.io', 'v1', 'MachineConfig', 'machineconfigs', false, {
    shortNames: ['mc'],
  }),
  rt('network.openshift.io', 'v1', 'EgressNetworkPolicy', 'egressnetworkpolicies', true),
  rt('network.openshift.io', 'v1', 'NetNamespace', 'netnamespaces', false),
  rt('network.openshift.io', 'v1', 'HostSubnet', 'hostsubnets', false),
  rt('policy', 'v1', 'PodDisruptionBudget', 'poddisruptionbudgets', true, {
    shortNames: ['pdb'],
    subresources: ['status'],
  }),
  // OVN-Kubernetes' own kinds (its CRDs ship with the network operator's manifests).
  rt('k8s.ovn.org', 'v1', 'EgressFirewall', 'egressfirewalls', true),
  rt('k8s.ovn.org', 'v1', 'EgressIP', 'egressips', false, { shortNames: ['eip'] }),
  rt('nmstate.io', 'v1', 'NodeNetworkConfigurationPolicy', 'nodenetworkconfigurationpolicies', false, {
    shortNames: ['nncp'],
    subresources: ['status'],
    crd: 'nodenetworkconfigurationpolicies.nmstate.io',
  }),
  rt('authorization.k8s.io', 'v1', 'SelfSubjectAccessReview', 'selfsubjectaccessreviews', false, {
    verbs: ['create'],
  }),
];

/** The types a cluster with these optional CRDs installed serves. */
export function servedTypes(crds: readonly string[] = []): ResourceType[] {
  return RESOURCE_TYPES.filter((t) => !t.crd || crds.includes(t.crd));
}

export function apiVersionOf(t: ResourceType): string {
  return t.group ? `${t.group}/${t.version}` : t.version;
}

/** `pods`, `networks.config.openshift.io`: the name kubectl and RBAC use for a resource. */
export function qualifiedName(t: ResourceType): string {
  return t.group ? `${t.plural}.${t.group}` : t.plural;
}

export function findType(group: string, plural: string): ResourceType | undefined {
  return RESOURCE_TYPES.find((t) => t.group === group && t.plural === plural);
}

export function typeOfObject(apiVersion: string, kind: string): ResourceType {
  const [group, version] = apiVersion.includes('/') ? apiVersion.split('/') : ['', apiVersion];
  const t = RESOURCE_TYPES.find((r) => r.group === group && r.version === version && r.kind === kind);
  if (!t) throw new Error(`twin: unknown resource type ${apiVersion} ${kind}`);
  return t;
}
