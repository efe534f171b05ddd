// Reading the OpenShift objects the procedure looks at: what "done" means for a pool, a node, the
// multus rollout and a rendered MachineConfig, written once so steps, waits and checks agree.
import type { KObject } from '../cluster/types.ts';

export const MCO_ANNOTATION = 'machineconfiguration.openshift.io';
export const CURRENT_CONFIG = `${MCO_ANNOTATION}/currentConfig`;
export const DESIRED_CONFIG = `${MCO_ANNOTATION}/desiredConfig`;
export const MCO_STATE = `${MCO_ANNOTATION}/state`;
export const MCO_REASON = `${MCO_ANNOTATION}/reason`;

export type NetworkType = 'OpenShiftSDN' | 'OVNKubernetes';

export interface Condition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
}

export function conditionOf(obj: KObject | undefined, type: string): Condition | undefined {
  const conds = (obj?.status?.conditions ?? []) as Condition[];
  return conds.find((c) => c.type === type);
}

export function isTrue(obj: KObject | undefined, type: string): boolean {
  return conditionOf(obj, type)?.status === 'True';
}

/** `worker-2: Working (rendered-worker-1a… → rendered-worker-9f…)` style facts of one node's MCO state. */
export interface NodeConfigState {
  name: string;
  current?: string;
  desired?: string;
  state?: string;
  reason?: string;
}

export function nodeConfigState(node: KObject): NodeConfigState {
  const a = node.metadata.annotations ?? {};
  return {
    name: node.metadata.name,
    current: a[CURRENT_CONFIG],
    desired: a[DESIRED_CONFIG],
    state: a[MCO_STATE],
    reason: a[MCO_REASON],
  };
}

/** The document's A.9 test for one node: state Done and currentConfig = desiredConfig. */
export function nodeConfigDone(node: KObject): boolean {
  const s = nodeConfigState(node);
  return s.state === 'Done' && !!s.current && s.current === s.desired;
}

export function nodeReady(node: KObject): boolean {
  return isTrue(node, 'Ready');
}

/** Pools a node belongs to, from the `node-role.kubernetes.io/<pool>` labels matched by pool selectors. */
export function nodeMatchesPool(node: KObject, pool: KObject): boolean {
  const sel = (pool.spec?.nodeSelector?.matchLabels ?? {}) as Record<string, string>;
  const labels = node.metadata.labels ?? {};
  const keys = Object.keys(sel);
  return keys.length > 0 && keys.every((k) => labels[k] === sel[k]);
}

export interface PoolProgress {
  name: string;
  machines: number;
  updated: number;
  degraded: boolean;
  degradedReason?: string;
  updatedCondition: boolean;
  updating: boolean;
  paused: boolean;
  config?: string;
}

export function poolProgress(pool: KObject): PoolProgress {
  const st = pool.status ?? {};
  const degraded = conditionOf(pool, 'Degraded');
  const nodeDegraded = conditionOf(pool, 'NodeDegraded');
  const isDegraded = degraded?.status === 'True' || nodeDegraded?.status === 'True';
  return {
    name: pool.metadata.name,
    machines: Number(st.machineCount ?? 0),
    updated: Number(st.updatedMachineCount ?? 0),
    degraded: isDegraded,
    degradedReason: isDegraded
      ? [degraded?.message || degraded?.reason, nodeDegraded?.message || nodeDegraded?.reason]
          .filter(Boolean)
          .join('; ')
      : undefined,
    updatedCondition: isTrue(pool, 'Updated'),
    updating: isTrue(pool, 'Updating'),
    paused: pool.spec?.paused === true,
    config: pool.spec?.configuration?.name as string | undefined,
  };
}

/** A pool has finished rolling out: Updated=True, every machine updated, and the config it reports is its target. */
export function poolUpdated(pool: KObject): boolean {
  const p = poolProgress(pool);
  const statusConfig = pool.status?.configuration?.name as string | undefined;
  return (
    p.updatedCondition && p.updated === p.machines && !p.degraded && (!p.config || statusConfig === p.config)
  );
}

/** `kubectl rollout status` for a DaemonSet: the controller saw the latest spec and every pod is updated and available. */
export function daemonSetRolledOut(ds: KObject): boolean {
  const st = ds.status ?? {};
  const desired = Number(st.desiredNumberScheduled ?? 0);
  return (
    Number(st.observedGeneration ?? 0) >= Number(ds.metadata.generation ?? 0) &&
    Number(st.updatedNumberScheduled ?? 0) === desired &&
    Number(st.numberAvailable ?? 0) === desired
  );
}

export function daemonSetProgress(ds: KObject): string {
  const st = ds.status ?? {};
  return `${st.updatedNumberScheduled ?? 0} of ${st.desiredNumberScheduled ?? 0} updated, ${st.numberAvailable ?? 0} available`;
}

/** The ExecStart line of ovs-configuration.service in a MachineConfig, e.g. `/usr/local/bin/configure-ovs.sh OVNKubernetes`. */
export function configureOvsLine(mc: KObject): string | undefined {
  const units = (mc.spec?.config?.systemd?.units ?? []) as { name?: string; contents?: string }[];
  for (const u of units) {
    const m = /^ExecStart=(\/usr\/local\/bin\/configure-ovs\.sh\s+\S+)/m.exec(u.contents ?? '');
    if (m) return m[1];
  }
  return undefined;
}

/** Pod error states as `oc get pods` shows them: a failed pod, or a container waiting or terminated in error. */
export function podErrorReason(pod: KObject): string | undefined {
  const st = pod.status ?? {};
  if (st.phase === 'Failed') return st.reason || 'Failed';
  if (st.phase === 'Succeeded') return undefined;
  const statuses = [...(st.initContainerStatuses ?? []), ...(st.containerStatuses ?? [])] as {
    state?: { waiting?: { reason?: string }; terminated?: { reason?: string; exitCode?: number } };
  }[];
  for (const cs of statuses) {
    const waiting = cs.state?.waiting?.reason;
    if (waiting && waiting !== 'ContainerCreating' && waiting !== 'PodInitializing') return waiting;
    const term = cs.state?.terminated;
    if (term && term.exitCode !== 0 && st.phase !== 'Succeeded')
      return term.reason || `exit code ${term.exitCode}`;
  }
  return undefined;
}

export const CONFIGURE_OVS = (type: NetworkType) => `/usr/local/bin/configure-ovs.sh ${type}`;

/**
 * ClusterOperators that are not Available, or are Progressing or Degraded, as
 * `network: Available=True Progressing=False Degraded=True — <message>`.
 */
export function unhealthyOperators(cos: KObject[]): string[] {
  return cos
    .filter(
      (co) =>
        conditionOf(co, 'Available')?.status !== 'True' ||
        conditionOf(co, 'Degraded')?.status === 'True' ||
        conditionOf(co, 'Progressing')?.status === 'True',
    )
    .map((co) => {
      const state = ['Available', 'Progressing', 'Degraded']
        .map((t) => `${t}=${conditionOf(co, t)?.status ?? '?'}`)
        .join(' ');
      const msg =
        conditionOf(co, 'Degraded')?.message ||
        conditionOf(co, 'Progressing')?.message ||
        conditionOf(co, 'Available')?.message ||
        '';
      return `${co.metadata.name}: ${state}${msg ? ` — ${msg}` : ''}`;
    });
}
