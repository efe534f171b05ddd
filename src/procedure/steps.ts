// Building blocks the variants are made of: set a field, set or remove an annotation, pause or resume
// every pool, wait for something, delete a namespace. Each logs and records every change as
// `object field: old → new`, and knows how to tell that it is already done.
import { isDeepStrictEqual } from 'node:util';
import type { KObject, ObjectRef } from '../cluster/types.ts';
import { POOLS } from '../cluster/types.ts';
import { resourceName } from '../cluster/paths.ts';
import { waitFor } from '../cluster/wait.ts';
import type { RebootOptions } from '../nodes/reboot.ts';
import type { NodeTools, Step, StepContext } from './types.ts';

/**
 * `Network.config.openshift.io/cluster`, `MachineConfigPool.machineconfiguration.openshift.io/worker`:
 * how change records name an object — with the group, since two kinds are called Network (the
 * cluster client's `describeRef` is the shorter form its error messages use).
 */
export function reportName(ref: ObjectRef): string {
  const group = ref.apiVersion.includes('/') ? ref.apiVersion.split('/')[0] : '';
  const kind = group.endsWith('.openshift.io') ? `${ref.kind}.${group}` : ref.kind;
  return ref.namespace ? `${kind}/${ref.namespace}/${ref.name}` : `${kind}/${ref.name}`;
}

export function getPath(obj: unknown, path: string[]): unknown {
  let cur: unknown = obj;
  for (const p of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[p];
  }
  return cur;
}

/** `{spec: {networkType: value}}` from `['spec', 'networkType']`. */
export function patchAt(path: string[], value: unknown): Record<string, unknown> {
  return path.reduceRight<unknown>((acc, key) => ({ [key]: acc }), value) as Record<string, unknown>;
}

/** `oc` arguments naming an object: `networks.operator.openshift.io cluster`, `-n ns configmap x`. */
function ocObject(ref: ObjectRef): string {
  return `${ref.namespace ? `-n ${ref.namespace} ` : ''}${resourceName(ref.apiVersion, ref.kind)} ${ref.name}`;
}

function show(v: unknown): string {
  return v === undefined || v === null ? '(none)' : JSON.stringify(v);
}

/** Records and logs one change. */
export function recordChange(
  ctx: StepContext,
  step: string,
  object: string,
  field: string,
  from: unknown,
  to: unknown,
): void {
  ctx.report.changes.push({
    at: new Date().toISOString(),
    step,
    object,
    field,
    from: from ?? null,
    to: to ?? null,
  });
  ctx.log.info(`  changed ${object} ${field}: ${show(from)} → ${show(to)}`);
}

async function mustGet(ctx: StepContext, ref: ObjectRef): Promise<KObject> {
  const obj = await ctx.cluster.get(ref);
  if (!obj)
    throw new Error(
      `${reportName(ref)} not found — is this an OpenShift cluster with the cluster network operator?`,
    );
  return obj;
}

const same = (a: unknown, b: unknown) => isDeepStrictEqual(a ?? null, b ?? null);

/** Merge-patches one field to a value (null removes it). Done when the field already has the value. */
export function setField(o: {
  id: string;
  reverts?: string;
  title: string;
  ref: ObjectRef;
  path: string[];
  value: unknown | (() => unknown);
}): Step {
  const want = () => (typeof o.value === 'function' ? (o.value as () => unknown)() : o.value);
  const field = o.path.join('.');
  return {
    id: o.id,
    reverts: o.reverts,
    title: o.title,
    plan: () => [`${reportName(o.ref)} ${field} = ${show(want())}`],
    commands: () => [
      `oc patch ${ocObject(o.ref)} --type=merge --patch '${JSON.stringify(patchAt(o.path, want()))}'`,
    ],
    isDone: async (ctx) => same(getPath(await mustGet(ctx, o.ref), o.path), want()),
    apply: async (ctx) => {
      const before = getPath(await mustGet(ctx, o.ref), o.path);
      await ctx.cluster.mergePatch(o.ref, patchAt(o.path, want()));
      recordChange(ctx, o.id, reportName(o.ref), field, before, want());
    },
  };
}

/** Sets (value) or removes (null) one annotation. */
export function setAnnotation(o: {
  id: string;
  reverts?: string;
  title: string;
  ref: ObjectRef;
  key: string;
  value: string | null;
}): Step {
  const field = `metadata.annotations["${o.key}"]`;
  return {
    id: o.id,
    reverts: o.reverts,
    title: o.title,
    plan: () => [
      `${reportName(o.ref)} ${field} ${o.value === null ? 'removed' : `= ${JSON.stringify(o.value)}`}`,
    ],
    commands: () => [
      `oc annotate ${ocObject(o.ref)} ${o.value === null ? `${o.key}-` : `'${o.key}=${o.value}'`}`,
    ],
    isDone: async (ctx) => {
      const current = (await mustGet(ctx, o.ref)).metadata.annotations?.[o.key];
      return o.value === null ? current === undefined : current === o.value;
    },
    apply: async (ctx) => {
      const before = (await mustGet(ctx, o.ref)).metadata.annotations?.[o.key];
      await ctx.cluster.mergePatch(o.ref, { metadata: { annotations: { [o.key]: o.value } } });
      recordChange(ctx, o.id, reportName(o.ref), field, before, o.value);
    },
  };
}

const poolRef = (name: string): ObjectRef => ({ apiVersion: POOLS.apiVersion, kind: POOLS.kind, name });

/**
 * Pauses or resumes every MachineConfigPool, custom pools included (the document shows only master and
 * worker). The first time it runs it records which pools were paused before the run.
 */
export function setAllPoolsPaused(o: { id: string; reverts?: string; title: string; paused: boolean }): Step {
  return {
    id: o.id,
    reverts: o.reverts,
    title: o.title,
    plan: async (ctx) => {
      const pools = (await ctx.cluster.list(POOLS)).items;
      // Planned after the steps before it, so every pool is listed (resuming pools are paused by then).
      return pools.map((p) => `${reportName(poolRef(p.metadata.name))} spec.paused = ${o.paused}`);
    },
    isDone: async (ctx) =>
      (await ctx.cluster.list(POOLS)).items.every((p) => (p.spec?.paused === true) === o.paused),
    apply: async (ctx) => {
      const pools = (await ctx.cluster.list(POOLS)).items;
      if (!ctx.memory.poolsPausedBefore) {
        ctx.memory.poolsPausedBefore = Object.fromEntries(
          pools.map((p) => [p.metadata.name, p.spec?.paused === true]),
        );
        await ctx.saveProgress();
      }
      for (const p of pools) {
        const before = p.spec?.paused === true;
        if (before === o.paused) continue;
        const ref = poolRef(p.metadata.name);
        await ctx.cluster.mergePatch(ref, { spec: { paused: o.paused } });
        recordChange(ctx, o.id, reportName(ref), 'spec.paused', before, o.paused);
      }
    },
  };
}

/** A step that only waits (no change): done when `evaluate` says so for the listed objects. */
export function waitStep<T extends KObject>(o: {
  id: string;
  title: string;
  what: string;
  list: Parameters<typeof waitFor>[1];
  evaluate: (items: T[], ctx: StepContext) => { done: boolean; progress: string };
  /** Whether the wait may be skipped on a re-run because its condition already holds. */
  skipWhenDone?: boolean;
  /** Later steps after which the condition no longer holds (see Step.undoneBy). */
  undoneBy?: string[];
  timeoutMs?: (ctx: StepContext) => number;
  /** When the wait began, if it continues an earlier one (see WaitOptions.startedAt). */
  startedAt?: (ctx: StepContext) => number;
}): Step {
  return {
    id: o.id,
    title: o.title,
    ...(o.skipWhenDone ? {} : { confirmable: false as const }),
    ...(o.undoneBy ? { undoneBy: o.undoneBy } : {}),
    plan: () => [`wait: ${o.what}`],
    isDone: async (ctx) => {
      if (!o.skipWhenDone) return false;
      const items = (await ctx.cluster.list<T>(o.list)).items;
      return o.evaluate(items, ctx).done;
    },
    apply: async (ctx) => {
      await waitFor<T>(ctx.cluster, o.list, {
        description: o.what,
        timeoutMs: o.timeoutMs?.(ctx) ?? ctx.settings.waitTimeoutMs,
        startedAt: o.startedAt?.(ctx),
        evaluate: (items) => o.evaluate(items, ctx),
        log: ctx.log,
        signal: ctx.signal,
      });
      ctx.log.info(`  ${o.what}: done`);
    },
  };
}

/** Deletes a namespace and waits until it is gone (it stays Terminating for a while). */
export function deleteNamespace(o: { id: string; title: string; name: string }): Step {
  const ref: ObjectRef = { apiVersion: 'v1', kind: 'Namespace', name: o.name };
  return {
    id: o.id,
    title: o.title,
    plan: () => [`delete Namespace/${o.name}`],
    commands: () => [`oc delete namespace ${o.name}`],
    isDone: async (ctx) => (await ctx.cluster.get(ref)) === undefined,
    apply: async (ctx) => {
      await ctx.cluster.delete(ref);
      recordChange(ctx, o.id, `Namespace/${o.name}`, '(object)', 'present', 'deleted');
      await waitFor(
        ctx.cluster,
        { apiVersion: 'v1', kind: 'Namespace', fieldSelector: `metadata.name=${o.name}` },
        {
          description: `namespace ${o.name} to be removed`,
          timeoutMs: ctx.settings.waitTimeoutMs,
          evaluate: (items) => ({
            done: items.length === 0,
            progress: items.length
              ? `namespace ${o.name}: ${String(items[0].status?.phase ?? 'present')}`
              : `namespace ${o.name}: gone`,
          }),
          log: ctx.log,
          signal: ctx.signal,
        },
      );
    },
  };
}

/** rebootNodes options from the run's settings: parallelism, timeout, log and cancellation. */
export function rebootOptions(ctx: StepContext, tools: NodeTools): RebootOptions {
  return {
    access: tools.access,
    watch: tools.watch,
    maxParallel: ctx.settings.maxParallelReboots,
    rebootTimeoutMs: ctx.settings.rebootTimeoutMs,
    log: ctx.log,
    signal: ctx.signal,
  };
}
