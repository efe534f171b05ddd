// Pod status transitions the kubelet (and the node lifecycle controller) make: running and ready,
// not ready while the node is away, and CrashLoopBackOff for pods whose network plugin went away.
import type { KObject } from '../store.ts';
import { isoNow, randomHex, setCondition, type Condition } from './util.ts';

interface ContainerStatus {
  name: string;
  ready: boolean;
  started: boolean;
  restartCount: number;
  image: string;
  imageID: string;
  containerID: string;
  state: Record<string, unknown>;
  lastState: Record<string, unknown>;
}

interface PodStatus {
  phase: string;
  conditions: Condition[];
  containerStatuses: ContainerStatus[];
  [key: string]: unknown;
}

function statusOf(pod: KObject): PodStatus {
  return pod.status as PodStatus;
}

/** A freshly started pod's status: every container running and ready. */
export function runningPodStatus(
  containers: { name: string; image: string }[],
  hostIP: string,
  podIP: string,
): PodStatus {
  const now = isoNow();
  return {
    phase: 'Running',
    conditions: [
      { type: 'Initialized', status: 'True', lastTransitionTime: now },
      { type: 'Ready', status: 'True', lastTransitionTime: now },
      { type: 'ContainersReady', status: 'True', lastTransitionTime: now },
      { type: 'PodScheduled', status: 'True', lastTransitionTime: now },
    ],
    hostIP,
    podIP,
    podIPs: [{ ip: podIP }],
    startTime: now,
    qosClass: 'Burstable',
    containerStatuses: containers.map((c) => ({
      name: c.name,
      ready: true,
      started: true,
      restartCount: 0,
      image: c.image,
      imageID: c.image,
      containerID: `cri-o://${randomHex(64)}`,
      state: { running: { startedAt: now } },
      lastState: {},
    })),
  };
}

/** The node stopped posting status: the node lifecycle controller marks its pods not ready. */
export function markPodNotReady(pod: KObject): void {
  const s = statusOf(pod);
  setCondition(s.conditions, 'Ready', 'False', '', '');
  setCondition(s.conditions, 'ContainersReady', 'False', '', '');
  for (const c of s.containerStatuses) c.ready = false;
}

/** The kubelet (re)started the pod's containers after a boot, or the pod recovered. */
export function markPodRunning(pod: KObject, restarted: boolean): void {
  const s = statusOf(pod);
  const now = isoNow();
  s.phase = 'Running';
  setCondition(s.conditions, 'Ready', 'True', '', '');
  setCondition(s.conditions, 'ContainersReady', 'True', '', '');
  for (const c of s.containerStatuses) {
    if (restarted || !('running' in c.state)) {
      c.lastState = {
        terminated: {
          exitCode: 255,
          reason: 'Error',
          startedAt: startedAtOf(c),
          finishedAt: now,
          containerID: c.containerID,
        },
      };
      c.restartCount += 1;
      c.containerID = `cri-o://${randomHex(64)}`;
      c.state = { running: { startedAt: now } };
    }
    c.ready = true;
    c.started = true;
  }
}

/** The pod's sandbox network is gone (plugin changed, node not rebooted): containers crash-loop. */
export function markPodCrashLooping(pod: KObject): void {
  const s = statusOf(pod);
  const now = isoNow();
  const names = s.containerStatuses.map((c) => c.name);
  s.phase = 'Running';
  const message = `containers with unready status: [${names.join(' ')}]`;
  setCondition(s.conditions, 'Ready', 'False', 'ContainersNotReady', message);
  setCondition(s.conditions, 'ContainersReady', 'False', 'ContainersNotReady', message);
  for (const c of s.containerStatuses) {
    if (!('waiting' in c.state)) {
      c.lastState = {
        terminated: { exitCode: 1, reason: 'Error', startedAt: startedAtOf(c), finishedAt: now },
      };
      c.restartCount += 1;
    }
    c.state = {
      waiting: {
        reason: 'CrashLoopBackOff',
        message: `back-off 5m0s restarting failed container=${c.name} pod=${pod.metadata.name}_${pod.metadata.namespace}(${pod.metadata.uid})`,
      },
    };
    c.ready = false;
    c.started = false;
  }
}

function startedAtOf(c: ContainerStatus): string {
  const running = c.state.running as { startedAt?: string } | undefined;
  return running?.startedAt ?? isoNow();
}

/** True when a pod is in an error state (a container waiting with a reason other than creating). */
export function podInError(pod: KObject): boolean {
  const s = pod.status as Partial<PodStatus> | undefined;
  return (s?.containerStatuses ?? []).some((c) => {
    const waiting = c.state?.waiting as { reason?: string } | undefined;
    return !!waiting && waiting.reason !== 'ContainerCreating' && waiting.reason !== 'PodInitializing';
  });
}
