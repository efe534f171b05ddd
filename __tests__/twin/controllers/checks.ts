// Read-only views of the twin's state that the controller tests assert on (the same facts the
// migration procedure's verification step reads).
import type { TwinContext } from '../context.ts';
import type { KObject } from '../store.ts';
import { MC_ANNOTATION } from './builders.ts';
import { podInError } from './pod-status.ts';
import { MULTUS_DS, NS } from './seed.ts';
import { T } from './types.ts';
import { getCondition } from './util.ts';

export function get(ctx: TwinContext, type: (typeof T)[keyof typeof T], name: string, ns?: string): KObject {
  const o = ctx.store.get(type, ns, name);
  if (!o) throw new Error(`test: ${type.plural}/${name} not found`);
  return o;
}

export function status(o: KObject): Record<string, unknown> {
  return (o.status ?? {}) as Record<string, unknown>;
}

export function condition(o: KObject, type: string) {
  return getCondition(status(o).conditions, type);
}

/** `kubectl rollout status ds/multus` would report success. */
export function multusRolledOut(ctx: TwinContext, minGeneration = 2): boolean {
  const ds = get(ctx, T.daemonSet, MULTUS_DS, NS.multus);
  const s = status(ds) as Record<string, number>;
  return (
    (ds.metadata.generation ?? 0) >= minGeneration &&
    s.observedGeneration === ds.metadata.generation &&
    s.updatedNumberScheduled === s.desiredNumberScheduled &&
    s.numberAvailable === s.desiredNumberScheduled
  );
}

export function nodeReady(n: KObject): boolean {
  return getCondition(status(n).conditions, 'Ready')?.status === 'True';
}

export function bootID(n: KObject): string {
  return (status(n).nodeInfo as { bootID: string }).bootID;
}

/** Every node Done with currentConfig = desiredConfig = its pool's configuration, and Ready. */
export function nodesSettled(ctx: TwinContext): boolean {
  const pools = new Map(ctx.store.list(T.pool).map((p) => [p.metadata.name, p]));
  return ctx.store.list(T.node).every((n) => {
    const a = n.metadata.annotations ?? {};
    const pool = ctx.scenario.nodes.find((s) => s.name === n.metadata.name)?.pool ?? '';
    const target = (pools.get(pool)?.spec as { configuration?: { name?: string } }).configuration?.name;
    return (
      a[MC_ANNOTATION.state] === 'Done' &&
      a[MC_ANNOTATION.current] === a[MC_ANNOTATION.desired] &&
      a[MC_ANNOTATION.current] === target &&
      nodeReady(n)
    );
  });
}

export function podsInError(ctx: TwinContext): KObject[] {
  return ctx.store.list(T.pod).filter(podInError);
}

export function execStartOf(ctx: TwinContext, config: string): string | undefined {
  const mc = get(ctx, T.machineConfig, config);
  const units = (mc.spec as { config: { systemd: { units: { name: string; contents?: string }[] } } }).config
    .systemd.units;
  const unit = units.find((u) => u.name === 'ovs-configuration.service');
  return unit?.contents?.split('\n').find((l) => l.startsWith('ExecStart='));
}
