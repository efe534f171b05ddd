// The network operator's own validation of its configuration, as cluster-network-operator does it
// (pkg/network/render.go `Validate`, ovn_kubernetes.go `validateOVNKubernetes`, openshift_sdn.go
// `validateOpenShiftSDN`, release-4.6 … release-4.16), and the overlay MTU it picks when none is set
// (`fillOVNKubernetesDefaults` / `fillOpenShiftSDNDefaults`). The operator first merges Network.config
// into its own spec (`MergeClusterConfig`: `spec.networkType` becomes `defaultNetwork.type`, the cluster
// and service networks are copied), then validates the default network of that type — so an invalid
// OVN-Kubernetes setting is refused only once `spec.networkType` asks for OVN-Kubernetes, before the
// type-change check (operconfig_controller.go: Validate runs before IsChangeSafe):
//
//   if err := network.Validate(&operConfig.Spec); err != nil {
//       r.status.SetDegraded(statusmanager.OperatorConfig, "InvalidOperatorConfig",
//           fmt.Sprintf("The operator configuration is invalid (%v). Use 'oc edit network.operator.openshift.io cluster' to fix.", err))
//       return reconcile.Result{}, err
//   }
//
// with `Validate` returning `errors.Errorf("invalid configuration: %v", errs)` ([]error prints as
// `[a b]`). Nothing is rendered while it is invalid. What the operator does NOT check, the twin does
// not either: no reserved ports (6443, 22623, 9000–9999, …) and no clash between genevePort and
// vxlanPort — only the range 1–65535 (`invalid GenevePort %d`, `invalid VXLANPort %d`). The action's
// own input checks (src/inputs/reserved-ports.ts) are stricter on purpose.
import type { TwinContext } from '../context.ts';
import type { NetworkType } from '../scenario.ts';
import type { KObject } from '../store.ts';
import { NS } from './seed.ts';
import { ACTOR, T } from './types.ts';
import { type Condition, getCondition, setCondition } from './util.ts';

export const INVALID_REASON = 'InvalidOperatorConfig';

/** pkg/network/mtu.go: `MinMTUIPv4 uint32 = 576 // RFC 791`, `MinMTUIPv6 uint32 = 1280 // RFC 8200`, `MaxMTU uint32 = 65536`. */
export const MIN_MTU_IPV4 = 576;
export const MIN_MTU_IPV6 = 1280;
export const MAX_MTU = 65536;
/** `const geneveOverhead = 100` (getOVNEncapOverhead); `uint32(hostMTU) - 50 // 50 byte VXLAN header`. */
export const OVERHEAD: Record<NetworkType, number> = { OVNKubernetes: 100, OpenShiftSDN: 50 };
/** sdnPluginName: the modes openshift-sdn knows. */
const SDN_MODES = ['Subnet', 'Multitenant', 'NetworkPolicy'];

interface Spec {
  networkType?: string;
  clusterNetwork?: { cidr?: string }[];
  serviceNetwork?: string[];
}
interface DefaultNetwork {
  openshiftSDNConfig?: { mode?: string; mtu?: number; vxlanPort?: number } | null;
  ovnKubernetesConfig?: { mtu?: number; genevePort?: number } | null;
}

const isIPv6 = (cidr: string | undefined) => (cidr ?? '').includes(':');

/**
 * validateOVNKubernetes: `minMTU := MinMTUIPv4; if cnHasIPv6 { minMTU = MinMTUIPv6 }` — the IPv6 floor
 * came with release-4.10 (4.5–4.9: `*oc.MTU < 576 || *oc.MTU > 65536`); it looks at the cluster
 * networks only (the service networks must have the same families anyway).
 */
function ovnErrors(minor: number, spec: Spec, dn: DefaultNetwork): string[] {
  const oc = dn.ovnKubernetesConfig;
  if (!oc) return [];
  const out: string[] = [];
  const cnHasIPv6 = (spec.clusterNetwork ?? []).some((c) => isIPv6(c.cidr));
  const minMtu = minor >= 10 && cnHasIPv6 ? MIN_MTU_IPV6 : MIN_MTU_IPV4;
  if (oc.mtu !== undefined && (oc.mtu < minMtu || oc.mtu > MAX_MTU)) out.push(`invalid MTU ${oc.mtu}`);
  if (oc.genevePort !== undefined && (oc.genevePort < 1 || oc.genevePort > 65535))
    out.push(`invalid GenevePort ${oc.genevePort}`);
  return out;
}

/** validateOpenShiftSDN: mode, VXLANPort 1–65535, MTU 576–65536 (OpenShift SDN is IPv4 only). */
function sdnErrors(dn: DefaultNetwork): string[] {
  const sc = dn.openshiftSDNConfig;
  if (!sc) return [];
  const out: string[] = [];
  if (sc.mode && !SDN_MODES.includes(sc.mode)) out.push(`invalid openshift-sdn mode "${sc.mode}"`);
  if (sc.vxlanPort !== undefined && (sc.vxlanPort < 1 || sc.vxlanPort > 65535))
    out.push(`invalid VXLANPort ${sc.vxlanPort}`);
  if (sc.mtu !== undefined && (sc.mtu < MIN_MTU_IPV4 || sc.mtu > MAX_MTU)) out.push(`invalid MTU ${sc.mtu}`);
  return out;
}

/** What `network.Validate` would return for the merged spec, one string per error; [] when valid. */
export function validationErrors(ctx: TwinContext, minor: number): string[] {
  const config = ctx.store.get(T.networkConfig, undefined, 'cluster');
  const operator = ctx.store.get(T.networkOperator, undefined, 'cluster');
  if (!config || !operator) return [];
  const spec = (config.spec ?? {}) as Spec;
  const dn = ((operator.spec as { defaultNetwork?: DefaultNetwork }).defaultNetwork ?? {}) as DefaultNetwork;
  const type = spec.networkType ?? (config.status as { networkType?: string }).networkType;
  if (type === 'OVNKubernetes') return ovnErrors(minor, spec, dn);
  if (type === 'OpenShiftSDN') return sdnErrors(dn);
  return [];
}

/** The operator's condition message for a failed validation, word for word. */
export function invalidConfigMessage(errors: string[]): string {
  return `The operator configuration is invalid (invalid configuration: [${errors.join(' ')}]). Use 'oc edit network.operator.openshift.io cluster' to fix.`;
}

/**
 * CNO's reconcile step: when the merged spec is invalid, co/network and Network.operator turn
 * `Degraded=True` (InvalidOperatorConfig, the message above) and the caller renders nothing. True when
 * it refused. A valid spec leaves the condition to the rest of the reconcile, which clears it.
 */
export function refuseInvalidConfig(ctx: TwinContext, minor: number): boolean {
  const errors = validationErrors(ctx, minor);
  if (!errors.length) return false;
  const message = invalidConfigMessage(errors);
  const apply = (conditions: Condition[]) => {
    const d = getCondition(conditions, 'Degraded');
    if (d?.status !== 'True' || d.message !== message)
      setCondition(conditions, 'Degraded', 'True', INVALID_REASON, message);
  };
  ctx.store.mutate(T.clusterOperator, undefined, 'network', ACTOR.cno, (co) =>
    apply((co.status as { conditions: Condition[] }).conditions),
  );
  ctx.store.mutate(T.networkOperator, undefined, 'cluster', ACTOR.cno, (op) => {
    const status = (op.status ??= {}) as { conditions?: Condition[] };
    apply((status.conditions ??= []));
  });
  return true;
}

/**
 * The refusal of a network type change without the migration trigger. It is `IsChangeSafe`, not
 * `Validate`, that refuses it (operconfig_controller.go):
 *   "Not applying unsafe configuration change: %v. Use 'oc edit network.operator.openshift.io cluster' to undo the change."
 * with render.go isDefaultNetworkChangeSafe's error: 4.5–4.7 "cannot change default network type"
 * (the annotation lifts the check); 4.8+ "cannot change default network type when not doing
 * migration", or, with `spec.migration` naming another type, "can only change default network type to
 * the target migration network type".
 */
export function unsafeTypeChangeMessage(minor: number, migrationTarget: string | undefined): string {
  const error =
    minor <= 7
      ? 'cannot change default network type'
      : migrationTarget
        ? 'can only change default network type to the target migration network type'
        : 'cannot change default network type when not doing migration';
  return `Not applying unsafe configuration change: invalid configuration: [${error}]. Use 'oc edit network.operator.openshift.io cluster' to undo the change.`;
}

/** The node the network-operator pod runs on (hostNetwork, on a master), or the first master. */
export function cnoHost(ctx: TwinContext): string {
  const pod = ctx.store
    .list(T.pod, NS.cno)
    .find((p: KObject) => p.metadata.name.startsWith('network-operator-'));
  const node = (pod?.spec as { nodeName?: string } | undefined)?.nodeName;
  return node ?? (ctx.scenario.nodes.find((n) => n.pool === 'master') ?? ctx.scenario.nodes[0]).name;
}

/**
 * The overlay MTU when none is configured: the default-route MTU of the host CNO runs on, minus the
 * overlay's overhead. 4.6: "If MTU is not supplied, we infer it from the host on which CNO is running";
 * 4.14: no probe is needed during a migration (the applied SDN config has an MTU), so
 * `hostMTU == 0` → "Falling back to host MTU" → `GetDefaultMTU()` on CNO's own (master) host. With
 * mixed node MTUs that is not the smallest one: nodes with a smaller link get an overlay MTU too large.
 */
export function defaultOverlayMtu(ctx: TwinContext, type: NetworkType): number {
  const host = cnoHost(ctx);
  const mtu = ctx.scenario.nodes.find((n) => n.name === host)?.mtu ?? 1500;
  return mtu - OVERHEAD[type];
}
