// The daemonset controller's status bookkeeping: counts derived from the pods that exist, their
// readiness and their template generation. `kubectl rollout status` reads exactly these fields.
import type { TwinContext } from '../context.ts';
import type { StoreEvent } from '../store.ts';
import type { PodIndex } from './pod-index.ts';
import { MULTUS_DS, MCD_DS, NS } from './seed.ts';
import type { Timers } from './timers.ts';
import { ACTOR, T } from './types.ts';

/** Who the timeline names for a daemonset's status: the operator that owns it. */
function actorFor(namespace: string, name: string): string {
  if (namespace === NS.multus && name === MULTUS_DS) return ACTOR.multus;
  if (namespace === NS.mco && name === MCD_DS) return ACTOR.mco;
  return ACTOR.cno;
}

export class DaemonSetStatus {
  private readonly ctx: TwinContext;
  private readonly timers: Timers;
  private readonly pods: PodIndex;
  private readonly unsubscribe: () => void;

  constructor(ctx: TwinContext, timers: Timers, pods: PodIndex) {
    this.ctx = ctx;
    this.timers = timers;
    this.pods = pods;
    pods.onChange((before, after) => {
      for (const ds of new Set([before?.daemonSet, after?.daemonSet])) if (ds) this.schedule(ds);
    });
    this.unsubscribe = ctx.store.subscribe((e) => this.onEvent(e));
  }

  stop(): void {
    this.unsubscribe();
  }

  private onEvent(e: StoreEvent): void {
    if (e.resource === T.daemonSet && e.type !== 'DELETED') {
      const o = e.object;
      // A new template generation must be observed; our own status writes change nothing here.
      if (
        o.metadata.generation !==
        (o.status as { observedGeneration?: number } | undefined)?.observedGeneration
      )
        this.schedule(`${o.metadata.namespace}/${o.metadata.name}`);
    } else if (e.resource === T.node && e.type !== 'MODIFIED') {
      for (const ds of this.ctx.store.list(T.daemonSet))
        this.schedule(`${ds.metadata.namespace}/${ds.metadata.name}`);
    }
  }

  schedule(key: string): void {
    this.timers.debounce(`ds-status ${key}`, 0, () => this.write(key));
  }

  private write(key: string): void {
    const [namespace, name] = key.split('/');
    const ds = this.ctx.store.peekOne(T.daemonSet, namespace, name); // read only
    if (!ds) return;
    const generation = String(ds.metadata.generation ?? 1);
    const pods = this.pods.ofDaemonSet(namespace, name);
    const desired = this.ctx.store.count(T.node);
    let ready = 0;
    let updated = 0;
    for (const p of pods) {
      if (p.ready) ready++;
      if (p.templateGeneration === generation) updated++;
    }
    const available = ready;
    this.ctx.store.mutate(T.daemonSet, namespace, name, actorFor(namespace, name), (o) => {
      const status: Record<string, unknown> = {
        currentNumberScheduled: pods.length,
        desiredNumberScheduled: desired,
        numberAvailable: available,
        numberMisscheduled: 0,
        numberReady: ready,
        observedGeneration: o.metadata.generation,
        updatedNumberScheduled: updated,
      };
      if (desired > available) status.numberUnavailable = desired - available;
      o.status = status;
    });
  }
}
