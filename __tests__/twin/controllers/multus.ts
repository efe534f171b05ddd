// The multus daemonset rollout that follows a network plugin change: CNO renders a new template
// (generation bump) and the daemonset controller replaces one pod at a time, each replacement taking
// multusPodRestartSeconds. The `multus-stuck` fault halts it after a few pods, as a pod that never
// becomes ready would.
import type { TwinContext } from '../context.ts';
import type { NetworkType } from '../scenario.ts';
import { daemonPodObject, type DaemonRef } from './builders.ts';
import type { Kubelet } from './kubelet.ts';
import type { PodIndex } from './pod-index.ts';
import { MULTUS_DS, multusArgs, NS } from './seed.ts';
import type { Timers } from './timers.ts';
import { ACTOR, T } from './types.ts';
import { randomHex, randomSuffix } from './util.ts';

export class MultusRollout {
  private readonly ctx: TwinContext;
  private readonly timers: Timers;
  private readonly pods: PodIndex;
  private readonly kubelet: Kubelet;
  private running = false;
  /** The generation the current rollout replaces pods for, and whether it already reported being stuck. */
  private readonly stuckReported = new Set<number>();
  private revision = randomHex(10);

  constructor(ctx: TwinContext, timers: Timers, pods: PodIndex, kubelet: Kubelet) {
    this.ctx = ctx;
    this.timers = timers;
    this.pods = pods;
    this.kubelet = kubelet;
  }

  /** CNO re-renders multus for the new default network: the template changes, the rollout starts. */
  rerender(type: NetworkType): void {
    this.ctx.store.mutate(T.daemonSet, NS.multus, MULTUS_DS, ACTOR.cno, (ds) => {
      const spec = ds.spec as { template: { spec: { containers: { args?: string[] }[] } } };
      spec.template.spec.containers[0].args = multusArgs(type);
    });
    this.revision = randomHex(10);
    this.kick();
  }

  kick(): void {
    if (this.running) return;
    this.running = true;
    this.timers.after(0, () => this.step());
  }

  private step(): void {
    const ds = this.ctx.store.get(T.daemonSet, NS.multus, MULTUS_DS);
    if (!ds) {
      this.running = false;
      return;
    }
    const generation = ds.metadata.generation ?? 1;
    const gen = String(generation);
    const pods = this.pods.ofDaemonSet(NS.multus, MULTUS_DS);
    const outdated = pods
      .filter((p) => p.templateGeneration !== gen)
      .sort((a, b) => a.node.localeCompare(b.node));
    if (outdated.length === 0) {
      this.running = false;
      return;
    }
    const restart = this.ctx.scenario.timing.multusPodRestartSeconds;
    const stuck = this.ctx.faults.find('multus-stuck');
    const updated = pods.length - outdated.length;
    if (stuck && updated >= (stuck.afterPods ?? 1)) {
      if (!this.stuckReported.has(generation)) {
        this.stuckReported.add(generation);
        this.ctx.faults.fire('multus-stuck');
      }
      this.timers.after(restart, () => this.step()); // resumes if the fault is cleared
      return;
    }
    const victim = outdated.find((p) => this.kubelet.isUp(p.node));
    if (!victim) {
      this.timers.after(restart, () => this.step()); // a pod cannot start on a node that is down
      return;
    }
    const containers = (ds.spec as { template: { spec: { containers: { name: string; image: string }[] } } })
      .template.spec.containers;
    const ref: DaemonRef = { namespace: NS.multus, name: MULTUS_DS, app: MULTUS_DS, containers };
    const node = this.ctx.store.get(T.node, undefined, victim.node);
    const nodeIP =
      (node?.status as { addresses?: { type: string; address: string }[] } | undefined)?.addresses?.find(
        (a) => a.type === 'InternalIP',
      )?.address ?? '';
    this.ctx.store.delete(T.pod, NS.multus, victim.name, ACTOR.multus);
    this.timers.after(restart, () => {
      let name: string;
      do name = `${MULTUS_DS}-${randomSuffix()}`;
      while (this.pods.has(NS.multus, name));
      this.ctx.store.create(
        daemonPodObject(ref, name, victim.node, nodeIP, ds.metadata.uid ?? '', this.revision, gen),
        ACTOR.multus,
      );
      this.step();
    });
  }
}
