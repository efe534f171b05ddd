// After the switch: what OpenShift SDN had is still there in OVN-Kubernetes' form. Every
// EgressNetworkPolicy has an EgressFirewall `default` in its namespace with the same rules in the same
// order; every NetNamespace egress IP is in an EgressIP selecting that namespace; every node that had
// egressIPs/egressCIDRs carries k8s.ovn.org/egress-assignable; every multicast namespace carries
// k8s.ovn.org/multicast-enabled. The SDN objects stay in the cluster after the migration (their CRDs are
// not removed), so they are read again here — the same objects the preflight inventory counted.
// 4.12+ converts them (a loss fails the run; a conversion turned off by a migrate-* input is listed as
// such); before 4.12 the administrator applies converted/*.yaml (ovn-manifests.ts), so a missing object
// is a warning until they have.
import type { Cluster } from '../cluster/client.ts';
import type { KObject, ListRef } from '../cluster/types.ts';
import type { MigrationFeatures } from '../inputs/migration-features.ts';
import { FEATURE_INPUTS } from '../inputs/migration-features.ts';
import { clusterMinor } from '../procedure/cluster-minor.ts';
import type { StepContext } from '../procedure/types.ts';
import type { CheckRecord } from '../report/model.ts';
import { readSdnObjects, type EgressRule, type SdnObjects } from './inventory.ts';
import { CONVERTED_DIR, writeOvnManifests } from './ovn-manifests.ts';
import { listOrEmpty } from './preflight/list-or-absent.ts';

export const OVN_MULTICAST = 'k8s.ovn.org/multicast-enabled';
export const EGRESS_ASSIGNABLE = 'k8s.ovn.org/egress-assignable';
export const CONVERTS_FROM_MINOR = 12;

const EGRESS_FIREWALLS: ListRef = { apiVersion: 'k8s.ovn.org/v1', kind: 'EgressFirewall' };
const EGRESS_IPS: ListRef = { apiVersion: 'k8s.ovn.org/v1', kind: 'EgressIP' };

interface OvnObjects {
  firewalls: KObject[];
  egressIPs: KObject[];
  nodes: KObject[];
  namespaces: KObject[];
}

async function readOvnObjects(cluster: Cluster): Promise<OvnObjects> {
  const [firewalls, egressIPs, nodes, namespaces] = await Promise.all([
    listOrEmpty(cluster, EGRESS_FIREWALLS),
    listOrEmpty(cluster, EGRESS_IPS),
    listOrEmpty(cluster, { apiVersion: 'v1', kind: 'Node' }),
    listOrEmpty(cluster, { apiVersion: 'v1', kind: 'Namespace' }),
  ]);
  return { firewalls, egressIPs, nodes, namespaces };
}

/** True when the EgressIP's namespaceSelector.matchLabels select this namespace. */
function selects(eip: KObject, ns: KObject | undefined, name: string): boolean {
  const want = (eip.spec?.namespaceSelector?.matchLabels ?? {}) as Record<string, string>;
  const labels: Record<string, string> = { ...ns?.metadata.labels, 'kubernetes.io/metadata.name': name };
  return Object.keys(want).length > 0 && Object.entries(want).every(([k, v]) => labels[k] === v);
}

/** The rules as `Deny 10.9.0.0/16` lines, in order: field order in the objects does not matter. */
function ruleLines(rules: unknown): string[] {
  return ((Array.isArray(rules) ? rules : []) as EgressRule[]).map(
    (r) => `${r.type} ${r.to?.cidrSelector ?? ''} ${r.to?.dnsName ?? ''}`,
  );
}

function sameRules(a: unknown, b: unknown): boolean {
  const x = ruleLines(a);
  const y = ruleLines(b);
  return x.length === y.length && x.every((l, i) => l === y[i]);
}

type Finding = { matched: string[]; missing: string[]; skipped: string[] };

/** Each SDN object against its OVN counterpart; `off` names the features not converted on purpose. */
export function compareConversion(
  sdn: SdnObjects,
  ovn: OvnObjects,
  off: (keyof MigrationFeatures)[] = [],
): Finding {
  const f: Finding = { matched: [], missing: [], skipped: [] };
  const note = (feature: keyof MigrationFeatures, ok: boolean, what: string, counterpart: string) => {
    if (off.includes(feature)) f.skipped.push(`${what}: not converted (${FEATURE_INPUTS[feature]}: false)`);
    else if (ok) f.matched.push(`${what} → ${counterpart}`);
    else f.missing.push(`${what}: no ${counterpart}`);
  };
  for (const p of sdn.firewalls) {
    const fw = ovn.firewalls.find(
      (x) => x.metadata.namespace === p.namespace && x.metadata.name === 'default',
    );
    const same = !!fw && sameRules(fw.spec?.egress, p.egress);
    const counterpart = `EgressFirewall ${p.namespace}/default with the same ${p.egress.length} rule(s) in order`;
    note('egressFirewall', same, `EgressNetworkPolicy ${p.namespace}/${p.name}`, counterpart);
  }
  const nsByName = new Map(ovn.namespaces.map((n) => [n.metadata.name, n]));
  for (const n of sdn.namespaceEgressIPs)
    for (const ip of n.ips) {
      const eip = ovn.egressIPs.find(
        (e) =>
          ((e.spec?.egressIPs ?? []) as string[]).includes(ip) &&
          selects(e, nsByName.get(n.namespace), n.namespace),
      );
      note(
        'egressIP',
        !!eip,
        `egress IP ${ip} of namespace ${n.namespace}`,
        eip ? `EgressIP ${eip.metadata.name}` : 'EgressIP selecting it',
      );
    }
  for (const name of sdn.egressNodes) {
    const node = ovn.nodes.find((x) => x.metadata.name === name);
    note(
      'egressIP',
      node?.metadata.labels?.[EGRESS_ASSIGNABLE] !== undefined,
      `egress node ${name}`,
      `label ${EGRESS_ASSIGNABLE}`,
    );
  }
  for (const name of sdn.multicastNamespaces)
    note(
      'multicast',
      nsByName.get(name)?.metadata.annotations?.[OVN_MULTICAST] === 'true',
      `multicast namespace ${name}`,
      `annotation ${OVN_MULTICAST}: "true"`,
    );
  return f;
}

function featuresOff(features: MigrationFeatures | undefined): (keyof MigrationFeatures)[] {
  return features ? (Object.keys(features) as (keyof MigrationFeatures)[]).filter((k) => !features[k]) : [];
}

/** The verification check; undefined when the cluster had none of the features. */
export async function ovnConversionCheck(ctx: StepContext): Promise<CheckRecord | undefined> {
  if (ctx.target !== 'OVNKubernetes') return undefined;
  const sdn = await readSdnObjects(ctx.cluster);
  return ovnConversionRecord(ctx, sdn);
}

async function ovnConversionRecord(ctx: StepContext, sdn: SdnObjects): Promise<CheckRecord | undefined> {
  if (
    !sdn.firewalls.length &&
    !sdn.namespaceEgressIPs.length &&
    !sdn.egressNodes.length &&
    !sdn.multicastNamespaces.length
  )
    return undefined;
  const minor = clusterMinor(ctx);
  const converts = minor >= CONVERTS_FROM_MINOR;
  const f = compareConversion(
    sdn,
    await readOvnObjects(ctx.cluster),
    converts ? featuresOff(ctx.settings.migrationFeatures) : [],
  );
  if (!converts && f.missing.length) await offerManifests(ctx, sdn);
  const items = [
    ...f.missing.map((m) => `missing: ${m}`),
    ...f.skipped,
    ...f.matched.map((m) => `matched: ${m}`),
  ];
  const counts = `${f.matched.length} matched, ${f.missing.length} missing${f.skipped.length ? `, ${f.skipped.length} not converted on purpose` : ''}`;
  return {
    id: 'sdn-features-converted',
    title: 'Egress IPs, egress firewalls and multicast carried over to OVN-Kubernetes',
    ok: f.missing.length === 0,
    severity: converts ? 'blocking' : 'warn',
    detail: !f.missing.length
      ? counts
      : converts
        ? `${counts} — the network operator's conversion lost them; re-create each from the SDN object named`
        : `${counts} — OpenShift 4.${minor} does not convert them: apply the manifests in the artifact's converted/ directory (kubectl apply -f converted/), then run again in verify mode`,
    items,
  };
}

/** Before 4.12: converted/*.yaml into the artifact, and the warning that says to apply them. */
async function offerManifests(ctx: StepContext, sdn: SdnObjects): Promise<void> {
  const paths = await writeOvnManifests(ctx.backupDir, sdn);
  for (const p of paths) if (!ctx.report.backup.files.includes(p)) ctx.report.backup.files.push(p);
  const names = paths.map((p) => `${CONVERTED_DIR}/${p.split(/[\\/]/).pop()}`).join(', ');
  ctx.report.warnings.push(
    `${names} in the artifact: apply these after the migration (kubectl apply -f ${CONVERTED_DIR}/) — OpenShift SDN's egress IPs, egress firewalls and multicast are not converted before 4.12; a run in verify mode then checks them`,
  );
  ctx.log.info(`  OVN-Kubernetes manifests to apply after the migration: ${names}`);
}
