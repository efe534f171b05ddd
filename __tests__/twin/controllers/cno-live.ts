// The network operator's limited live migration (OpenShift 4.15–4.16, `NetworkLiveMigration` gate),
// modelled on cluster-network-operator release-4.15/4.16 (identical there):
// pkg/controller/clusterconfig/migration.go (`prepareOperatorConfigForNetworkTypeMigration`: which
// step to take next, written into Network.operator spec) and pkg/controller/operconfig/migration.go
// (`syncNetworkTypeMigrationConditions`: the conditions on Network.config, from the pools, their
// rendered MachineConfigs and the plugins' daemonsets). Trigger: Network.config `cluster` annotated
// `network.openshift.io/network-type-migration` with `spec.networkType` changed. Steps, forward:
//   1. deploy the target plugin alongside (spec.migration {mode: Live, networkType})
//      → TargetCNIAvailable True once both plugins' daemonsets are fully available;
//   2. routable MTU (spec.migration.mtu → status.migration.mtu): MCO renders `mtu-migration.service`
//      and rolls every pool (first reboot of every node) → MTUReady True;
//   3. defaultNetwork.type = target: status.networkType switches, MCO renders `configure-ovs.sh
//      <target>` without the MTU unit and rolls again (second reboot) → TargetCNIInUse True (and
//      MTUReady back to False: the MTU unit is gone), SDN features converted, multus re-rendered;
//   4. spec.migration removed: the original plugin's daemonsets are deleted (its namespace stays, as
//      CNO never deletes namespaces, BZ 1820472) → done: InProgress False `NetworkTypeMigrationCompleted`,
//      the other four Unknown in the same write.
// A rollback to OpenShift SDN switches the type in step 2 (before the first rollout) instead of 3.
// Every condition sync and step waits while the operator is progressing (a network daemonset not
// fully rolled out or available), as the real one skips them while Progressing.
import type { TwinContext } from '../context.ts';
import type { NetworkType } from '../scenario.ts';
import type { KObject, StoreEvent } from '../store.ts';
import { namespaceObject } from './builders.ts';
import {
  IN_PROGRESS,
  invalidClusterConfigMessage,
  liveMigrationRefusal,
  MACVLAN_ANNOTATION,
} from './cno-live-validate.ts';
import { gateEnabled, LIVE_MIGRATION_GATE } from './feature-gates.ts';
import { type LiveConditions, liveConditions, poolsCheck } from './cno-live-status.ts';
import type { MtuMigration } from './machineconfigs.ts';
import type { MultusRollout } from './multus.ts';
import { convertSdnFeatures } from './sdn-conversion.ts';
import { MULTUS_DS, multusArgs, networkUpgradeable, NS, pluginDaemonSet } from './seed.ts';
import type { Timers } from './timers.ts';
import { ACTOR, T } from './types.ts';
import { type Condition, getCondition, setCondition } from './util.ts';

export { IN_PROGRESS, MACVLAN_ANNOTATION } from './cno-live-validate.ts';
export const LIVE_MIGRATION_ANNOTATION = 'network.openshift.io/network-type-migration';
export const INVALID_CLUSTER_CONFIG = 'InvalidClusterConfig';
export const MIGRATION_FAILED = 'NetworkTypeMigrationFailed';

const TYPES: NetworkType[] = ['OpenShiftSDN', 'OVNKubernetes'];

interface LiveSpec {
  mode?: string;
  networkType?: string;
  mtu?: MtuMigration;
  features?: Record<string, boolean>;
}

interface OperatorSpec {
  defaultNetwork: { type: NetworkType };
  migration?: LiveSpec | null;
}

interface ConfigStatus {
  networkType?: NetworkType;
  clusterNetworkMTU?: number;
  migration?: { networkType?: string; mtu?: MtuMigration } | null;
  conditions?: Condition[];
}

/** What the live machine needs of the rest of CNO. */
export interface CnoPlugins {
  deployPlugin(type: NetworkType): void;
  removePlugin(type: NetworkType): void;
  mtuFor(type: NetworkType): number;
  /** Runs CNO's reconcile again (after its usual reaction time). */
  schedule(): void;
}

export class LiveMigration {
  private readonly ctx: TwinContext;
  private readonly timers: Timers;
  private readonly multus: MultusRollout;
  private readonly minor: number;
  private readonly cno: CnoPlugins;
  private readonly unsubscribe: () => void;
  /** Network.config carries the trigger annotation (mirrored from its events: a cheap filter). */
  private annotated: boolean;
  /** The Degraded message this machine wrote last: it clears only its own (other CNO checks keep theirs). */
  private degradedMessage: string | undefined;

  constructor(ctx: TwinContext, timers: Timers, multus: MultusRollout, minor: number, cno: CnoPlugins) {
    this.ctx = ctx;
    this.timers = timers;
    this.multus = multus;
    this.minor = minor;
    this.cno = cno;
    const config = ctx.store.get(T.networkConfig, undefined, 'cluster');
    this.annotated = config?.metadata.annotations?.[LIVE_MIGRATION_ANNOTATION] !== undefined;
    this.unsubscribe = ctx.store.subscribe((e) => this.onEvent(e));
  }

  stop(): void {
    this.unsubscribe();
  }

  /** Whether Network.config carries the live trigger and the release has the feature. */
  private owns(config: KObject): boolean {
    if (config.metadata.annotations?.[LIVE_MIGRATION_ANNOTATION] === undefined) return false;
    const gate = this.ctx.store.get(T.featureGate, undefined, 'cluster');
    return gateEnabled(gate, this.ctx.scenario.version, LIVE_MIGRATION_GATE);
  }

  /** What the live machine watches besides Network.config/operator (which CNO already watches). */
  private onEvent(e: StoreEvent): void {
    if (e.resource === T.networkConfig && e.object.metadata.name === 'cluster')
      this.annotated =
        e.type !== 'DELETED' && e.object.metadata.annotations?.[LIVE_MIGRATION_ANNOTATION] !== undefined;
    if (!this.annotated) return;
    const ns = e.object.metadata.namespace;
    const relevant =
      e.resource === T.pool ||
      e.resource === T.infrastructure ||
      e.resource === T.featureGate ||
      (e.resource === T.daemonSet && (ns === NS.sdn || ns === NS.ovn || ns === NS.multus)) ||
      (e.resource === T.pod &&
        (e.object.metadata.annotations?.[MACVLAN_ANNOTATION] !== undefined ||
          e.previous?.metadata.annotations?.[MACVLAN_ANNOTATION] !== undefined));
    if (relevant) this.cno.schedule();
  }

  /**
   * CNO's reconcile while Network.config carries the live trigger: the clusterconfig controller
   * (validation, next step) then the operconfig controller (render, status). False: not ours.
   */
  reconcile(config: KObject, operator: KObject): boolean {
    if (!this.owns(config)) {
      // The trigger withdrawn: the clusterconfig controller's next pass is no longer degraded by it.
      this.clearDegraded();
      return false;
    }
    const refusal = liveMigrationRefusal(this.ctx, config, operator);
    if (refusal) {
      // Neither controller propagates anything: no step, no condition, only Degraded.
      this.setDegraded(INVALID_CLUSTER_CONFIG, invalidClusterConfigMessage(refusal));
      return true;
    }
    const progressing = this.progressing();
    let changed = false;
    const failure = progressing ? undefined : this.takeStep(config, operator);
    if (typeof failure === 'string')
      this.setDegraded(
        MIGRATION_FAILED,
        `Failed to process SDN live migration (${failure}). Use 'oc edit network.config.openshift.io cluster' to fix.`,
      );
    else {
      changed = failure === true;
      this.clearDegraded();
    }
    const op = this.ctx.store.get(T.networkOperator, undefined, 'cluster')!;
    changed = this.render(op) || changed;
    this.writeStatus(op, progressing || changed);
    return true;
  }

  /** The clusterconfig controller's step; true when it changed Network.operator, a string on failure. */
  private takeStep(config: KObject, operator: KObject): boolean | string | undefined {
    const conditions = (config.status as ConfigStatus).conditions;
    if (getCondition(conditions, IN_PROGRESS)?.status !== 'True') return undefined;
    const next = nextStep(config, operator, this.minHostMtu());
    if (typeof next === 'string' || next === undefined) return next;
    const before = JSON.stringify((operator.spec as OperatorSpec).migration ?? null);
    const beforeType = (operator.spec as OperatorSpec).defaultNetwork.type;
    if (before === JSON.stringify(next.migration) && beforeType === next.type) return false;
    this.ctx.store.mutate(T.networkOperator, undefined, 'cluster', ACTOR.cno, (o) => {
      const spec = o.spec as OperatorSpec;
      spec.defaultNetwork.type = next.type;
      if (next.migration) spec.migration = next.migration;
      else delete spec.migration;
    });
    return true;
  }

  /** CNO's MTU ConfigMap holds the host MTU it probed: the twin takes the smallest node MTU. */
  private minHostMtu(): number {
    return Math.min(...this.ctx.scenario.nodes.map((n) => n.mtu));
  }

  /** The operconfig controller's render: plugins, multus, feature conversion. True if it changed anything. */
  private render(operator: KObject): boolean {
    const spec = operator.spec as OperatorSpec;
    const current = spec.defaultNetwork.type;
    const m = spec.migration;
    // In live mode CNO renders both plugins (the original one in migration mode) until the purge.
    const wanted = new Set<NetworkType>(m?.mode === 'Live' ? TYPES : [current]);
    let changed = false;
    for (const type of TYPES) {
      const ds = pluginDaemonSet(type);
      const exists = !!this.ctx.store.get(T.daemonSet, ds.namespace, ds.name);
      if (wanted.has(type) && !exists && this.ensureNamespace(ds.namespace)) {
        this.cno.deployPlugin(type);
        changed = true;
      } else if (!wanted.has(type) && exists) {
        this.cno.removePlugin(type);
        if (type === 'OVNKubernetes') this.cleanOvnNodeAnnotations();
        changed = true;
      }
    }
    const multus = this.ctx.store.get(T.daemonSet, NS.multus, MULTUS_DS);
    const args = (
      multus?.spec as { template?: { spec?: { containers?: { args?: string[] }[] } } } | undefined
    )?.template?.spec?.containers?.[0]?.args;
    if (multus && JSON.stringify(args) !== JSON.stringify(multusArgs(current))) {
      this.multus.rerender(current);
      changed = true;
    }
    // Feature migration runs once CNO's type is the migration's target (operconfig_controller.go).
    if (m?.networkType === current && current === 'OVNKubernetes')
      convertSdnFeatures(this.ctx, this.minor, m.features);
    return changed;
  }

  /** Creates the plugin's namespace if missing; false while a deleted one is still terminating. */
  private ensureNamespace(name: string): boolean {
    const ns = this.ctx.store.get(T.namespace, undefined, name);
    if (ns?.metadata.deletionTimestamp) {
      this.timers.after(this.ctx.scenario.timing.namespaceTerminatingSeconds, () => this.cno.schedule());
      return false;
    }
    if (!ns)
      this.ctx.store.create(namespaceObject(name, this.minor, { 'openshift.io/run-level': '0' }), ACTOR.cno);
    return true;
  }

  /** A rollback's purge removes OVN-Kubernetes' node annotations (`cleanOVNKubernetesNodeAnnotations`). */
  private cleanOvnNodeAnnotations(): void {
    for (const n of this.ctx.store.list(T.node)) {
      const keys = Object.keys(n.metadata.annotations ?? {}).filter((k) => k.startsWith('k8s.ovn.org'));
      if (keys.length === 0) continue;
      this.ctx.store.mutate(T.node, undefined, n.metadata.name, ACTOR.cno, (o) => {
        for (const k of keys) delete o.metadata.annotations![k];
      });
    }
  }

  /** Network.config status from the operator config, and the migration conditions. */
  private writeStatus(operator: KObject, skipSync: boolean): void {
    const spec = operator.spec as OperatorSpec;
    const type = spec.defaultNetwork.type;
    const m = spec.migration;
    let inProgress = false;
    this.ctx.store.mutate(T.networkConfig, undefined, 'cluster', ACTOR.cno, (o) => {
      const status = o.status as ConfigStatus;
      const wanted = (o.spec as { networkType?: string }).networkType;
      const conditions = (status.conditions ??= []);
      const live: LiveConditions = liveConditions(conditions);
      if (getCondition(conditions, IN_PROGRESS)?.status === 'True') {
        if (!skipSync) this.sync(live, wanted as NetworkType, m);
      } else if (wanted !== status.networkType) live.init();
      else live.reset();
      inProgress = getCondition(conditions, IN_PROGRESS)?.status === 'True';
      status.networkType = type;
      status.clusterNetworkMTU = this.cno.mtuFor(type);
      // In live mode MCO follows CNO's current type (StatusFromOperatorConfig), plus the MTU step.
      if (m?.mode === 'Live') status.migration = { networkType: type, ...(m.mtu ? { mtu: m.mtu } : {}) };
      else if (m?.networkType) status.migration = { networkType: m.networkType };
      else delete status.migration;
    });
    this.setUpgradeable(inProgress, type);
  }

  /** `syncNetworkTypeMigrationConditions`: pools and rendered configs, then plugins. */
  private sync(live: LiveConditions, target: NetworkType, m: LiveSpec | null | undefined): void {
    const inUse = poolsCheck(this.ctx, target, 'ovs');
    live.set('NetworkTypeMigrationTargetCNIInUse', inUse.condition);
    const mtu = poolsCheck(this.ctx, target, 'mtu');
    live.set('NetworkTypeMigrationMTUReady', mtu.condition);
    if (!mtu.stable) return;
    const cniReady = this.targetCniReady(live, target, m);
    const purged = this.originalCniPurged(live, target);
    if (purged && inUse.desired && cniReady) live.reset();
  }

  private targetCniReady(live: LiveConditions, target: NetworkType, m: LiveSpec | null | undefined): boolean {
    const type = 'NetworkTypeMigrationTargetCNIAvailable';
    const namespaces = m?.networkType ? [NS.ovn, NS.sdn] : [pluginDaemonSet(target).namespace];
    for (const ns of namespaces) {
      const sets = this.ctx.store.list(T.daemonSet, ns);
      if (sets.length === 0) {
        live.set(type, ['False', 'TargetCNINotDeployed', `No daemonSet running in the namespace ${ns}`]);
        return false;
      }
      const notReady = sets.find((ds) => !daemonSetSettled(ds));
      if (notReady) {
        live.set(type, ['False', 'TargetCNINotReady', `DaemonSet ${notReady.metadata.name} is not ready`]);
        return false;
      }
    }
    live.set(type, ['True', 'TargetCNIDeployed', `${target} is deployed`]);
    return true;
  }

  private originalCniPurged(live: LiveConditions, target: NetworkType): boolean {
    const type = 'NetworkTypeMigrationOriginalCNIPurged';
    const ns = target === 'OVNKubernetes' ? NS.sdn : NS.ovn;
    if (this.ctx.store.list(T.daemonSet, ns).length > 0) {
      live.set(type, ['False', 'OriginalCNINotPurged', 'The original CNI plugin is running in the cluster']);
      return false;
    }
    live.set(type, ['True', 'OriginalCNIPurged', `No daemonSet running in the namespace ${ns}`]);
    return true;
  }

  /** The status manager's view: a network daemonset still rolling out or not fully available. */
  private progressing(): boolean {
    const sets = [NS.multus, NS.sdn, NS.ovn].flatMap((ns) => this.ctx.store.list(T.daemonSet, ns));
    return sets.some((ds) => !daemonSetSettled(ds));
  }

  /** While InProgress, co/network refuses upgrades (status_manager.go); after, the usual rule. */
  private setUpgradeable(inProgress: boolean, type: NetworkType): void {
    this.ctx.store.mutate(T.clusterOperator, undefined, 'network', ACTOR.cno, (co) => {
      const conditions = (co.status as { conditions: Condition[] }).conditions;
      if (inProgress)
        setCondition(
          conditions,
          'Upgradeable',
          'False',
          'NetworkMigrationInProgress',
          'A CNI migration is in progress; upgrade is blocked until that finishes.',
        );
      else {
        const u = networkUpgradeable(this.minor, type);
        setCondition(conditions, 'Upgradeable', u.status, u.reason ?? '', u.message ?? '');
      }
    });
  }

  private setDegraded(reason: string, message: string): void {
    this.degradedMessage = message;
    this.writeDegraded((c) => setCondition(c, 'Degraded', 'True', reason, message));
  }

  /** Clears only the Degraded this machine set (another CNO check keeps its own). */
  private clearDegraded(): void {
    const mine = this.degradedMessage;
    if (mine === undefined) return;
    this.degradedMessage = undefined;
    this.writeDegraded((c) => {
      const d = getCondition(c, 'Degraded');
      if (d?.status === 'True' && d.message === mine) setCondition(c, 'Degraded', 'False', 'AsExpected', '');
    });
  }

  private writeDegraded(apply: (conditions: Condition[]) => void): void {
    this.ctx.store.mutate(T.clusterOperator, undefined, 'network', ACTOR.cno, (co) => {
      apply((co.status as { conditions: Condition[] }).conditions);
    });
    this.ctx.store.mutate(T.networkOperator, undefined, 'cluster', ACTOR.cno, (op) => {
      const status = (op.status ??= {}) as { conditions?: Condition[] };
      apply((status.conditions ??= []));
    });
  }
}

/** Daemonset status as `isMigrationCNIReady` compares it (plus an observed generation). */
function daemonSetSettled(ds: KObject): boolean {
  const s = (ds.status ?? {}) as Record<string, number | undefined>;
  const current = s.currentNumberScheduled;
  return (
    s.observedGeneration === ds.metadata.generation &&
    current !== undefined &&
    current === s.desiredNumberScheduled &&
    current === s.numberAvailable &&
    current === s.numberReady &&
    current === s.updatedNumberScheduled
  );
}

interface Step {
  type: NetworkType;
  migration: LiveSpec | null;
}

/** `prepareOperatorConfigForNetworkTypeMigration`: the next Network.operator spec, or why not. */
function nextStep(config: KObject, operator: KObject, hostMtu: number): Step | string | undefined {
  const status = config.status as ConfigStatus;
  const target = (config.spec as { networkType: NetworkType }).networkType;
  const current = (operator.spec as OperatorSpec).defaultNetwork.type;
  const mtuCond = getCondition(status.conditions, 'NetworkTypeMigrationMTUReady');
  if (!mtuCond) return 'condition "NetworkTypeMigrationMTUReady" not found';
  if (mtuCond.reason === 'MachineConfigPoolDegraded')
    return 'MCP is degraded, network type migration cannot proceed';
  if (mtuCond.reason === 'MachineConfigPoolsUpdating') return undefined;
  const isTrue = (t: string) => getCondition(status.conditions, t)?.status === 'True';
  const mtuApplied = mtuCond.status === 'True';
  const cniReady = isTrue('NetworkTypeMigrationTargetCNIAvailable');
  const live = (mtu?: MtuMigration): LiveSpec => ({
    mode: 'Live',
    networkType: target,
    ...(mtu ? { mtu } : {}),
  });
  if (isTrue('NetworkTypeMigrationTargetCNIInUse'))
    return cniReady ? { type: target, migration: null } : undefined;
  if (mtuApplied) return { type: target, migration: live() }; // step 3
  const migration = (operator.spec as OperatorSpec).migration ?? null;
  if (!cniReady && !status.migration?.networkType) return { type: current, migration: live() }; // step 1
  if (cniReady && current !== target) {
    // Step 2: the routable MTU; a rollback also switches CNO's type here.
    const from = status.clusterNetworkMTU ?? 0;
    const mtu = status.migration?.mtu ?? {
      network: { from, to: status.networkType === 'OVNKubernetes' ? from : from - 50 },
      machine: { to: hostMtu },
    };
    return { type: target === 'OpenShiftSDN' ? target : current, migration: live(mtu) };
  }
  return { type: current, migration };
}
