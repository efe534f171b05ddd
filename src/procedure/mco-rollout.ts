// The Machine Config Operator's part of every variant: record each pool's rendered config, then wait
// until MCO has rendered and rolled out the config that runs `configure-ovs.sh <target>` on every pool.
import type { KObject } from '../cluster/types.ts';
import { NODES, POOLS } from '../cluster/types.ts';
import type { NodeWatch } from '../nodes/node-watch.ts';
import { formatDuration } from '../util/duration.ts';
import { mcdLogTail } from '../checks/verify.ts';
import {
  configureOvsLine,
  CONFIGURE_OVS,
  nodeConfigDone,
  nodeConfigState,
  nodeMatchesPool,
  poolProgress,
  poolUpdated,
} from '../openshift/objects.ts';
import { rememberPausedPools } from './paused-pools.ts';
import { waitStep } from './steps.ts';
import type { Step, StepContext } from './types.ts';

/** A pool turned Degraded while MCO rolled out the new config. */
class PoolDegradedError extends Error {
  readonly pool: KObject;
  readonly reason: string;
  constructor(pool: KObject, reason: string) {
    super(`pool ${pool.metadata.name} is Degraded: ${reason}`);
    this.pool = pool;
    this.reason = reason;
  }
}

/** The pool's reason plus the machine-config-daemon log tail of its first node not Done. */
async function explainDegradedPool(ctx: StepContext, err: PoolDegradedError): Promise<Error> {
  const nodes = (await ctx.cluster.list(NODES)).items.filter((n) => nodeMatchesPool(n, err.pool));
  const stuck = nodes.filter((n) => !nodeConfigDone(n));
  const node = stuck[0] ?? nodes[0];
  const tail = node ? await mcdLogTail(ctx, node.metadata.name) : '(no node in the pool)';
  ctx.log.block(`  machine-config-daemon log of ${node?.metadata.name ?? '(none)'}:`, tail);
  ctx.report.checks.push({
    id: `pool-${err.pool.metadata.name}-degraded`,
    title: `MachineConfigPool ${err.pool.metadata.name} rolled out`,
    ok: false,
    severity: 'blocking',
    detail: `Degraded: ${err.reason}`,
    items: stuck.map((n) => {
      const s = nodeConfigState(n);
      return `${n.metadata.name}: state ${s.state ?? '?'}${s.reason ? `, reason ${s.reason}` : ''}`;
    }),
    evidence: node ? `machine-config-daemon log of ${node.metadata.name}:\n${tail}` : undefined,
  });
  return new Error(
    `${err.message}${node ? ` (node ${node.metadata.name} — machine-config-daemon log tail in the report)` : ''} — fix the cause on the node, then run again: the migration continues from here`,
  );
}

/**
 * Before the change that makes MCO render the target's configure-ovs.sh: records the rendered config of
 * each pool that is not on it yet, so the MCO wait knows a new one must replace it (a pool already on it —
 * a migration stopped before MCO rendered anything, then rolled back — is only waited on to be Updated),
 * and which pools an administrator had paused (procedure A pauses them all, then pauses those again).
 */
export function rememberPoolConfigs(): Step {
  return {
    id: 'remember-pool-configs',
    title: "Record every pool's current rendered config",
    plan: () => [],
    isDone: async (ctx) => ctx.memory.poolConfigsBefore !== undefined,
    apply: async (ctx) => {
      const pools = (await ctx.cluster.list(POOLS)).items;
      const before: Record<string, string> = {};
      for (const p of pools) {
        const name = String(p.spec?.configuration?.name ?? '');
        if ((await configureOvsOf(ctx, name)) !== CONFIGURE_OVS(ctx.target)) before[p.metadata.name] = name;
      }
      ctx.memory.poolConfigsBefore = before;
      rememberPausedPools(ctx, pools);
    },
  };
}

/** The configure-ovs.sh line a rendered config's ovs-configuration.service runs, if any. */
async function configureOvsOf(ctx: StepContext, name: string): Promise<string | undefined> {
  if (!name) return undefined;
  const mc = await ctx.cluster.get({
    apiVersion: 'machineconfiguration.openshift.io/v1',
    kind: 'MachineConfig',
    name,
  });
  return mc ? configureOvsLine(mc) : undefined;
}

/**
 * MCO rolls a new rendered config (carrying `configure-ovs.sh <target>`) out to every pool: wait until
 * every pool is Updated on a config other than the one it had and whose ExecStart runs the target.
 * A pool can first settle on a config that does not (an administrator's MachineConfig rendered just
 * before the migration's, or a recorded "before" config that was never the pool's): that config is
 * set aside and the wait goes on, within one wait-timeout in all.
 */
export function waitForMachineConfigRollout(): Step {
  // The node watch of the running wait: progress lines name the nodes MCO is working on.
  let nodes: NodeWatch | undefined;
  const notTarget = new Set<string>();
  let deadline = 0;
  const inner = waitStep<KObject>({
    id: 'mco-rollout',
    title: 'Wait for the Machine Config Operator to update every pool',
    what: 'every MachineConfigPool to be Updated on the new rendered config',
    list: POOLS,
    timeoutMs: () => Math.max(1, deadline - Date.now()),
    // One wait in the log too: after a config is set aside, the lines' clock goes on from the start.
    startedAt: (ctx) => deadline - ctx.settings.waitTimeoutMs,
    evaluate: (pools, ctx) => rolloutProgress(pools, ctx, notTarget, nodes),
  });
  return {
    ...inner,
    apply: async (ctx) => {
      deadline = Date.now() + ctx.settings.waitTimeoutMs;
      for (;;) {
        try {
          await whileNoNodeIsStuck(ctx, 'the Machine Config Operator update', (c, watch) => {
            nodes = watch;
            return inner.apply(c);
          });
        } catch (err) {
          if (err instanceof PoolDegradedError) throw await explainDegradedPool(ctx, err);
          throw err;
        }
        const off = await poolsOffTarget(ctx);
        if (!off.length) return;
        for (const o of off) {
          notTarget.add(o.config);
          ctx.log.info(
            `  pool ${o.pool} is Updated on ${o.config}, whose ovs-configuration.service runs "${o.line}", not "${CONFIGURE_OVS(ctx.target)}": waiting for MCO to render and roll out the one that does`,
          );
        }
      }
    },
  };
}

/** Whether every pool is Updated on a new config, and one short progress line. */
function rolloutProgress(
  pools: KObject[],
  ctx: StepContext,
  notTarget: Set<string>,
  nodes: NodeWatch | undefined,
): { done: boolean; progress: string } {
  const before = (ctx.memory.poolConfigsBefore ?? {}) as Record<string, string>;
  const counts: string[] = [];
  const flags: Record<string, string[]> = { updating: [], paused: [], 'new config not rendered yet': [] };
  let done = pools.length > 0;
  for (const pool of pools) {
    const p = poolProgress(pool);
    if (p.degraded) throw new PoolDegradedError(pool, p.degradedReason ?? 'no reason given');
    const changed = !before[p.name] || (p.config !== undefined && p.config !== before[p.name]);
    const newConfig = changed && !(p.config !== undefined && notTarget.has(p.config));
    if (!(newConfig && poolUpdated(pool))) done = false;
    counts.push(`${p.name} ${p.updated}/${p.machines}`);
    if (p.updating) flags.updating.push(p.name);
    if (p.paused) flags.paused.push(p.name);
    if (!newConfig) flags['new config not rendered yet'].push(p.name);
  }
  // One short line: `pools: master 2/3, worker 3/3 updated; Updating: master; worker-1 Working`.
  const parts = [
    `pools: ${counts.join(', ')} updated`,
    ...Object.entries(flags)
      .filter(([, names]) => names.length)
      .map(([flag, names]) => `${flag}: ${names.join(', ')}`),
  ];
  // Which nodes MCO is working on right now, from the node watch of this wait.
  const busy = (nodes?.all() ?? []).filter((n) => n.mcoState && n.mcoState !== 'Done');
  if (!done && busy.length) {
    const shown = busy.slice(0, 5).map((n) => `${n.name} ${n.mcoState}${n.ready ? '' : ' (NotReady)'}`);
    parts.push(`${shown.join(', ')}${busy.length > 5 ? ` and ${busy.length - 5} more` : ''}`);
  }
  return { done, progress: parts.join('; ') };
}

/** Pools whose rendered config does not run `configure-ovs.sh <target>`, with the line it runs. */
async function poolsOffTarget(ctx: StepContext): Promise<{ pool: string; config: string; line: string }[]> {
  const off: { pool: string; config: string; line: string }[] = [];
  for (const pool of (await ctx.cluster.list(POOLS)).items) {
    const config = String(pool.spec?.configuration?.name ?? '');
    const line = await configureOvsOf(ctx, config);
    if (line !== CONFIGURE_OVS(ctx.target))
      off.push({ pool: pool.metadata.name, config, line: line ?? '(no ExecStart)' });
  }
  return off;
}

/**
 * Runs `fn` (a wait on MCO) while watching the nodes: a node NotReady for longer than reboot-timeout
 * — one MCO rebooted that never came back — ends the wait at once, naming the node, instead of
 * leaving the run to wait-timeout. It reads the node watch's cache: no API requests of its own.
 */
async function whileNoNodeIsStuck(
  ctx: StepContext,
  during: string,
  fn: (ctx: StepContext, watch: NodeWatch) => Promise<void>,
): Promise<void> {
  const { watch } = await ctx.nodes();
  const inner = new AbortController();
  const onOuterAbort = () => inner.abort(ctx.signal.reason);
  ctx.signal.addEventListener('abort', onOuterAbort, { once: true });
  const notReadySince = new Map<string, number>();
  let stuck: Error | undefined;
  const check = () => {
    const now = Date.now();
    for (const n of watch.all()) {
      if (n.ready) {
        notReadySince.delete(n.name);
        continue;
      }
      const since = notReadySince.get(n.name) ?? now;
      notReadySince.set(n.name, since);
      if (now - since > ctx.settings.rebootTimeoutMs && !stuck) {
        stuck = new Error(
          `${n.name} has been NotReady for ${formatDuration(now - since)} during ${during} (reboot-timeout ${formatDuration(ctx.settings.rebootTimeoutMs)}); last seen bootID ${n.bootID.slice(0, 8)} — check the node's console, then run again: the migration continues from here`,
        );
        inner.abort(stuck);
      }
    }
  };
  const timer = setInterval(check, Math.min(5_000, Math.max(250, ctx.settings.rebootTimeoutMs / 10)));
  try {
    await fn({ ...ctx, signal: inner.signal }, watch);
  } catch (err) {
    throw stuck ?? err;
  } finally {
    clearInterval(timer);
    ctx.signal.removeEventListener('abort', onOuterAbort);
  }
}
