// Every API permission the run needs, asked up front through SelfSubjectAccessReview so that a
// kubeconfig without them is refused before the first change, with the full list of what is missing
// (not the first 403 in the middle of the procedure).
import type { Cluster } from '../cluster/client.ts';

export interface Permission {
  verb: string;
  group: string;
  resource: string;
  subresource?: string;
  /** What the run uses it for. */
  why: string;
}

/** `patch networks.operator.openshift.io`, `get pods/log`: how RBAC names it. */
export function describePermission(p: Permission): string {
  const res = `${p.resource}${p.subresource ? `/${p.subresource}` : ''}${p.group ? `.${p.group}` : ''}`;
  return `${p.verb} ${res}`;
}

const OPERATOR = 'operator.openshift.io';
const CONFIG = 'config.openshift.io';
const MCO = 'machineconfiguration.openshift.io';

/** What the migration (variants A and B, verification and cleanup) reads and writes. */
export const REQUIRED_PERMISSIONS: Permission[] = [
  { verb: 'get', group: OPERATOR, resource: 'networks', why: 'read the network operator config' },
  {
    verb: 'patch',
    group: OPERATOR,
    resource: 'networks',
    why: 'set the migration annotation / spec.migration and ovnKubernetesConfig',
  },
  { verb: 'get', group: CONFIG, resource: 'networks', why: 'back up the cluster network config' },
  { verb: 'patch', group: CONFIG, resource: 'networks', why: 'set spec.networkType' },
  { verb: 'list', group: CONFIG, resource: 'clusteroperators', why: 'check operator health' },
  { verb: 'watch', group: CONFIG, resource: 'clusteroperators', why: 'wait for operators to settle' },
  { verb: 'list', group: MCO, resource: 'machineconfigpools', why: 'read every pool' },
  { verb: 'watch', group: MCO, resource: 'machineconfigpools', why: 'wait for the MCO rollout' },
  { verb: 'patch', group: MCO, resource: 'machineconfigpools', why: 'pause and resume pools' },
  { verb: 'get', group: MCO, resource: 'machineconfigs', why: 'check the rendered configure-ovs.sh line' },
  { verb: 'list', group: '', resource: 'nodes', why: 'find the nodes to reboot' },
  { verb: 'watch', group: '', resource: 'nodes', why: 'follow reboots (boot IDs, Ready)' },
  { verb: 'list', group: '', resource: 'pods', why: 'find pods in an error state' },
  { verb: 'get', group: '', resource: 'pods', subresource: 'log', why: 'read machine-config-daemon logs' },
  { verb: 'list', group: 'apps', resource: 'daemonsets', why: 'wait for the multus rollout' },
  { verb: 'watch', group: 'apps', resource: 'daemonsets', why: 'wait for the multus rollout' },
  { verb: 'get', group: '', resource: 'namespaces', why: 'check that openshift-sdn is gone' },
  { verb: 'list', group: '', resource: 'namespaces', why: 'wait for openshift-sdn to be removed' },
  { verb: 'delete', group: '', resource: 'namespaces', why: 'delete openshift-sdn in cleanup' },
];

/** Asks the API server about each permission (in parallel); returns the ones not granted. */
export async function missingPermissions(
  cluster: Cluster,
  wanted: Permission[] = REQUIRED_PERMISSIONS,
): Promise<Permission[]> {
  const answers = await Promise.all(
    wanted.map((p) =>
      cluster.canI({
        verb: p.verb,
        group: p.group,
        resource: p.resource,
        ...(p.subresource ? { subresource: p.subresource } : {}),
      }),
    ),
  );
  return wanted.filter((_, i) => !answers[i]);
}
