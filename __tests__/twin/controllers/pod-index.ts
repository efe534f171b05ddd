// A light mirror of every pod (node, owner, readiness), kept from store events. Controllers need
// "the pods on node X" and "the pods of daemonset Y" at 60,000-pod scale, where listing and cloning
// every pod per question would dominate the run.
import type { Store, KObject, StoreEvent } from '../store.ts';
import { POD_TEMPLATE_GENERATION } from './builders.ts';
import { podInError } from './pod-status.ts';
import { T } from './types.ts';
import { getCondition } from './util.ts';

export interface PodInfo {
  namespace: string;
  name: string;
  node: string;
  /** `namespace/name` of the owning DaemonSet, if any. */
  daemonSet?: string;
  templateGeneration?: string;
  hostNetwork: boolean;
  ready: boolean;
  error: boolean;
}

function infoOf(pod: KObject): PodInfo {
  const spec = (pod.spec ?? {}) as { nodeName?: string; hostNetwork?: boolean };
  const owner = (pod.metadata.ownerReferences as { kind?: string; name?: string }[] | undefined)?.find(
    (o) => o.kind === 'DaemonSet',
  );
  const status = pod.status as { conditions?: unknown } | undefined;
  return {
    namespace: pod.metadata.namespace ?? '',
    name: pod.metadata.name,
    node: spec.nodeName ?? '',
    daemonSet: owner?.name ? `${pod.metadata.namespace}/${owner.name}` : undefined,
    templateGeneration: pod.metadata.labels?.[POD_TEMPLATE_GENERATION],
    hostNetwork: spec.hostNetwork === true,
    ready: getCondition(status?.conditions, 'Ready')?.status === 'True',
    error: podInError(pod),
  };
}

function addTo(map: Map<string, Set<string>>, k: string, v: string): void {
  let s = map.get(k);
  if (!s) map.set(k, (s = new Set()));
  s.add(v);
}

export class PodIndex {
  private readonly byKey = new Map<string, PodInfo>();
  private readonly byNode = new Map<string, Set<string>>();
  private readonly byDaemonSet = new Map<string, Set<string>>();
  private readonly listeners: ((before: PodInfo | undefined, after: PodInfo | undefined) => void)[] = [];
  private readonly unsubscribe: () => void;

  constructor(store: Store) {
    for (const pod of store.list(T.pod)) this.put(infoOf(pod));
    this.unsubscribe = store.subscribe((e) => this.onEvent(e));
  }

  /** Called after every pod change with the pod before and after (undefined when added / removed). */
  onChange(listener: (before: PodInfo | undefined, after: PodInfo | undefined) => void): void {
    this.listeners.push(listener);
  }

  has(namespace: string, name: string): boolean {
    return this.byKey.has(`${namespace}/${name}`);
  }

  onNode(node: string): PodInfo[] {
    return [...(this.byNode.get(node) ?? [])].map((k) => this.byKey.get(k)!);
  }

  ofDaemonSet(namespace: string, name: string): PodInfo[] {
    return [...(this.byDaemonSet.get(`${namespace}/${name}`) ?? [])].map((k) => this.byKey.get(k)!);
  }

  all(): IterableIterator<PodInfo> {
    return this.byKey.values();
  }

  stop(): void {
    this.unsubscribe();
  }

  private onEvent(e: StoreEvent): void {
    if (e.resource !== T.pod) return;
    const key = `${e.object.metadata.namespace}/${e.object.metadata.name}`;
    const before = this.byKey.get(key);
    if (before) this.drop(key, before);
    const after = e.type === 'DELETED' ? undefined : infoOf(e.object);
    if (after) this.put(after);
    for (const l of this.listeners) l(before, after);
  }

  private put(info: PodInfo): void {
    const key = `${info.namespace}/${info.name}`;
    this.byKey.set(key, info);
    addTo(this.byNode, info.node, key);
    if (info.daemonSet) addTo(this.byDaemonSet, info.daemonSet, key);
  }

  private drop(key: string, info: PodInfo): void {
    this.byKey.delete(key);
    this.byNode.get(info.node)?.delete(key);
    if (info.daemonSet) this.byDaemonSet.get(info.daemonSet)?.delete(key);
  }
}
