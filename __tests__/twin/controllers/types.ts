// The resource types the controllers read and write, looked up once (a typo fails at import time).
import { findType, type ResourceType } from '../resources.ts';

function must(group: string, plural: string): ResourceType {
  const t = findType(group, plural);
  if (!t) throw new Error(`twin controllers: resource type ${plural}.${group} is not served`);
  return t;
}

export const T = {
  namespace: must('', 'namespaces'),
  node: must('', 'nodes'),
  pod: must('', 'pods'),
  daemonSet: must('apps', 'daemonsets'),
  networkConfig: must('config.openshift.io', 'networks'),
  networkOperator: must('operator.openshift.io', 'networks'),
  clusterVersion: must('config.openshift.io', 'clusterversions'),
  clusterOperator: must('config.openshift.io', 'clusteroperators'),
  infrastructure: must('config.openshift.io', 'infrastructures'),
  featureGate: must('config.openshift.io', 'featuregates'),
  pool: must('machineconfiguration.openshift.io', 'machineconfigpools'),
  machineConfig: must('machineconfiguration.openshift.io', 'machineconfigs'),
  egressNetworkPolicy: must('network.openshift.io', 'egressnetworkpolicies'),
  netNamespace: must('network.openshift.io', 'netnamespaces'),
  hostSubnet: must('network.openshift.io', 'hostsubnets'),
  egressFirewall: must('k8s.ovn.org', 'egressfirewalls'),
  egressIP: must('k8s.ovn.org', 'egressips'),
};

/** Actor names the timeline shows for each controller. */
export const ACTOR = {
  seed: 'seed',
  cno: 'cno',
  mco: 'mco',
  kubelet: 'kubelet',
  namespaces: 'namespace-controller',
  multus: 'multus',
  /** The other cluster operators (etcd, kube-apiserver, ingress, ...) as they flap after reboots. */
  operators: 'operators',
} as const;
