// Input strategy → the procedure: offline (A or B by version) or live (C). `auto` takes live where the
// cluster offers it (FeatureGate NetworkLiveMigration, else 4.15–4.16) and the network operator would
// accept it — none of the blockers it enforces (Multitenant mode, egress-router pods, a
// NodeNetworkConfigurationPolicy on the primary interface, overlapping reserved ranges, a hosted control
// plane); otherwise offline. A paused pool, a PDB or a sick cluster is no reason to pick offline: the
// chosen procedure's preflight refuses it with the fix. An unfinished migration (the checkpoint, or a
// live one on the cluster) decides for `auto`, so a re-run continues what is under way.
import { NETWORK_CONFIG } from '../cluster/types.ts';
import { clusterFacts } from '../checks/preflight/facts.ts';
import { egressRouterCheck } from '../checks/preflight/egress-router.ts';
import { hostedControlPlaneCheck } from '../checks/preflight/hosted-control-plane.ts';
import { networkRangesCheck } from '../checks/preflight/network-ranges.ts';
import { networkTypeCheck } from '../checks/preflight/network-type.ts';
import { nmstatePrimaryCheck } from '../checks/preflight/nmstate-primary.ts';
import { applies, evaluate } from '../checks/preflight/runner.ts';
import type { PreflightCheck } from '../checks/preflight/types.ts';
import { strategyOf } from '../inputs/strategy.ts';
import { Checkpoint } from '../procedure/checkpoint.ts';
import { liveInProgress } from '../procedure/live-conditions.ts';
import { FEATURE_GATE, liveSupport, type LiveSupport } from '../procedure/live-support.ts';
import { selectVariant } from '../procedure/select.ts';
import type { Variant } from '../procedure/types.ts';
import { LIVE_VARIANT_ID, variantLive } from '../procedure/variant-live.ts';
import type { CheckRecord, StrategyRecord } from '../report/model.ts';
import { oneLine } from '../util/untrusted-text.ts';
import { stepContext, type Session } from './session.ts';

/** strategy: live where the cluster cannot: refused before any change, with the reason and the fix. */
export class StrategyRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StrategyRefused';
  }
}

/** The blockers the network operator enforces for a live migration, each with how the line names it. */
export const LIVE_FALLBACK: readonly { check: PreflightCheck; noun: string }[] = [
  { check: networkTypeCheck, noun: 'the OpenShift SDN isolation mode' },
  { check: hostedControlPlaneCheck, noun: 'a hosted control plane' },
  { check: egressRouterCheck, noun: 'an egress-router pod' },
  { check: nmstatePrimaryCheck, noun: 'a NodeNetworkConfigurationPolicy on the primary interface' },
  { check: networkRangesCheck, noun: "a network overlapping OVN-Kubernetes' reserved ranges" },
];

const LIVE_WAY = 'nodes reboot twice, rolling, no network outage';
const OFFLINE_WAY = 'this action reboots every node; the pod network is down until they are back';

/** `an egress-router pod (ns/name)` for the first live blocker the cluster has, or undefined. */
export async function firstLiveBlocker(s: Session): Promise<string | undefined> {
  const ctx = stepContext(s, variantLive, {});
  const facts = clusterFacts(ctx, variantLive, { mode: s.settings.mode === 'plan' ? 'plan' : 'migrate' });
  for (const { check, noun } of LIVE_FALLBACK) {
    if (!(await applies(check, facts))) continue;
    const c: CheckRecord = await evaluate(check, facts);
    if (c.ok || c.severity !== 'blocking') continue;
    const what = c.items?.length ? c.items.slice(0, 2).join(', ') : c.detail;
    return `${noun} (${oneLine(what, 300)}${(c.items?.length ?? 0) > 2 ? `, … ${c.items!.length} in all` : ''})`;
  }
  return undefined;
}

function decide(s: Session, variant: Variant, line: string): Variant {
  const chosen = variant.id === LIVE_VARIANT_ID ? 'live' : 'offline';
  const record: StrategyRecord = { requested: strategyOf(s.settings), chosen, line };
  s.report.strategy = record;
  s.log.info(`Strategy — ${line}`);
  return variant;
}

/** An unfinished migration decides: this action's checkpoint, or a live migration on the cluster. */
async function underWay(s: Session): Promise<'live' | 'offline' | 'attach' | undefined> {
  const earlier = await Checkpoint.load(s.cluster, s.log).catch(() => undefined);
  if (earlier && earlier.state.identity.to !== 'OpenShiftSDN')
    return earlier.state.identity.variant === LIVE_VARIANT_ID ? 'live' : 'offline';
  if (liveInProgress(await s.cluster.get(NETWORK_CONFIG))) return 'attach';
  return undefined;
}

async function support(s: Session, version: string): Promise<LiveSupport> {
  const gate = await s.cluster.get(FEATURE_GATE).catch(() => undefined);
  return liveSupport(gate, version);
}

/** strategy auto or live, on a cluster that offers live migration. */
async function liveOrFallback(s: Session, offline: Variant, sup: LiveSupport): Promise<Variant> {
  const requested = strategyOf(s.settings);
  const onSdn = s.report.cluster.networkTypeBefore === variantLive.from;
  const blocker = onSdn ? await firstLiveBlocker(s) : undefined;
  if (!blocker) return decide(s, variantLive, `live: ${sup.why}; no blocker found; ${LIVE_WAY}`);
  if (requested === 'live')
    return decide(
      s,
      variantLive,
      `live (strategy live): ${sup.why}, but ${blocker} blocks live migration — refused before any change (fix it, or use strategy offline)`,
    );
  return decide(s, offline, `offline: ${blocker} blocks live migration; ${OFFLINE_WAY}`);
}

/** The procedure for a migration run (connect.ts), with the one-line reason in the report and the log. */
export async function chooseStrategy(s: Session, version: string): Promise<Variant> {
  const requested = strategyOf(s.settings);
  const offline = selectVariant(version);
  if (requested === 'offline') return decide(s, offline, `offline: strategy offline; ${OFFLINE_WAY}`);
  const sup = await support(s, version);
  if (!sup.supported) {
    if (requested === 'live')
      throw new StrategyRefused(
        `strategy live is refused before any change: OpenShift ${sup.why}. Use strategy offline (or auto, which picks offline here).`,
      );
    return decide(s, offline, `offline: live migration not available — ${sup.why}; ${OFFLINE_WAY}`);
  }
  const current = await underWay(s);
  if (current === 'offline' && requested === 'auto')
    return decide(
      s,
      offline,
      `offline: an unfinished offline migration by this action is continued; ${OFFLINE_WAY}`,
    );
  if (current && current !== 'offline') {
    const how =
      current === 'attach'
        ? 'a live migration is under way on the cluster: this run attaches to it'
        : 'an unfinished live migration by this action is continued';
    s.attachLive = current === 'attach';
    return decide(s, variantLive, `live: ${how} and follows it to the end; ${LIVE_WAY}`);
  }
  return liveOrFallback(s, offline, sup);
}
