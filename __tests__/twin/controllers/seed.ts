// The cluster as the installer leaves it: every object a migration reads, consistent with the
// scenario. Seeding 2,000 nodes and 60,000 pods must stay fast, so objects are built once and handed
// to the store (which clones them) without any read-back.
import type { TwinContext } from '../context.ts';
import type { NetworkType } from '../scenario.ts';
import {
  clusterOperatorObject,
  daemonPodObject,
  daemonSetObject,
  defaultNetworkFor,
  imageFor,
  MC_ANNOTATION,
  namespaceObject,
  nodeObject,
  podObject,
} from './builders.ts';
import { featureGateObject } from './feature-gates.ts';
import { baseConfig, baseConfigName, renderedConfig, ROLE_LABEL } from './machineconfigs.ts';
import { appendMcdLog, mcdLines } from './mcd-log.ts';
import { ACTOR, T } from './types.ts';
import {
  type Condition,
  isoNow,
  nodeSubnet,
  podAddress,
  randomHex,
  randomSuffix,
  uniqueName,
  uuid,
} from './util.ts';
import { releaseFacts } from './versions.ts';

export const NS = {
  multus: 'openshift-multus',
  mco: 'openshift-machine-config-operator',
  cno: 'openshift-network-operator',
  sdn: 'openshift-sdn',
  ovn: 'openshift-ovn-kubernetes',
  workloads: 'workloads',
} as const;

export const MULTUS_DS = 'multus';
export const MCD_DS = 'machine-config-daemon';

/** Namespace and daemonset of a network plugin's node agent. */
export function pluginDaemonSet(type: NetworkType): { namespace: string; name: string; app: string } {
  return type === 'OpenShiftSDN'
    ? { namespace: NS.sdn, name: 'sdn', app: 'sdn' }
    : { namespace: NS.ovn, name: 'ovnkube-node', app: 'ovnkube-node' };
}

/** The readiness file multus waits for: it names the default network's CNI config, so it changes with the plugin. */
export function multusArgs(type: NetworkType): string[] {
  const conf = type === 'OpenShiftSDN' ? '80-openshift-network.conf' : '10-ovn-kubernetes.conf';
  return [
    '--multus-conf-file=auto',
    '--multus-autoconfig-dir=/host/var/run/multus/cni/net.d',
    `--readiness-indicator-file=/var/run/multus/cni/net.d/${conf}`,
    '--cleanup-config-on-exit=true',
  ];
}

export const UPGRADEABLE_SDN_MESSAGE =
  'Cluster is configured with OpenShiftSDN, which is not supported in the next version. Please follow the documented steps to migrate from OpenShiftSDN to OVNKubernetes in order to be able to upgrade. https://docs.openshift.com/container-platform/4.16/networking/ovn_kubernetes_network_provider/migrate-from-openshift-sdn.html';

/** co/network's Upgradeable condition: 4.16 refuses to upgrade a cluster still on OpenShift SDN. */
export function networkUpgradeable(minor: number, type: NetworkType): Condition {
  const blocked = minor >= 16 && type === 'OpenShiftSDN';
  return {
    type: 'Upgradeable',
    status: blocked ? 'False' : 'True',
    reason: blocked ? 'OpenShiftSDNConfigured' : 'AsExpected',
    message: blocked ? UPGRADEABLE_SDN_MESSAGE : '',
    lastTransitionTime: isoNow(),
  };
}

export function seedCluster(ctx: TwinContext): void {
  const s = ctx.scenario;
  const facts = releaseFacts(s.version);
  const minor = facts.minor;
  const store = ctx.store;
  const create = (o: Parameters<typeof store.create>[0]) => store.create(o, ACTOR.seed);
  const type = s.network.type;
  const plugin = pluginDaemonSet(type);

  // Namespaces.
  const namespaces = [
    'default',
    'kube-system',
    'kube-public',
    'openshift',
    'openshift-config',
    'openshift-etcd',
    'openshift-cluster-version',
    'openshift-dns',
    'openshift-ingress',
    NS.cno,
    NS.multus,
    NS.mco,
    plugin.namespace,
    NS.workloads,
  ];
  for (const ns of namespaces) {
    const runLevel: Record<string, string> =
      ns === NS.multus || ns === NS.sdn || ns === NS.ovn || ns === NS.cno
        ? { 'openshift.io/run-level': '0' }
        : {};
    create(namespaceObject(ns, minor, runLevel));
  }

  // Cluster-scoped configuration.
  const masters = s.nodes.filter((n) => n.pool === 'master');
  const workers = s.nodes.length - masters.length;
  const infraName = `${s.name.replace(/[^a-z0-9-]/g, '').slice(0, 20) || 'ocp'}-${randomSuffix(5)}`;
  create({
    apiVersion: 'config.openshift.io/v1',
    kind: 'Infrastructure',
    metadata: { name: 'cluster' },
    spec: { cloudConfig: { name: '' }, platformSpec: { type: s.platform } },
    status: {
      apiServerURL: 'https://api.twin.example.com:6443',
      apiServerInternalURI: 'https://api-int.twin.example.com:6443',
      etcdDiscoveryDomain: '',
      infrastructureName: infraName,
      platform: s.platform,
      platformStatus: { type: s.platform },
      // A hosted control plane (HyperShift) shows as External topology (see README: live migration).
      controlPlaneTopology: s.hostedControlPlane
        ? 'External'
        : masters.length >= 3
          ? 'HighlyAvailable'
          : 'SingleReplica',
      infrastructureTopology: workers >= 2 ? 'HighlyAvailable' : 'SingleReplica',
    },
  });
  create(featureGateObject(s.version));
  const releaseImage = `quay.io/openshift-release-dev/ocp-release@sha256:${randomHex(64)}`;
  create({
    apiVersion: 'config.openshift.io/v1',
    kind: 'ClusterVersion',
    metadata: { name: 'version' },
    spec: { channel: `stable-4.${minor}`, clusterID: uuid() },
    status: {
      availableUpdates: null,
      conditions: [
        {
          type: 'Available',
          status: 'True',
          message: `Done applying ${s.version}`,
          lastTransitionTime: isoNow(),
        },
        { type: 'Failing', status: 'False', lastTransitionTime: isoNow() },
        {
          type: 'Progressing',
          status: 'False',
          message: `Cluster version is ${s.version}`,
          lastTransitionTime: isoNow(),
        },
        { type: 'RetrievedUpdates', status: 'False', reason: 'NoChannel', lastTransitionTime: isoNow() },
      ],
      desired: { version: s.version, image: releaseImage, channels: [`stable-4.${minor}`] },
      history: [
        {
          state: 'Completed',
          version: s.version,
          image: releaseImage,
          verified: false,
          startedTime: isoNow(),
          completionTime: isoNow(),
        },
      ],
      observedGeneration: 1,
      versionHash: randomHex(12),
    },
  });
  const clusterNetwork = s.network.clusterNetwork.map((c) => ({ ...c }));
  create({
    apiVersion: 'config.openshift.io/v1',
    kind: 'Network',
    metadata: { name: 'cluster' },
    spec: {
      clusterNetwork,
      externalIP: { policy: {} },
      networkType: type,
      serviceNetwork: [...s.network.serviceNetwork],
    },
    status: {
      clusterNetwork,
      clusterNetworkMTU: s.network.mtu,
      networkType: type,
      serviceNetwork: [...s.network.serviceNetwork],
    },
  });
  const now = isoNow();
  const operatorConditions: Condition[] = [
    { type: 'Degraded', status: 'False', lastTransitionTime: now },
    { type: 'Upgradeable', status: 'True', lastTransitionTime: now },
    { type: 'Progressing', status: 'False', lastTransitionTime: now },
    { type: 'Available', status: 'True', lastTransitionTime: now },
  ];
  create({
    apiVersion: 'operator.openshift.io/v1',
    kind: 'Network',
    metadata: { name: 'cluster' },
    spec: {
      clusterNetwork,
      defaultNetwork: defaultNetworkFor(type, s),
      disableNetworkDiagnostics: false,
      logLevel: 'Normal',
      managementState: 'Managed',
      operatorLogLevel: 'Normal',
      serviceNetwork: [...s.network.serviceNetwork],
    },
    status: { conditions: operatorConditions, readyReplicas: 0, version: s.version },
  });
  for (const co of s.clusterOperators) {
    const extra = co.name === 'network' ? [networkUpgradeable(minor, type)] : [];
    create(clusterOperatorObject(co.name, s.version, co, extra));
  }

  // Pools, their base and rendered configs.
  const renderedByPool = new Map<string, string>();
  for (const p of s.pools) {
    const poolNodes = s.nodes.filter((n) => n.pool === p.name);
    const rendered = renderedConfig(s.version, p.name, type);
    renderedByPool.set(p.name, rendered.name);
    const source = [
      {
        apiVersion: 'machineconfiguration.openshift.io/v1',
        kind: 'MachineConfig',
        name: baseConfigName(p.name),
      },
    ];
    const degradedNode = p.degraded ? poolNodes[0] : undefined;
    const count = poolNodes.length;
    const degradedCount = degradedNode ? 1 : 0;
    const updated = count - degradedCount;
    const c = (type: string, status: boolean, reason = '', message = ''): Condition => ({
      type,
      status: status ? 'True' : 'False',
      reason,
      message,
      lastTransitionTime: now,
    });
    const allUpdated = updated === count;
    const pool = create({
      apiVersion: 'machineconfiguration.openshift.io/v1',
      kind: 'MachineConfigPool',
      metadata: {
        name: p.name,
        labels: {
          ...(p.name === 'master' || p.name === 'worker'
            ? { 'machineconfiguration.openshift.io/mco-built-in': '' }
            : {}),
          [`pools.operator.machineconfiguration.openshift.io/${p.name}`]: '',
        },
      },
      spec: {
        configuration: { name: rendered.name, source },
        machineConfigSelector: { matchLabels: { [ROLE_LABEL]: p.name } },
        nodeSelector: { matchLabels: { [`node-role.kubernetes.io/${p.name}`]: '' } },
        paused: p.paused,
        maxUnavailable: p.maxUnavailable,
      },
      status: {
        certExpirys: [],
        conditions: [
          c(
            'RenderDegraded',
            !!p.degraded && !degradedNode,
            p.degraded && !degradedNode ? 'RenderFailure' : '',
            p.degraded && !degradedNode ? p.degraded : '',
          ),
          c(
            'NodeDegraded',
            !!degradedNode,
            degradedNode ? '1 nodes are reporting degraded status on sync' : '',
            degradedNode ? `Node ${degradedNode.name} is reporting: "${p.degraded}"` : '',
          ),
          c(
            'Degraded',
            !!p.degraded,
            p.degraded
              ? degradedNode
                ? '1 nodes are reporting degraded status on sync'
                : 'RenderFailure'
              : '',
            p.degraded ?? '',
          ),
          c('Updated', allUpdated, '', allUpdated ? `All nodes are updated with ${rendered.name}` : ''),
          c('Updating', !allUpdated, '', allUpdated ? '' : `All nodes are updating to ${rendered.name}`),
        ],
        configuration: { name: rendered.name, source },
        degradedMachineCount: degradedCount,
        machineCount: count,
        observedGeneration: 1,
        readyMachineCount: poolNodes.filter((n) => n.ready && n !== degradedNode).length,
        unavailableMachineCount: poolNodes.filter((n) => !n.ready || n === degradedNode).length,
        updatedMachineCount: updated,
      },
    });
    create(baseConfig(s.version, p.name));
    create(renderedConfig(s.version, p.name, type, pool.metadata.uid).object);
  }

  // Nodes.
  const nodeIndex = new Map<string, number>();
  s.nodes.forEach((n, i) => {
    nodeIndex.set(n.name, i);
    const node = nodeObject(n, facts, renderedByPool.get(n.pool) ?? '');
    const pool = s.pools.find((p) => p.name === n.pool);
    if (pool?.degraded && s.nodes.find((x) => x.pool === n.pool) === n) {
      node.metadata.annotations![MC_ANNOTATION.state] = 'Degraded';
      node.metadata.annotations![MC_ANNOTATION.reason] = pool.degraded;
    }
    create(node);
  });

  // Daemonsets and their pods, one per node.
  const nodeCount = s.nodes.length;
  const daemonSets = [
    {
      namespace: NS.multus,
      name: MULTUS_DS,
      app: MULTUS_DS,
      containers: [{ name: 'kube-multus', image: imageFor('multus'), args: multusArgs(type) }],
    },
    {
      namespace: plugin.namespace,
      name: plugin.name,
      app: plugin.app,
      containers: pluginContainers(type),
    },
    {
      namespace: NS.mco,
      name: MCD_DS,
      app: MCD_DS,
      containers: [
        { name: 'machine-config-daemon', image: imageFor('machine-config-operator') },
        { name: facts.mcdSidecar, image: imageFor(facts.mcdSidecar) },
      ],
    },
  ];
  const taken = new Set<string>();
  for (const ds of daemonSets) {
    // CNO renders multus and the plugin: they carry its ownerReference (the MCD is the MCO's).
    const owner = ds.namespace === NS.mco ? undefined : store.get(T.networkOperator, undefined, 'cluster');
    const created = create(daemonSetObject({ ...ds, nodeCount, hostNetwork: true, owner }));
    const revision = randomHex(10);
    for (const n of s.nodes) {
      const name = uniqueName(`${ds.name}-`, taken);
      create(daemonPodObject(ds, name, n.name, n.addresses[0], created.metadata.uid ?? '', revision, '1'));
      if (ds.name === MCD_DS) {
        const config = renderedByPool.get(n.pool) ?? '';
        appendMcdLog(ctx, name, [...mcdLines.startup(s.version, config), ...mcdLines.completed(config)]);
      }
    }
  }

  // Control-plane deployments' pods (on the first master; they use the pod network).
  const home = masters[0] ?? s.nodes[0];
  const homeIndex = nodeIndex.get(home.name) ?? 0;
  const cn = s.network.clusterNetwork[0];
  const deployments = [
    { namespace: NS.mco, name: 'machine-config-controller', hostNetwork: false },
    { namespace: NS.mco, name: 'machine-config-operator', hostNetwork: false },
    { namespace: NS.cno, name: 'network-operator', hostNetwork: true },
  ];
  deployments.forEach((d, i) => {
    const rs = `${d.name}-${randomHex(10)}`;
    create(
      podObject({
        namespace: d.namespace,
        name: uniqueName(`${rs}-`, taken),
        node: home.name,
        hostIP: home.addresses[0],
        podIP: d.hostNetwork ? home.addresses[0] : podAddress(cn.cidr, cn.hostPrefix, homeIndex, 200 + i),
        hostNetwork: d.hostNetwork,
        containers: [{ name: d.name, image: imageFor(d.name) }],
        labels: { 'k8s-app': d.name, 'pod-template-hash': rs.slice(d.name.length + 1) },
        owner: { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: rs },
        priorityClassName: 'system-cluster-critical',
      }),
    );
  });

  // Workload pods: a few deployments spread over every node.
  const apps = Array.from({ length: 5 }, (_, k) => ({ app: `app-${k}`, rs: `app-${k}-${randomHex(10)}` }));
  s.nodes.forEach((n, i) => {
    for (let j = 0; j < s.podsPerNode; j++) {
      const a = apps[j % apps.length];
      create(
        podObject({
          namespace: NS.workloads,
          name: uniqueName(`${a.rs}-`, taken),
          node: n.name,
          hostIP: n.addresses[0],
          podIP: podAddress(cn.cidr, cn.hostPrefix, i, j + 2),
          hostNetwork: false,
          containers: [{ name: a.app, image: 'registry.access.redhat.com/ubi9/httpd-24:latest' }],
          labels: { app: a.app, 'pod-template-hash': a.rs.slice(a.app.length + 1) },
          owner: { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: a.rs },
        }),
      );
    }
  });

  // OpenShift SDN's own objects: a HostSubnet per node and a NetNamespace per namespace.
  if (type === 'OpenShiftSDN') {
    s.nodes.forEach((n, i) =>
      create({
        apiVersion: 'network.openshift.io/v1',
        kind: 'HostSubnet',
        metadata: { name: n.name },
        host: n.name,
        hostIP: n.addresses[0],
        subnet: nodeSubnet(cn.cidr, cn.hostPrefix, i),
      }),
    );
    namespaces.forEach((ns, i) =>
      create({
        apiVersion: 'network.openshift.io/v1',
        kind: 'NetNamespace',
        metadata: { name: ns },
        netname: ns,
        netid: ns === 'default' ? 0 : 1000 + i,
      }),
    );
  }
}

export function pluginContainers(type: NetworkType): { name: string; image: string }[] {
  return type === 'OpenShiftSDN'
    ? [
        { name: 'sdn', image: imageFor('sdn') },
        { name: 'kube-rbac-proxy', image: imageFor('kube-rbac-proxy') },
      ]
    : [
        { name: 'ovn-controller', image: imageFor('ovn-kubernetes') },
        { name: 'kube-rbac-proxy', image: imageFor('kube-rbac-proxy') },
        { name: 'ovnkube-node', image: imageFor('ovn-kubernetes') },
      ];
}
