// Verification after the migration: the document's checks (A.9) and more, each a named check in the
// report. As the document says, a node whose pods are in an error state is rebooted once more and
// the checks are repeated before that check fails.
import { ovnConversionCheck } from './ovn-conversion.ts';
import type { KObject } from '../cluster/types.ts';
import { NETWORK_CONFIG, NODES, POOLS } from '../cluster/types.ts';
import { WaitTimeoutError, waitFor } from '../cluster/wait.ts';
import { rebootNodes } from '../nodes/reboot.ts';
import {
  CONFIGURE_OVS,
  configureOvsLine,
  nodeConfigDone,
  nodeConfigState,
  nodeMatchesPool,
  nodeReady,
  podErrorReason,
  poolProgress,
  poolUpdated,
} from '../openshift/objects.ts';
import type { CheckRecord } from '../report/model.ts';
import type { StepContext } from '../procedure/types.ts';
import { rebootOptions } from '../procedure/steps.ts';
import { operatorGate } from './operator-gate.ts';
import { oneLine, oneLineList } from '../util/untrusted-text.ts';

const MCO_NAMESPACE = 'openshift-machine-config-operator';
const POD_PAGE = 500;
const MAX_ITEMS = 200;

function check(
  id: string,
  title: string,
  items: string[],
  okDetail: string,
  failDetail: string,
  evidence?: string,
): CheckRecord {
  const ok = items.length === 0;
  return {
    id,
    title,
    ok,
    severity: 'blocking',
    detail: ok ? okDetail : failDetail,
    items: ok ? undefined : items.slice(0, MAX_ITEMS),
    evidence,
  };
}

/** Pods in an error state, as `namespace/name on node: reason`, read page by page. */
export async function podsInError(
  ctx: StepContext,
): Promise<{ lines: string[]; nodes: Set<string>; total: number }> {
  const lines: string[] = [];
  const nodes = new Set<string>();
  let total = 0;
  await ctx.cluster.forEachPage<KObject>({ apiVersion: 'v1', kind: 'Pod' }, POD_PAGE, (pods) => {
    total += pods.length;
    for (const pod of pods) {
      const reason = podErrorReason(pod);
      if (!reason) continue;
      const node = String(pod.spec?.nodeName ?? '(unscheduled)');
      nodes.add(node);
      lines.push(`${pod.metadata.namespace}/${pod.metadata.name} on ${node}: ${reason}`);
    }
  });
  return { lines, nodes, total };
}

/** The last lines of the machine-config-daemon log of a node (the document's NotReady diagnosis). */
export async function mcdLogTail(ctx: StepContext, node: string, lines = 20): Promise<string> {
  const pods = (
    await ctx.cluster.list({
      apiVersion: 'v1',
      kind: 'Pod',
      namespace: MCO_NAMESPACE,
      fieldSelector: `spec.nodeName=${node}`,
    })
  ).items.filter((p) => p.metadata.name.startsWith('machine-config-daemon-'));
  if (!pods.length) return `(no machine-config-daemon pod on ${node})`;
  try {
    const text = await ctx.cluster.podLog(MCO_NAMESPACE, pods[0].metadata.name, {
      container: 'machine-config-daemon',
      tailLines: lines,
    });
    return `${pods[0].metadata.name}:\n${text.trimEnd()}`;
  } catch (err) {
    return `(could not read the log of ${pods[0].metadata.name}: ${err instanceof Error ? err.message : String(err)})`;
  }
}

/** How a procedure verifies: the live strategy never reboots a node itself (the operators did). */
export interface VerifyOptions {
  /** Reboot the nodes of pods in an error state once more, as the offline document says (default true). */
  rebootPodsInError?: boolean;
}

async function podsCheck(ctx: StepContext, reboot: boolean): Promise<CheckRecord> {
  const title = 'No pod in an error state';
  let found = await podsInError(ctx);
  if (found.lines.length && !ctx.signal.aborted && reboot) {
    const nodes = [...found.nodes].filter((n) => n !== '(unscheduled)');
    ctx.log.info(
      `  ${found.lines.length} pod(s) in error on ${nodes.join(', ')}: rebooting those nodes once more, as the document says`,
    );
    const outcomes = await rebootNodes(nodes, rebootOptions(ctx, await ctx.nodes()));
    for (const o of outcomes)
      ctx.report
        .node(o.node)
        .notes.push(o.ok ? 'rebooted again: pods were in error' : `second reboot failed: ${o.error ?? ''}`);
    // Pods come back some seconds after the node does; wait (bounded) for the errors to clear.
    try {
      await waitFor<KObject>(
        ctx.cluster,
        {
          apiVersion: 'v1',
          kind: 'Pod',
          fieldSelector: nodes.length === 1 ? `spec.nodeName=${nodes[0]}` : undefined,
        },
        {
          description: 'pods on the rebooted nodes to leave their error state',
          timeoutMs: Math.min(ctx.settings.waitTimeoutMs, ctx.settings.rebootTimeoutMs),
          evaluate: (pods) => {
            const bad = pods.filter((p) => nodes.includes(String(p.spec?.nodeName)) && podErrorReason(p));
            return {
              done: bad.length === 0,
              progress: `${bad.length} pod(s) still in error on ${nodes.join(', ')}`,
            };
          },
          log: ctx.log,
          signal: ctx.signal,
        },
      );
    } catch (err) {
      if (!(err instanceof WaitTimeoutError)) throw err;
    }
    found = await podsInError(ctx);
  }
  return check(
    'pods-healthy',
    title,
    found.lines,
    `${found.total} pods, none in an error state`,
    `${found.lines.length} pod(s) in an error state${reboot ? ' (after one more reboot of their nodes)' : ''}`,
  );
}

/** Operators settle a little after the last reboot (and flap meanwhile): a bounded wait for the gate. */
async function operatorsCheck(ctx: StepContext): Promise<CheckRecord> {
  const gate = await operatorGate(ctx, {
    settle: true,
    timeoutMs: Math.min(ctx.settings.waitTimeoutMs, 10 * 60_000),
  });
  return check(
    'operators-healthy',
    'Every ClusterOperator Available, not Progressing, not Degraded',
    gate.unhealthy,
    gate.detail,
    `ClusterOperator(s) ${gate.detail}`,
  );
}

/** The node table after the migration: pool, Ready, MCO state, current config, boot ID, addresses. */
function recordNodes(ctx: StepContext, nodes: KObject[], pools: KObject[]): void {
  for (const n of nodes) {
    const rec = ctx.report.node(n.metadata.name);
    const s = nodeConfigState(n);
    rec.pool ??=
      pools.find((p) => nodeMatchesPool(n, p) && p.metadata.name !== 'master' && p.metadata.name !== 'worker')
        ?.metadata.name ?? pools.find((p) => nodeMatchesPool(n, p))?.metadata.name;
    rec.ready = nodeReady(n);
    rec.mcoState = s.state;
    rec.currentConfig = s.current;
    rec.bootIdAfter = String(n.status?.nodeInfo?.bootID ?? rec.bootIdAfter ?? '');
    if (!rec.addresses.length)
      rec.addresses = ((n.status?.addresses ?? []) as { type: string; address: string }[])
        .filter((a) => a.type === 'InternalIP')
        .map((a) => a.address);
  }
}

function nodesConfigDoneCheck(nodes: KObject[]): CheckRecord {
  return check(
    'nodes-config-done',
    'Every node: machineconfiguration state Done and currentConfig = desiredConfig',
    nodes
      .filter((n) => !nodeConfigDone(n))
      .map((n) => {
        const s = nodeConfigState(n);
        return `${n.metadata.name}: state ${s.state ?? '(none)'}, current ${s.current ?? '(none)'}, desired ${s.desired ?? '(none)'}${s.reason ? `, reason ${s.reason}` : ''}`;
      }),
    `${nodes.length} nodes Done`,
    'node(s) not Done or not on their desired config',
  );
}

async function configureOvsCheck(ctx: StepContext, nodes: KObject[]): Promise<CheckRecord> {
  const configs = [...new Set(nodes.map((n) => nodeConfigState(n).current).filter((c): c is string => !!c))];
  const badConfigs: string[] = [];
  for (const name of configs) {
    const mc = await ctx.cluster.get({
      apiVersion: 'machineconfiguration.openshift.io/v1',
      kind: 'MachineConfig',
      name,
    });
    const line = mc ? configureOvsLine(mc) : undefined;
    if (line !== CONFIGURE_OVS(ctx.target))
      badConfigs.push(`${name}: ${mc ? `ExecStart=${line ?? '(none)'}` : 'not found'}`);
  }
  return check(
    'machineconfig-configure-ovs',
    `The current MachineConfig of every node has ExecStart=${CONFIGURE_OVS(ctx.target)}`,
    badConfigs,
    `${configs.length} rendered config(s) checked`,
    'rendered config(s) without the expected ExecStart',
  );
}

async function networkTypeCheck(ctx: StepContext): Promise<CheckRecord> {
  const networkType = (await ctx.cluster.get(NETWORK_CONFIG))?.status?.networkType as string | undefined;
  ctx.report.cluster.networkTypeAfter = networkType;
  return check(
    'network-type',
    `Network.config cluster status.networkType is ${ctx.target}`,
    networkType === ctx.target ? [] : [`status.networkType is ${networkType ?? '(none)'}`],
    `status.networkType: ${networkType}`,
    `status.networkType is ${networkType ?? '(none)'}`,
  );
}

/** NotReady nodes, with the machine-config-daemon log tail of the first five as evidence. */
async function nodesReadyCheck(ctx: StepContext, nodes: KObject[]): Promise<CheckRecord> {
  const notReady = nodes.filter((n) => !nodeReady(n)).map((n) => n.metadata.name);
  let evidence: string | undefined;
  if (notReady.length) {
    const tails: string[] = [];
    for (const n of notReady.slice(0, 5)) {
      const tail = await mcdLogTail(ctx, n);
      ctx.report.node(n).notes.push('NotReady: see machine-config-daemon log in the checks');
      tails.push(`${n} — ${tail}`);
    }
    evidence = tails.join('\n\n');
  }
  return check(
    'nodes-ready',
    'Every node Ready',
    notReady,
    `${nodes.length} nodes Ready`,
    `${notReady.length} node(s) NotReady`,
    evidence,
  );
}

function nodesRebootedCheck(ctx: StepContext, nodes: KObject[]): CheckRecord {
  if (!ctx.memory.bootIdsBefore)
    return {
      id: 'nodes-rebooted',
      title: 'Every node rebooted (bootID changed)',
      ok: false,
      severity: 'warn',
      detail:
        'not checked: no boot IDs were recorded before the network changed (this run attached to a live migration it did not start)',
    };
  const before = ctx.memory.bootIdsBefore;
  const notRebooted = nodes
    .filter((n) => !before[n.metadata.name] || before[n.metadata.name] === n.status?.nodeInfo?.bootID)
    .map(
      (n) => `${n.metadata.name}: bootID ${String(n.status?.nodeInfo?.bootID ?? '?').slice(0, 8)} unchanged`,
    );
  return check(
    'nodes-rebooted',
    'Every node rebooted (bootID changed)',
    notRebooted,
    `${nodes.length} nodes have a new bootID`,
    `${notRebooted.length} node(s) not rebooted`,
  );
}

function poolsUpdatedCheck(pools: KObject[]): CheckRecord {
  const poolsNotUpdated = pools
    .filter((p) => !poolUpdated(p))
    .map((p) => {
      const pr = poolProgress(p);
      return `${pr.name}: ${pr.updated}/${pr.machines} updated${pr.degraded ? `, Degraded: ${pr.degradedReason}` : ''}${pr.paused ? ', paused' : ''}`;
    });
  return check(
    'pools-updated',
    'Every MachineConfigPool Updated',
    poolsNotUpdated,
    `${pools.length} pools Updated`,
    `${poolsNotUpdated.length} pool(s) not Updated`,
  );
}

export async function verifyMigration(ctx: StepContext, opts: VerifyOptions = {}): Promise<CheckRecord[]> {
  const checks: CheckRecord[] = [];
  const add = (c: CheckRecord) => {
    checks.push(c);
    ctx.report.checks.push(c);
    ctx.log.info(`  ${c.ok ? '✓' : '✗'} ${c.title}: ${oneLine(c.detail)}${oneLineList(c.items)}`);
    if (c.evidence) ctx.log.block(`  evidence for "${c.title}":`, c.evidence);
  };
  // Pods first: it may reboot nodes, and every node check below must see the result.
  add(await podsCheck(ctx, opts.rebootPodsInError ?? true));
  const nodes = (await ctx.cluster.list(NODES)).items;
  const pools = (await ctx.cluster.list(POOLS)).items;
  recordNodes(ctx, nodes, pools);
  add(nodesConfigDoneCheck(nodes));
  add(await configureOvsCheck(ctx, nodes));
  add(await networkTypeCheck(ctx));
  add(await nodesReadyCheck(ctx, nodes));
  add(nodesRebootedCheck(ctx, nodes));
  add(await operatorsCheck(ctx));
  add(poolsUpdatedCheck(pools));
  const converted = await ovnConversionCheck(ctx);
  if (converted) add(converted);
  return checks;
}
