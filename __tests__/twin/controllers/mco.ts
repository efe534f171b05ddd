// The machine-config operator, controller and daemons, for what a migration touches. The rendered
// config of every pool follows the network type MCO is told to prepare hosts for
// (Network.config status.migration.networkType, else status.networkType). When it changes, each pool
// gets a new rendered config; an unpaused pool rolls it out at most maxUnavailable nodes at a time:
// desiredConfig, Working + cordon, write, reboot, Done + uncordon.
import type { TwinContext } from '../context.ts';
import type { NetworkType } from '../scenario.ts';
import type { KObject, StoreEvent } from '../store.ts';
import { MC_ANNOTATION, UNSCHEDULABLE_TAINT } from './builders.ts';
import type { Kubelet } from './kubelet.ts';
import { type MtuMigration, renderedConfig } from './machineconfigs.ts';
import { appendMcdLog, mcdLines } from './mcd-log.ts';
import type { PodIndex } from './pod-index.ts';
import { minorVersion } from '../scenario.ts';
import { MCD_DS, NS } from './seed.ts';
import type { Timers } from './timers.ts';
import { ACTOR, T } from './types.ts';
import { type Condition, getCondition, setCondition } from './util.ts';

interface PoolObject extends KObject {
  spec: {
    configuration?: { name?: string; source?: unknown[] };
    nodeSelector?: { matchLabels?: Record<string, string> };
    paused?: boolean;
    maxUnavailable?: number | string;
  };
  status?: Record<string, unknown> & { conditions?: Condition[] };
}

/** What MCO needs of a node, mirrored from store events. */
interface NodeView {
  name: string;
  labels: Record<string, string>;
  current: string;
  desired: string;
  state: string;
  reason: string;
  ready: boolean;
  unschedulable: boolean;
}

function viewOf(node: KObject): NodeView {
  const a = node.metadata.annotations ?? {};
  const status = node.status as { conditions?: unknown } | undefined;
  return {
    name: node.metadata.name,
    labels: node.metadata.labels ?? {},
    current: a[MC_ANNOTATION.current] ?? '',
    desired: a[MC_ANNOTATION.desired] ?? '',
    state: a[MC_ANNOTATION.state] ?? '',
    reason: a[MC_ANNOTATION.reason] ?? '',
    ready: getCondition(status?.conditions, 'Ready')?.status === 'True',
    unschedulable: (node.spec as { unschedulable?: boolean } | undefined)?.unschedulable === true,
  };
}

function matches(labels: Record<string, string>, selector: Record<string, string> | undefined): boolean {
  if (!selector) return false;
  // A loop, not Object.entries().every(): this runs for every node and pool on every reconcile.
  for (const k in selector) if (labels[k] !== selector[k]) return false;
  return true;
}

/** A pool's maxUnavailable (an int or a percentage of its machines), at least 1. */
function maxUnavailableOf(pool: PoolObject, machines: number): number {
  const v = pool.spec.maxUnavailable ?? 1;
  if (typeof v === 'number') return Math.max(1, v);
  const pct = /^(\d+)%$/.exec(v);
  return Math.max(1, pct ? Math.floor((Number(pct[1]) * machines) / 100) : Number(v) || 1);
}

interface InFlight {
  pool: string;
  target: string;
  /** Boot sequence before the daemon's reboot; undefined while it is still writing files. */
  rebootAfter?: number;
}

export class Mco {
  private readonly ctx: TwinContext;
  private readonly timers: Timers;
  private readonly pods: PodIndex;
  private readonly kubelet: Kubelet;
  private readonly nodes = new Map<string, NodeView>();
  private readonly inFlight = new Map<string, InFlight>();
  /** Per pool, the spec generation the node controller has picked up (its status lags the spec). */
  private readonly observed = new Map<string, number>();
  private readonly unsubscribe: () => void;
  private readonly minor: number;

  constructor(ctx: TwinContext, timers: Timers, pods: PodIndex, kubelet: Kubelet) {
    this.ctx = ctx;
    this.timers = timers;
    this.pods = pods;
    this.kubelet = kubelet;
    this.minor = minorVersion(ctx.scenario.version)[1];
    for (const n of ctx.store.list(T.node)) this.nodes.set(n.metadata.name, viewOf(n));
    this.unsubscribe = ctx.store.subscribe((e) => this.onEvent(e));
    kubelet.onNodeStateChange((node, up) => this.onNodeState(node, up));
    this.schedule();
  }

  stop(): void {
    this.unsubscribe();
  }

  private onEvent(e: StoreEvent): void {
    if (e.resource === T.node) {
      if (e.type === 'DELETED') this.nodes.delete(e.object.metadata.name);
      else this.nodes.set(e.object.metadata.name, viewOf(e.object));
      this.schedule();
    } else if (
      e.resource === T.pool ||
      (e.resource === T.networkConfig && e.object.metadata.name === 'cluster')
    ) {
      this.schedule();
    }
  }

  private schedule(): void {
    this.timers.debounce('mco', 0, () => this.reconcile());
  }

  /** The network type MCO prepares hosts for. */
  private renderedType(): NetworkType | undefined {
    const config = this.ctx.store.peekOne(T.networkConfig, undefined, 'cluster'); // read only
    const status = config?.status as
      { networkType?: NetworkType; migration?: { networkType?: NetworkType } } | undefined;
    return status?.migration?.networkType ?? status?.networkType;
  }

  /**
   * Live migration (4.15–4.16): while Network.config `status.migration.mtu` is set, the rendered
   * configs carry `mtu-migration.service` (the live migration's first rollout).
   */
  private mtuMigration(): MtuMigration | undefined {
    const config = this.ctx.store.peekOne(T.networkConfig, undefined, 'cluster'); // read only
    return (
      (config?.status as { migration?: { mtu?: MtuMigration } } | undefined)?.migration?.mtu ?? undefined
    );
  }

  private reconcile(): void {
    const type = this.renderedType();
    if (!type) return;
    const pools = this.ctx.store.list(T.pool) as PoolObject[];
    const claimed = new Set<string>();
    // Custom pools take their nodes first, as MCO gives a node to a custom pool over `worker`.
    const ordered = [...pools].sort(
      (a, b) => Number(a.metadata.name === 'worker') - Number(b.metadata.name === 'worker'),
    );
    for (const pool of ordered) {
      const members = [...this.nodes.values()].filter(
        (n) => !claimed.has(n.name) && matches(n.labels, pool.spec.nodeSelector?.matchLabels),
      );
      for (const m of members) claimed.add(m.name);
      const target = this.ensureRendered(pool, type);
      // Until the node controller picks up the pool's new spec, it reports the old status as it was.
      if (!this.pickedUp(pool)) continue;
      this.rollOut(pool, target, members);
      this.writeStatus(pool.metadata.name, target, members);
    }
  }

  /** MCO's reaction time (realism.mcoReactionSeconds). */
  private get reaction(): number {
    return this.ctx.scenario.realism.mcoReactionSeconds;
  }

  /**
   * Creates the pool's rendered config for `type` if needed; the render controller points the pool at
   * it `reaction` seconds later. Returns the config the pool is pointed at now.
   */
  private ensureRendered(pool: PoolObject, type: NetworkType): string {
    const rendered = renderedConfig(
      this.ctx.scenario.version,
      pool.metadata.name,
      type,
      pool.metadata.uid,
      this.mtuMigration(),
    );
    if (!this.ctx.store.get(T.machineConfig, undefined, rendered.name))
      this.ctx.store.create(rendered.object, ACTOR.mco);
    const current = pool.spec.configuration?.name;
    if (current === rendered.name) return rendered.name;
    const name = pool.metadata.name;
    const point = () => {
      const wanted = this.renderedType();
      if (!wanted) return;
      const p = this.ctx.store.get(T.pool, undefined, name) as PoolObject | undefined;
      if (!p) return;
      const r = renderedConfig(this.ctx.scenario.version, name, wanted, p.metadata.uid, this.mtuMigration());
      if (p.spec.configuration?.name === r.name) return;
      this.ctx.store.mutate(T.pool, undefined, name, ACTOR.mco, (o) => {
        const spec = (o as PoolObject).spec;
        spec.configuration = { ...(spec.configuration ?? {}), name: r.name };
      });
    };
    if (this.reaction > 0 && current) {
      this.timers.debounce(`mco-render ${name}`, this.reaction, point);
      return current;
    }
    point();
    return rendered.name;
  }

  /** Whether the node controller has seen the pool's current spec; if not, it will `reaction` s from now. */
  private pickedUp(pool: PoolObject): boolean {
    const name = pool.metadata.name;
    const generation = pool.metadata.generation ?? 1;
    const seen = this.observed.get(name);
    if (seen === undefined || seen === generation || this.reaction <= 0) {
      this.observed.set(name, generation);
      return true;
    }
    this.timers.debounce(`mco-pickup ${name}`, this.reaction, () => {
      const now = this.ctx.store.get(T.pool, undefined, name);
      if (now) this.observed.set(name, now.metadata.generation ?? 1);
      this.schedule();
    });
    return false;
  }

  private unavailable(n: NodeView): boolean {
    return (
      !n.ready ||
      n.unschedulable ||
      n.state !== 'Done' ||
      n.current !== n.desired ||
      !this.kubelet.isUp(n.name) ||
      this.inFlight.has(n.name)
    );
  }

  private rollOut(pool: PoolObject, target: string, members: NodeView[]): void {
    if (pool.spec.paused) return; // a paused pool starts no node update; one in flight finishes
    if (members.some((n) => n.state === 'Degraded')) return; // a degraded pool does not progress
    const candidates = members
      .filter((n) => n.desired !== target && !this.unavailable(n))
      .sort((a, b) => a.name.localeCompare(b.name));
    if (candidates.length === 0) return;
    const fault = this.ctx.faults.find('pool-degraded', (f) => f.pool === pool.metadata.name);
    if (fault) {
      this.degrade(candidates[0], target, fault.reason);
      this.ctx.faults.fire('pool-degraded');
      return;
    }
    const busy = members.filter((n) => this.unavailable(n)).length;
    const room = maxUnavailableOf(pool, members.length) - busy;
    for (const n of candidates.slice(0, Math.max(0, room))) this.startUpdate(pool.metadata.name, n, target);
  }

  private degrade(n: NodeView, target: string, reason: string): void {
    this.ctx.store.mutate(T.node, undefined, n.name, ACTOR.mco, (o) => {
      const a = (o.metadata.annotations ??= {});
      a[MC_ANNOTATION.desired] = target;
      a[MC_ANNOTATION.state] = 'Degraded';
      a[MC_ANNOTATION.reason] = reason;
    });
    this.log(n.name, mcdLines.degraded(n.name, reason));
  }

  private startUpdate(pool: string, n: NodeView, target: string): void {
    this.inFlight.set(n.name, { pool, target });
    this.ctx.store.mutate(T.node, undefined, n.name, ACTOR.mco, (o) => {
      const a = (o.metadata.annotations ??= {});
      a[MC_ANNOTATION.desired] = target;
      a[MC_ANNOTATION.state] = 'Working';
      a[MC_ANNOTATION.reason] = '';
      const spec = (o.spec ??= {}) as { unschedulable?: boolean; taints?: { key: string; effect: string }[] };
      spec.unschedulable = true;
      spec.taints = [
        ...(spec.taints ?? []).filter((t) => t.key !== UNSCHEDULABLE_TAINT),
        { key: UNSCHEDULABLE_TAINT, effect: 'NoSchedule' },
      ];
    });
    this.log(n.name, mcdLines.updating(n.current, target, n.name));
    this.timers.after(this.ctx.scenario.timing.mcoUpdateSeconds, () => {
      const flight = this.inFlight.get(n.name);
      if (!flight) return;
      flight.rebootAfter = this.kubelet.bootSeq(n.name);
      this.log(n.name, mcdLines.rebooting(target));
      // If the node is already rebooting (someone else asked), that boot completes the update.
      this.kubelet.scheduleReboot(n.name, 0, 'systemctl reboot');
    });
  }

  private onNodeState(node: string, up: boolean): void {
    const flight = this.inFlight.get(node);
    if (up && flight?.rebootAfter !== undefined && this.kubelet.bootSeq(node) > flight.rebootAfter) {
      this.inFlight.delete(node);
      this.ctx.store.mutate(T.node, undefined, node, ACTOR.mco, (o) => {
        const a = (o.metadata.annotations ??= {});
        a[MC_ANNOTATION.current] = flight.target;
        a[MC_ANNOTATION.state] = 'Done';
        a[MC_ANNOTATION.reason] = '';
        const spec = (o.spec ??= {}) as { unschedulable?: boolean; taints?: { key: string }[] };
        delete spec.unschedulable;
        spec.taints = (spec.taints ?? []).filter((t) => t.key !== UNSCHEDULABLE_TAINT);
        if (spec.taints.length === 0) delete spec.taints;
      });
      this.log(node, mcdLines.completed(flight.target));
    }
    this.schedule();
  }

  private writeStatus(poolName: string, target: string, members: NodeView[]): void {
    const updated = members.filter((n) => n.current === target && n.desired === target && n.state === 'Done');
    const ready = updated.filter((n) => n.ready && !n.unschedulable && this.kubelet.isUp(n.name));
    const unavailable = members.filter((n) => this.unavailable(n));
    const degraded = members.filter((n) => n.state === 'Degraded');
    this.ctx.store.mutate(T.pool, undefined, poolName, ACTOR.mco, (o) => {
      const pool = o as PoolObject;
      const status = (pool.status ??= {});
      const conditions = (status.conditions ??= []);
      const all =
        updated.length === members.length && ready.length === members.length && unavailable.length === 0;
      status.machineCount = members.length;
      status.updatedMachineCount = updated.length;
      status.readyMachineCount = ready.length;
      status.unavailableMachineCount = unavailable.length;
      status.degradedMachineCount = degraded.length;
      status.observedGeneration = pool.metadata.generation;
      if (all) status.configuration = { ...(pool.spec.configuration ?? {}), name: target };
      if (degraded.length) {
        const reason = `${degraded.length} nodes are reporting degraded status on sync`;
        const message = degraded.map((n) => `Node ${n.name} is reporting: "${n.reason}"`).join(', ');
        setCondition(conditions, 'NodeDegraded', 'True', reason, message);
      } else setCondition(conditions, 'NodeDegraded', 'False', '', '');
      const render = getCondition(conditions, 'RenderDegraded');
      if (!render) setCondition(conditions, 'RenderDegraded', 'False', '', '');
      const node = getCondition(conditions, 'NodeDegraded')!;
      if (node.status === 'True')
        setCondition(conditions, 'Degraded', 'True', node.reason ?? '', node.message ?? '');
      else if (render?.status === 'True')
        setCondition(conditions, 'Degraded', 'True', render.reason ?? '', render.message ?? '');
      else setCondition(conditions, 'Degraded', 'False', '', '');
      if (all) {
        setCondition(conditions, 'Updated', 'True', '', `All nodes are updated with ${target}`);
        setCondition(conditions, 'Updating', 'False', '', '');
      } else {
        setCondition(conditions, 'Updated', 'False', '', '');
        // From 4.7 (MCO PR #2095) a paused pool is not Updating; before, it claimed to be.
        if (pool.spec.paused && this.minor >= 7)
          setCondition(conditions, 'Updating', 'False', '', `Pool is paused; will not update to ${target}`);
        else setCondition(conditions, 'Updating', 'True', '', `All nodes are updating to ${target}`);
      }
    });
  }

  private log(node: string, lines: string[]): void {
    const mcd = this.pods.onNode(node).find((p) => p.daemonSet === `${NS.mco}/${MCD_DS}`);
    if (mcd) appendMcdLog(this.ctx, mcd.name, lines);
  }
}
