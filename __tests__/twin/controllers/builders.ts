// Object builders shared by the seed and the controllers (CNO creates plugin daemonsets, multus
// creates pods). They produce what the real API server returns, field for field where clients look.
import { createHash } from 'node:crypto';
import type { NetworkType, NodeSpec, Scenario } from '../scenario.ts';
import type { KObject } from '../store.ts';
import { runningPodStatus } from './pod-status.ts';
import { type Condition, isoNow, randomHex, uuid } from './util.ts';
import type { ReleaseFacts } from './versions.ts';

export const MC_ANNOTATION = {
  current: 'machineconfiguration.openshift.io/currentConfig',
  desired: 'machineconfiguration.openshift.io/desiredConfig',
  state: 'machineconfiguration.openshift.io/state',
  reason: 'machineconfiguration.openshift.io/reason',
} as const;

export const POD_TEMPLATE_GENERATION = 'pod-template-generation';

/** A release image reference for a component (stable per component, like a real payload). */
export function imageFor(component: string): string {
  return `quay.io/openshift-release-dev/ocp-v4.0-art-dev@sha256:${createHash('sha256').update(component).digest('hex')}`;
}

export function namespaceObject(name: string, minor: number, labels: Record<string, string> = {}): KObject {
  return {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: {
      name,
      labels: {
        ...(minor >= 8 ? { 'kubernetes.io/metadata.name': name } : {}),
        ...(name.startsWith('openshift-') ? { 'openshift.io/cluster-monitoring': 'true' } : {}),
        ...labels,
      },
      annotations: {
        'openshift.io/sa.scc.mcs': 's0:c12,c4',
        'openshift.io/sa.scc.supplemental-groups': '1000140000/10000',
        'openshift.io/sa.scc.uid-range': '1000140000/10000',
      },
    },
    spec: { finalizers: ['kubernetes'] },
    status: { phase: 'Active' },
  };
}

export function nodeConditions(ready: boolean): Condition[] {
  const now = isoNow();
  const pressure = (type: string, reason: string, message: string): Condition => ({
    type,
    status: 'False',
    reason,
    message,
    lastHeartbeatTime: now,
    lastTransitionTime: now,
  });
  return [
    pressure('MemoryPressure', 'KubeletHasSufficientMemory', 'kubelet has sufficient memory available'),
    pressure('DiskPressure', 'KubeletHasNoDiskPressure', 'kubelet has no disk pressure'),
    pressure('PIDPressure', 'KubeletHasSufficientPID', 'kubelet has sufficient PID available'),
    ready
      ? {
          type: 'Ready',
          status: 'True',
          reason: 'KubeletReady',
          message: 'kubelet is posting ready status',
          lastHeartbeatTime: now,
          lastTransitionTime: now,
        }
      : {
          type: 'Ready',
          status: 'False',
          reason: 'KubeletNotReady',
          message: NOT_READY_MESSAGE,
          lastHeartbeatTime: now,
          lastTransitionTime: now,
        },
  ];
}

export const NOT_READY_MESSAGE =
  'container runtime network not ready: NetworkReady=false reason:NetworkPluginNotReady message:Network plugin returns error: No CNI configuration file in /etc/kubernetes/cni/net.d/. Has your network provider started?';

/**
 * Masters carry the NoSchedule taint unless they are workers too (a compact cluster's schedulable
 * masters); a cordoned node is unschedulable with the taint the node lifecycle controller adds.
 */
function nodeSpec(n: NodeSpec): Record<string, unknown> {
  const taints: { key: string; effect: string; timeAdded?: string }[] = [];
  if (n.pool === 'master' && !n.roles?.includes('worker'))
    taints.push({ key: 'node-role.kubernetes.io/master', effect: 'NoSchedule' });
  if (n.unschedulable) taints.push({ key: UNSCHEDULABLE_TAINT, effect: 'NoSchedule' });
  return { ...(n.unschedulable ? { unschedulable: true } : {}), ...(taints.length ? { taints } : {}) };
}

export const UNSCHEDULABLE_TAINT = 'node.kubernetes.io/unschedulable';

export function nodeObject(n: NodeSpec, facts: ReleaseFacts, renderedConfig: string): KObject {
  const master = n.pool === 'master';
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name: n.name,
      labels: {
        'beta.kubernetes.io/arch': 'amd64',
        'beta.kubernetes.io/os': 'linux',
        'kubernetes.io/arch': 'amd64',
        'kubernetes.io/hostname': n.name,
        'kubernetes.io/os': 'linux',
        [`node-role.kubernetes.io/${n.pool}`]: '',
        ...(master
          ? { 'node-role.kubernetes.io/master': '', 'node-role.kubernetes.io/control-plane': '' }
          : {}),
        ...Object.fromEntries((n.roles ?? []).map((r) => [`node-role.kubernetes.io/${r}`, ''])),
        'node.openshift.io/os_id': 'rhcos',
      },
      annotations: {
        [MC_ANNOTATION.current]: renderedConfig,
        [MC_ANNOTATION.desired]: renderedConfig,
        [MC_ANNOTATION.state]: 'Done',
        [MC_ANNOTATION.reason]: '',
        'volumes.kubernetes.io/controller-managed-attach-detach': 'true',
      },
    },
    spec: nodeSpec(n),
    status: {
      addresses: [
        ...n.addresses.map((address) => ({ type: 'InternalIP', address })),
        { type: 'Hostname', address: n.name },
      ],
      allocatable: { cpu: '7500m', 'ephemeral-storage': '115470533646', memory: '31225236Ki', pods: '250' },
      capacity: { cpu: '8', 'ephemeral-storage': '125293548Ki', memory: '32351636Ki', pods: '250' },
      conditions: nodeConditions(n.ready),
      daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
      nodeInfo: {
        architecture: 'amd64',
        bootID: uuid(),
        containerRuntimeVersion: facts.containerRuntimeVersion,
        kernelVersion: facts.kernelVersion,
        kubeProxyVersion: facts.kubeletVersion,
        kubeletVersion: facts.kubeletVersion,
        machineID: randomHex(32),
        operatingSystem: 'linux',
        osImage: facts.osImage,
        systemUUID: uuid(),
      },
    },
  };
}

export interface PodParams {
  namespace: string;
  name: string;
  node: string;
  hostIP: string;
  podIP: string;
  hostNetwork: boolean;
  containers: { name: string; image: string }[];
  labels: Record<string, string>;
  owner: { apiVersion: string; kind: string; name: string; uid?: string };
  priorityClassName?: string;
}

export function podObject(p: PodParams): KObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: p.name,
      namespace: p.namespace,
      labels: p.labels,
      ownerReferences: [{ ...p.owner, uid: p.owner.uid ?? '', controller: true, blockOwnerDeletion: true }],
    },
    spec: {
      nodeName: p.node,
      ...(p.hostNetwork ? { hostNetwork: true } : {}),
      containers: p.containers.map((c) => ({
        name: c.name,
        image: c.image,
        imagePullPolicy: 'IfNotPresent',
        resources: { requests: { cpu: '10m', memory: '50Mi' } },
      })),
      restartPolicy: 'Always',
      schedulerName: 'default-scheduler',
      serviceAccountName: 'default',
      terminationGracePeriodSeconds: 30,
      ...(p.priorityClassName ? { priorityClassName: p.priorityClassName } : {}),
    },
    status: runningPodStatus(p.containers, p.hostIP, p.podIP),
  };
}

export interface DaemonSetParams {
  namespace: string;
  name: string;
  app: string;
  containers: { name: string; image: string; args?: string[] }[];
  nodeCount: number;
  hostNetwork: boolean;
  nodeSelector?: Record<string, string>;
  /** The controller that renders it: CNO marks its objects as owned by Network.operator.openshift.io cluster. */
  owner?: KObject;
}

/** The ownerReference a controller sets on what it renders. */
export function ownerReferenceTo(owner: KObject): Record<string, unknown> {
  return {
    apiVersion: owner.apiVersion,
    kind: owner.kind,
    name: owner.metadata.name,
    uid: owner.metadata.uid ?? '',
    controller: true,
    blockOwnerDeletion: true,
  };
}

export function daemonSetObject(p: DaemonSetParams): KObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: {
      name: p.name,
      namespace: p.namespace,
      labels: { app: p.app },
      annotations: { 'deprecated.daemonset.template.generation': '1' },
      ...(p.owner ? { ownerReferences: [ownerReferenceTo(p.owner)] } : {}),
    },
    spec: {
      selector: { matchLabels: { app: p.app } },
      template: {
        metadata: { labels: { app: p.app, component: 'network', type: 'infra' } },
        spec: {
          hostNetwork: p.hostNetwork,
          nodeSelector: p.nodeSelector ?? { 'kubernetes.io/os': 'linux' },
          priorityClassName: 'system-node-critical',
          tolerations: [{ operator: 'Exists' }],
          containers: p.containers.map((c) => ({
            name: c.name,
            image: c.image,
            ...(c.args ? { args: c.args } : {}),
          })),
        },
      },
      updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 0, maxUnavailable: 1 } },
      revisionHistoryLimit: 10,
    },
    status: {
      currentNumberScheduled: p.nodeCount,
      desiredNumberScheduled: p.nodeCount,
      numberAvailable: p.nodeCount,
      numberMisscheduled: 0,
      numberReady: p.nodeCount,
      observedGeneration: 1,
      updatedNumberScheduled: p.nodeCount,
    },
  };
}

/** The default network section of Network.operator `cluster` for a plugin. */
export function defaultNetworkFor(type: NetworkType, s: Scenario): Record<string, unknown> {
  return type === 'OpenShiftSDN'
    ? {
        type,
        openshiftSDNConfig: { mode: s.network.sdnMode, mtu: s.network.mtu, vxlanPort: 4789 },
      }
    : { type, ovnKubernetesConfig: { mtu: s.network.mtu, genevePort: 6081 } };
}

export function clusterOperatorObject(
  name: string,
  version: string,
  health: { available: boolean; progressing: boolean; degraded: boolean; message?: string },
  extra: Condition[] = [],
): KObject {
  const now = isoNow();
  const c = (type: string, status: boolean, reason: string, message: string): Condition => ({
    type,
    status: status ? 'True' : 'False',
    reason,
    message,
    lastTransitionTime: now,
  });
  const message = health.message ?? '';
  const conditions = [
    c(
      'Degraded',
      health.degraded,
      health.degraded ? 'OperatorDegraded' : 'AsExpected',
      health.degraded ? message : '',
    ),
    c(
      'Progressing',
      health.progressing,
      health.progressing ? 'Progressing' : 'AsExpected',
      health.progressing ? message : '',
    ),
    c(
      'Available',
      health.available,
      health.available ? 'AsExpected' : 'Unavailable',
      health.available ? '' : message,
    ),
    c('Upgradeable', true, 'AsExpected', ''),
  ];
  for (const e of extra) {
    const i = conditions.findIndex((x) => x.type === e.type);
    if (i >= 0) conditions[i] = e;
    else conditions.push(e);
  }
  return {
    apiVersion: 'config.openshift.io/v1',
    kind: 'ClusterOperator',
    metadata: {
      name,
      annotations: {
        'include.release.openshift.io/self-managed-high-availability': 'true',
      },
    },
    spec: {},
    status: {
      conditions,
      extension: null,
      relatedObjects: [{ group: 'operator.openshift.io', resource: 'namespaces', name: `openshift-${name}` }],
      versions: [{ name: 'operator', version }],
    },
  };
}

export interface DaemonRef {
  namespace: string;
  name: string;
  app: string;
  containers: { name: string; image: string }[];
}

/** A daemonset's pod on one node (host network: it takes the node's address). */
export function daemonPodObject(
  ds: DaemonRef,
  podName: string,
  node: string,
  nodeIP: string,
  dsUid: string,
  revision: string,
  templateGeneration: string,
): KObject {
  return podObject({
    namespace: ds.namespace,
    name: podName,
    node,
    hostIP: nodeIP,
    podIP: nodeIP,
    hostNetwork: true,
    containers: ds.containers.map((c) => ({ name: c.name, image: c.image })),
    labels: {
      app: ds.app,
      'controller-revision-hash': revision,
      [POD_TEMPLATE_GENERATION]: templateGeneration,
    },
    owner: { apiVersion: 'apps/v1', kind: 'DaemonSet', name: ds.name, uid: dsUid },
    priorityClassName: 'system-node-critical',
  });
}
