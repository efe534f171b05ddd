// The shapes the rest of the action uses to name Kubernetes/OpenShift objects, and the well-known
// objects the migration procedure reads and changes.

export interface KObject {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    resourceVersion?: string;
    uid?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    [k: string]: unknown;
  };
  // Specs and statuses of the many kinds used are read field by field by the procedure and checks.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  spec?: any;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  status?: any;
  [k: string]: unknown;
}

export interface ObjectRef {
  apiVersion: string;
  kind: string;
  name: string;
  namespace?: string;
}

export interface ListRef {
  apiVersion: string;
  kind: string;
  /** Omitted for cluster-scoped kinds and for "all namespaces". */
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
}

export const NETWORK_CONFIG: ObjectRef = {
  apiVersion: 'config.openshift.io/v1',
  kind: 'Network',
  name: 'cluster',
};
export const NETWORK_OPERATOR: ObjectRef = {
  apiVersion: 'operator.openshift.io/v1',
  kind: 'Network',
  name: 'cluster',
};
export const CLUSTER_VERSION: ObjectRef = {
  apiVersion: 'config.openshift.io/v1',
  kind: 'ClusterVersion',
  name: 'version',
};
export const INFRASTRUCTURE: ObjectRef = {
  apiVersion: 'config.openshift.io/v1',
  kind: 'Infrastructure',
  name: 'cluster',
};

export const NODES: ListRef = { apiVersion: 'v1', kind: 'Node' };
export const POOLS: ListRef = {
  apiVersion: 'machineconfiguration.openshift.io/v1',
  kind: 'MachineConfigPool',
};
export const CLUSTER_OPERATORS: ListRef = { apiVersion: 'config.openshift.io/v1', kind: 'ClusterOperator' };
export const PODS_ALL: ListRef = { apiVersion: 'v1', kind: 'Pod' };

export function mcRef(name: string): ObjectRef {
  return { apiVersion: 'machineconfiguration.openshift.io/v1', kind: 'MachineConfig', name };
}

export function dsRef(namespace: string, name: string): ObjectRef {
  return { apiVersion: 'apps/v1', kind: 'DaemonSet', namespace, name };
}

export function nsRef(name: string): ObjectRef {
  return { apiVersion: 'v1', kind: 'Namespace', name };
}

/** `Kind name` or `Kind namespace/name`, as error messages and logs name an object. */
export function describeRef(ref: ObjectRef | ListRef): string {
  const name = 'name' in ref ? ref.name : undefined;
  if (name === undefined) return ref.namespace ? `${ref.kind} in ${ref.namespace}` : `${ref.kind} (all)`;
  return ref.namespace ? `${ref.kind} ${ref.namespace}/${name}` : `${ref.kind} ${name}`;
}

/** The ref that names an object. */
export function refOf(obj: KObject): ObjectRef {
  return {
    apiVersion: obj.apiVersion,
    kind: obj.kind,
    name: obj.metadata.name,
    ...(obj.metadata.namespace ? { namespace: obj.metadata.namespace } : {}),
  };
}
