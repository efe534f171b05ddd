// The node lifecycle controller's TaintNodesByCondition part: `spec.unschedulable` (kubectl cordon,
// uncordon) and the `node.kubernetes.io/unschedulable:NoSchedule` taint go together, whoever changed
// the one. MCO sets and clears both itself; this covers an operator cordoning a node by hand.
import type { TwinContext } from '../context.ts';
import type { KObject, StoreEvent } from '../store.ts';
import { UNSCHEDULABLE_TAINT } from './builders.ts';
import type { Timers } from './timers.ts';
import { T } from './types.ts';

const ACTOR = 'node-lifecycle-controller';

type Taint = { key: string; effect: string; timeAdded?: string };
type NodeSpecView = { unschedulable?: boolean; taints?: Taint[] };

export class NodeLifecycle {
  private readonly ctx: TwinContext;
  private readonly timers: Timers;
  private readonly unsubscribe: () => void;

  constructor(ctx: TwinContext, timers: Timers) {
    this.ctx = ctx;
    this.timers = timers;
    this.unsubscribe = ctx.store.subscribe((e) => this.onEvent(e));
  }

  stop(): void {
    this.unsubscribe();
  }

  private onEvent(e: StoreEvent): void {
    if (e.resource !== T.node || e.type === 'DELETED' || consistent(e.object)) return;
    const name = e.object.metadata.name;
    // After the writer's turn, as a controller reacting to a watch event does.
    this.timers.debounce(`taint/${name}`, 0, () => this.sync(name));
  }

  private sync(name: string): void {
    const node = this.ctx.store.get(T.node, undefined, name);
    if (!node || consistent(node)) return;
    this.ctx.store.mutate(T.node, undefined, name, ACTOR, (o) => {
      const spec = (o.spec ??= {}) as NodeSpecView;
      const others = (spec.taints ?? []).filter((t) => t.key !== UNSCHEDULABLE_TAINT);
      spec.taints = spec.unschedulable
        ? [...others, { key: UNSCHEDULABLE_TAINT, effect: 'NoSchedule', timeAdded: new Date().toISOString() }]
        : others;
      if (spec.taints.length === 0) delete spec.taints;
    });
  }
}

function consistent(node: KObject): boolean {
  const spec = (node.spec ?? {}) as NodeSpecView;
  const tainted = (spec.taints ?? []).some((t) => t.key === UNSCHEDULABLE_TAINT);
  return tainted === (spec.unschedulable === true);
}
