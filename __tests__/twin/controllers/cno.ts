// The cluster-network-operator, for what a migration touches. It decides whether a change of the
// default network type is allowed: on 4.5–4.7 only with the `network-migration` annotation on
// Network.operator; on 4.8+ only as the target of `spec.migration`, which it first copies into
// Network.config `status.migration` (that is what MCO renders from). A refused change degrades
// co/network and nothing else moves. An honoured one switches the plugin: new namespace and node
// daemonset, the old daemonset removed, multus re-rendered, pods on un-rebooted nodes broken.
import type { TwinContext } from '../context.ts';
import { minorVersion, type NetworkType } from '../scenario.ts';
import type { KObject, StoreEvent } from '../store.ts';
import { daemonPodObject, daemonSetObject, namespaceObject } from './builders.ts';
import { LiveMigration } from './cno-live.ts';
import { convertSdnFeatures } from './sdn-conversion.ts';
import { defaultOverlayMtu, refuseInvalidConfig, unsafeTypeChangeMessage } from './cno-validation.ts';
import type { Kubelet } from './kubelet.ts';
import type { MultusRollout } from './multus.ts';
import type { PodIndex } from './pod-index.ts';
import { markPodNotReady } from './pod-status.ts';
import { MULTUS_DS, networkUpgradeable, NS, pluginContainers, pluginDaemonSet } from './seed.ts';
import type { Timers } from './timers.ts';
import { ACTOR, T } from './types.ts';
import { type Condition, getCondition, randomHex, randomSuffix, setCondition } from './util.ts';

export const MIGRATION_ANNOTATION = 'networkoperator.openshift.io/network-migration';
export const INVALID_CONFIG_REASON = 'InvalidOperatorConfig';

interface NetworkConfig extends KObject {
  spec: { networkType?: string };
  status: { networkType?: string; clusterNetworkMTU?: number; migration?: { networkType?: string } | null };
}

interface NetworkOperator extends KObject {
  spec: {
    defaultNetwork: {
      type: string;
      openshiftSDNConfig?: { mtu?: number } | null;
      ovnKubernetesConfig?: { mtu?: number; genevePort?: number } | null;
    };
    migration?: { networkType?: string } | null;
  };
  status?: { conditions?: Condition[] };
}

export class Cno {
  private readonly ctx: TwinContext;
  private readonly timers: Timers;
  private readonly pods: PodIndex;
  private readonly kubelet: Kubelet;
  private readonly multus: MultusRollout;
  private readonly minor: number;
  private readonly unsubscribe: () => void;
  /** 4.15–4.16 limited live migration (cno-live.ts): owns the reconcile while its annotation is set. */
  private readonly live: LiveMigration;

  constructor(ctx: TwinContext, timers: Timers, pods: PodIndex, kubelet: Kubelet, multus: MultusRollout) {
    this.ctx = ctx;
    this.timers = timers;
    this.pods = pods;
    this.kubelet = kubelet;
    this.multus = multus;
    this.minor = minorVersion(ctx.scenario.version)[1];
    this.live = new LiveMigration(ctx, timers, multus, this.minor, {
      deployPlugin: (type) => this.deployPlugin(type),
      removePlugin: (type) => this.removePlugin(type),
      mtuFor: (type) => this.mtuFor(type),
      schedule: () => this.schedule(),
    });
    this.unsubscribe = ctx.store.subscribe((e) => this.onEvent(e));
    this.schedule();
  }

  stop(): void {
    this.unsubscribe();
    this.live.stop();
  }

  private onEvent(e: StoreEvent): void {
    if (
      (e.resource === T.networkConfig || e.resource === T.networkOperator) &&
      e.object.metadata.name === 'cluster'
    )
      this.schedule();
    if (
      e.resource === T.daemonSet &&
      (e.object.metadata.namespace === NS.multus ||
        e.object.metadata.namespace === NS.sdn ||
        e.object.metadata.namespace === NS.ovn)
    )
      this.timers.debounce('cno-progressing', 0, () => this.reportProgressing());
  }

  private schedule(): void {
    this.timers.debounce('cno', this.ctx.scenario.timing.cnoReconcileSeconds, () => this.reconcile());
  }

  private reconcile(): void {
    const store = this.ctx.store;
    const config = store.get(T.networkConfig, undefined, 'cluster') as NetworkConfig | undefined;
    const operator = store.get(T.networkOperator, undefined, 'cluster') as NetworkOperator | undefined;
    if (!config || !operator) return;
    if (this.live.reconcile(config, operator)) return;
    const migrationTarget =
      this.minor >= 8 ? (operator.spec.migration?.networkType as NetworkType | undefined) : undefined;
    if (this.minor >= 8 && (config.status.migration?.networkType ?? undefined) !== migrationTarget) {
      store.mutate(T.networkConfig, undefined, 'cluster', ACTOR.cno, (o) => {
        const status = (o as NetworkConfig).status;
        if (migrationTarget) status.migration = { networkType: migrationTarget };
        else delete status.migration;
      });
    }
    // CNO's own validation (cno-validation.ts): an invalid spec degrades co/network, nothing renders.
    if (refuseInvalidConfig(this.ctx, this.minor)) return;

    const wanted = config.spec.networkType as NetworkType | undefined;
    const current = config.status.networkType as NetworkType;
    if (wanted && wanted !== current) {
      const allowed =
        this.minor <= 7
          ? operator.metadata.annotations?.[MIGRATION_ANNOTATION] !== undefined
          : wanted === migrationTarget;
      if (!allowed) {
        this.setDegraded(unsafeTypeChangeMessage(this.minor, migrationTarget));
        return;
      }
      if (!this.switchPlugin(current, wanted)) {
        // The target namespace is still terminating: try again once it is gone.
        this.timers.after(this.ctx.scenario.timing.namespaceTerminatingSeconds, () => this.schedule());
        return;
      }
    }
    this.setDegraded(undefined);
    this.syncMtu();
  }

  /** Degraded=True for a refused type change; cleared once the request is withdrawn or honoured. */
  private setDegraded(refusal: string | undefined): void {
    const apply = (conditions: Condition[]) => {
      const existing = getCondition(conditions, 'Degraded');
      if (refusal) setCondition(conditions, 'Degraded', 'True', INVALID_CONFIG_REASON, refusal);
      else if (existing?.status === 'True' && existing.reason === INVALID_CONFIG_REASON)
        setCondition(conditions, 'Degraded', 'False', 'AsExpected', '');
    };
    this.ctx.store.mutate(T.clusterOperator, undefined, 'network', ACTOR.cno, (co) => {
      apply((co.status as { conditions: Condition[] }).conditions);
    });
    this.ctx.store.mutate(T.networkOperator, undefined, 'cluster', ACTOR.cno, (op) => {
      const status = (op.status ??= {}) as { conditions?: Condition[] };
      apply((status.conditions ??= []));
    });
  }

  /** Switches the default network plugin; false when its namespace is still being deleted. */
  private switchPlugin(from: NetworkType, to: NetworkType): boolean {
    const store = this.ctx.store;
    const target = pluginDaemonSet(to);
    const ns = store.get(T.namespace, undefined, target.namespace);
    if (ns?.metadata.deletionTimestamp) return false;
    store.mutate(T.networkOperator, undefined, 'cluster', ACTOR.cno, (o) => {
      (o as NetworkOperator).spec.defaultNetwork.type = to;
    });
    store.mutate(T.networkConfig, undefined, 'cluster', ACTOR.cno, (o) => {
      const status = (o as NetworkConfig).status;
      status.networkType = to;
      status.clusterNetworkMTU = this.mtuFor(to);
    });
    if (!ns)
      store.create(
        namespaceObject(target.namespace, this.minor, { 'openshift.io/run-level': '0' }),
        ACTOR.cno,
      );
    this.deployPlugin(to);
    this.removePlugin(from);
    // 4.12+ offline migration: the SDN features become OVN objects (spec.migration.features).
    const migration = (store.get(T.networkOperator, undefined, 'cluster') as NetworkOperator | undefined)
      ?.spec.migration as { networkType?: string; features?: Record<string, boolean> } | null | undefined;
    if (to === 'OVNKubernetes' && migration?.networkType === to)
      convertSdnFeatures(this.ctx, this.minor, migration.features);
    this.kubelet.pluginChanged();
    this.multus.rerender(to);
    store.mutate(T.clusterOperator, undefined, 'network', ACTOR.cno, (co) => {
      const conditions = (co.status as { conditions: Condition[] }).conditions;
      const u = networkUpgradeable(this.minor, to);
      setCondition(conditions, 'Upgradeable', u.status, u.reason ?? '', u.message ?? '');
    });
    return true;
  }

  private deployPlugin(type: NetworkType): void {
    const store = this.ctx.store;
    const target = pluginDaemonSet(type);
    if (store.get(T.daemonSet, target.namespace, target.name)) return;
    const nodes = store.list(T.node);
    const ref = { ...target, containers: pluginContainers(type) };
    const ds = store.create(
      daemonSetObject({
        ...ref,
        nodeCount: nodes.length,
        hostNetwork: true,
        owner: store.get(T.networkOperator, undefined, 'cluster'),
      }),
      ACTOR.cno,
    );
    const revision = randomHex(10);
    for (const n of nodes) {
      let name: string;
      do name = `${target.name}-${randomSuffix()}`;
      while (this.pods.has(target.namespace, name));
      const ip =
        (n.status as { addresses?: { type: string; address: string }[] }).addresses?.find(
          (a) => a.type === 'InternalIP',
        )?.address ?? '';
      const pod = daemonPodObject(ref, name, n.metadata.name, ip, ds.metadata.uid ?? '', revision, '1');
      const readyIn = this.kubelet.pluginPodReadySeconds(target.namespace);
      if (readyIn > 0) markPodNotReady(pod);
      store.create(pod, ACTOR.cno);
      if (readyIn > 0) this.kubelet.readyLater(n.metadata.name, target.namespace, name, readyIn);
    }
  }

  /** CNO prunes the objects it no longer renders; the namespace stays (the procedure deletes it). */
  private removePlugin(type: NetworkType): void {
    const store = this.ctx.store;
    const old = pluginDaemonSet(type);
    if (!store.get(T.daemonSet, old.namespace, old.name)) return;
    store.delete(T.daemonSet, old.namespace, old.name, ACTOR.cno);
    for (const p of this.pods.ofDaemonSet(old.namespace, old.name))
      store.delete(T.pod, p.namespace, p.name, ACTOR.cno);
  }

  private mtuFor(type: NetworkType): number {
    const op = this.ctx.store.get(T.networkOperator, undefined, 'cluster') as NetworkOperator | undefined;
    const dn = op?.spec.defaultNetwork;
    const configured = type === 'OVNKubernetes' ? dn?.ovnKubernetesConfig?.mtu : dn?.openshiftSDNConfig?.mtu;
    return configured ?? defaultOverlayMtu(this.ctx, type);
  }

  /** The overlay MTU in Network.config status follows the running plugin's configured MTU. */
  private syncMtu(): void {
    const config = this.ctx.store.get(T.networkConfig, undefined, 'cluster') as NetworkConfig | undefined;
    if (!config) return;
    const type = config.status.networkType as NetworkType;
    const op = this.ctx.store.get(T.networkOperator, undefined, 'cluster') as NetworkOperator | undefined;
    const dn = op?.spec.defaultNetwork;
    const configured = type === 'OVNKubernetes' ? dn?.ovnKubernetesConfig?.mtu : dn?.openshiftSDNConfig?.mtu;
    if (configured === undefined || configured === config.status.clusterNetworkMTU) return;
    this.ctx.store.mutate(T.networkConfig, undefined, 'cluster', ACTOR.cno, (o) => {
      (o as NetworkConfig).status.clusterNetworkMTU = configured;
    });
  }

  /** co/network Progressing while a network daemonset is rolling out or not fully available. */
  private reportProgressing(): void {
    const store = this.ctx.store;
    const config = store.get(T.networkConfig, undefined, 'cluster') as NetworkConfig | undefined;
    if (!config) return;
    const plugin = pluginDaemonSet(config.status.networkType as NetworkType);
    // The other plugin runs too during a live migration (elsewhere it is gone at the switch).
    const other = pluginDaemonSet(
      config.status.networkType === 'OVNKubernetes' ? 'OpenShiftSDN' : 'OVNKubernetes',
    );
    const waiting: string[] = [];
    for (const [ns, name] of [
      [NS.multus, MULTUS_DS],
      [plugin.namespace, plugin.name],
      [other.namespace, other.name],
    ]) {
      const ds = store.get(T.daemonSet, ns, name);
      if (!ds) continue;
      const st = (ds.status ?? {}) as Record<string, number>;
      const desired = st.desiredNumberScheduled ?? 0;
      if (st.observedGeneration !== ds.metadata.generation || (st.updatedNumberScheduled ?? 0) < desired)
        waiting.push(
          `DaemonSet "/${ns}/${name}" update is rolling out (${st.updatedNumberScheduled ?? 0} out of ${desired} updated)`,
        );
      else if ((st.numberAvailable ?? 0) < desired)
        waiting.push(
          `DaemonSet "/${ns}/${name}" is not available (awaiting ${desired - (st.numberAvailable ?? 0)} nodes)`,
        );
    }
    store.mutate(T.clusterOperator, undefined, 'network', ACTOR.cno, (co) => {
      const conditions = (co.status as { conditions: Condition[] }).conditions;
      if (waiting.length) setCondition(conditions, 'Progressing', 'True', 'Deploying', waiting.join('\n'));
      else setCondition(conditions, 'Progressing', 'False', 'AsExpected', '');
    });
  }
}
