// The namespace controller: a namespace being deleted (deletionTimestamp set, phase Terminating)
// has everything in it removed, then disappears, namespaceTerminatingSeconds later.
import type { TwinContext } from '../context.ts';
import { RESOURCE_TYPES } from '../resources.ts';
import type { KObject, StoreEvent } from '../store.ts';
import type { Timers } from './timers.ts';
import { ACTOR, T } from './types.ts';

export class NamespaceController {
  private readonly ctx: TwinContext;
  private readonly timers: Timers;
  private readonly terminating = new Set<string>();
  private readonly unsubscribe: () => void;

  constructor(ctx: TwinContext, timers: Timers) {
    this.ctx = ctx;
    this.timers = timers;
    for (const ns of ctx.store.list(T.namespace)) this.consider(ns);
    this.unsubscribe = ctx.store.subscribe((e) => this.onEvent(e));
  }

  stop(): void {
    this.unsubscribe();
  }

  private onEvent(e: StoreEvent): void {
    if (e.resource !== T.namespace) return;
    if (e.type === 'DELETED') this.terminating.delete(e.object.metadata.name);
    else this.consider(e.object);
  }

  private consider(ns: KObject): void {
    const name = ns.metadata.name;
    if (!ns.metadata.deletionTimestamp || this.terminating.has(name)) return;
    this.terminating.add(name);
    this.timers.after(this.ctx.scenario.timing.namespaceTerminatingSeconds, () => this.finalize(name));
  }

  private finalize(name: string): void {
    const store = this.ctx.store;
    for (const t of RESOURCE_TYPES) {
      if (!t.namespaced) continue;
      for (const o of store.list(t, name)) store.remove(t, name, o.metadata.name, ACTOR.namespaces);
    }
    if (store.get(T.namespace, undefined, name)) store.remove(T.namespace, undefined, name, ACTOR.namespaces);
  }
}
