// What the approver reads next to the checks: the nodes that will reboot (address, pool, MTU) and how
// long the migration is expected to take.
import { nodeAccessOf } from '../../inputs/node-access.ts';
import { nodeMatchesPool, nodeReady } from '../../openshift/objects.ts';
import { estimateDuration, rebootDelayOf } from '../estimate.ts';
import { isLive } from '../../procedure/variant-live.ts';
import { internalIPs } from './node-probe.ts';
import type { PreflightFacts } from './types.ts';

export async function describeNodes(f: PreflightFacts): Promise<void> {
  const { ctx } = f;
  const nodes = await f.nodes();
  if (!nodes) return;
  // A rollback before the switch (undo) reboots no node itself: MCO rolls its configuration back.
  const reboots = f.variant.phases.some((p) => p.steps.some((st) => st.id === 'reboot-nodes'));
  const run = f.variant.to === 'OpenShiftSDN' ? 'rollback' : 'migration';
  const pools = await f.pools();
  // The SSH check has run the probes already (facts are read once): this adds no SSH round trip.
  const probes =
    nodeAccessOf(ctx.settings).kind === 'api' || ctx.settings.ssh.privateKey
      ? await f.probes().catch(() => undefined)
      : undefined;
  for (const n of nodes) {
    const rec = ctx.report.node(n.metadata.name);
    rec.addresses = internalIPs(n);
    rec.ready = nodeReady(n);
    rec.pool ??=
      pools?.find(
        (p) => nodeMatchesPool(n, p) && p.metadata.name !== 'master' && p.metadata.name !== 'worker',
      )?.metadata.name ?? pools?.find((p) => nodeMatchesPool(n, p))?.metadata.name;
    const probe = probes?.find((p) => p.name === n.metadata.name);
    if (probe?.mtu) rec.notes.push(`MTU ${probe.mtu} (${probe.iface})`);
    if (f.opts.mode === 'plan' && (reboots || isLive(f.variant)))
      rec.notes.push(
        isLive(f.variant) ? 'will be rebooted twice by the Machine Config Operator' : 'will be rebooted',
      );
  }
  const estimate = estimateDuration({
    variantId: f.variant.id,
    nodeCount: nodes.length,
    pools: pools ?? [],
    maxParallelReboots: ctx.settings.maxParallelReboots,
    rebootTimeoutMs: ctx.settings.rebootTimeoutMs,
    rebootDelayMs: rebootDelayOf(ctx.settings),
    maxUnavailable: ctx.settings.maxUnavailable,
    nodes,
  });
  ctx.report.estimate = estimate;
  const minutes = (ms: number) => Math.round(ms / 60_000);
  // The plan's warning; after the fact the summary's risk section says it in the past tense.
  if (f.opts.mode === 'plan')
    ctx.report.warnings.push(
      isLive(f.variant)
        ? `Every node (${nodes.length}) will be rebooted twice by the Machine Config Operator, pool by pool at each pool's maxUnavailable, with no cluster-wide network outage; once triggered, cancelling the run cannot stop the operators (a re-run attaches and follows the migration). Estimated duration about ${minutes(estimate.totalMs)} min (see the estimate).`
        : reboots
          ? `Every node (${nodes.length}) will be rebooted and the cluster network is down during the ${run}: workloads are disrupted. Estimated duration about ${minutes(estimate.totalMs)} min (see the estimate).`
          : `This ${run} reboots no node itself: the Machine Config Operator rolls the OpenShift SDN host configuration back to the nodes that received OVN-Kubernetes' (its own drain and reboot, maxUnavailable at a time); the network type never switched, so the pod network stays up. Estimated duration about ${minutes(estimate.totalMs)} min (see the estimate).`,
    );
  ctx.log.info(
    `${reboots ? 'Nodes that will be rebooted' : 'Nodes (none rebooted by this run)'} (${nodes.length}): ${nodes.map((n) => n.metadata.name).join(', ')}\nEstimated duration: about ${minutes(estimate.totalMs)} min — ${estimate.parts.map((p) => `${p.what}: ${minutes(p.ms)} min (${p.basis})`).join('; ')}`,
  );
}
