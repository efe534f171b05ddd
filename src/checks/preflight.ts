// Preflight: everything that must hold before the first change, checked in plan and migrate mode
// alike (plan reports; migrate refuses when a blocking check fails). Each check is a CheckRecord with
// evidence and, when it fails, what to do about it. A check that cannot be evaluated (an API error, no
// SSH key in plan mode) fails with the reason rather than passing silently.
import { existsSync, readFileSync } from 'node:fs';
import os from 'node:os';
import { parse as parseYaml } from 'yaml';
import {
  CLUSTER_OPERATORS,
  INFRASTRUCTURE,
  type KObject,
  NETWORK_CONFIG,
  NETWORK_OPERATOR,
  NODES,
  POOLS,
} from '../cluster/types.ts';
import { parseVersion } from '../procedure/select.ts';
import type { StepContext, Variant } from '../procedure/types.ts';
import { MIGRATION_ANNOTATION } from '../procedure/variant-a.ts';
import {
  conditionOf,
  nodeMatchesPool,
  nodeReady,
  poolProgress,
  poolUpdated,
  unhealthyOperators,
} from '../openshift/objects.ts';
import { backupCandidates, NO_BACKUP_NODE } from './etcd-backup.ts';
import type { CheckRecord, PhaseRecord } from '../report/model.ts';
import type { SshTarget } from '../nodes/ssh.ts';
import { reservedOverlaps } from './cidr.ts';
import { estimateDuration } from './estimate.ts';
import { readInventory } from './inventory.ts';
import { describePermission, missingPermissions } from './permissions.ts';
import { oneLine, oneLineList } from '../util/untrusted-text.ts';

export const SERVICE_ACCOUNT_NAMESPACE_FILE = '/var/run/secrets/kubernetes.io/serviceaccount/namespace';
/** Geneve encapsulation overhead OVN-Kubernetes needs below the node MTU. */
export const GENEVE_OVERHEAD = 100;
const SSH_CONCURRENCY = 16;
const MAX_ITEMS = 200;

export interface PreflightOptions {
  mode: 'plan' | 'migrate';
  /**
   * Hook for checkpoint/resume: true when the migration found in progress (annotation, spec.migration,
   * status.migration) is this action's own unfinished run, which may continue.
   */
  ownRunInProgress?: boolean;
  /** Where the runner-is-a-pod check looks (tests inject these). */
  runner?: { env?: NodeJS.ProcessEnv; namespaceFile?: string };
}

/** The migration was refused before any change: names every failed blocking check and its fix. */
export class PreflightRefused extends Error {
  readonly checks: CheckRecord[];
  constructor(checks: CheckRecord[]) {
    super(
      `Preflight refused the migration (no change was made): ${checks.length} blocking check(s) failed — ${checks
        .map(
          (c) =>
            `[${c.title}] ${oneLine(c.detail)}${
              c.items?.length
                ? `: ${c.items
                    .slice(0, 3)
                    .map((i) => oneLine(i, 500))
                    .join('; ')}${c.items.length > 3 ? '; …' : ''}`
                : ''
            }`,
        )
        .join(' | ')}`,
    );
    this.name = 'PreflightRefused';
    this.checks = checks;
  }
}

/** The refusal for these checks, or undefined when every blocking one passed. */
export function refusalFor(checks: CheckRecord[]): PreflightRefused | undefined {
  const failed = checks.filter((c) => !c.ok && c.severity === 'blocking');
  return failed.length ? new PreflightRefused(failed) : undefined;
}

/**
 * Platforms the documentation lists for the offline migration. 4.5–4.7: the source document names
 * installer-provisioned bare metal only. 4.8–4.16: the later documents list bare metal, None (UPI),
 * vSphere, AWS, GCP, Azure, OpenStack, IBM Cloud and RHV/oVirt. Anything else runs with a warning.
 */
export const DOCUMENTED_PLATFORMS: { minors: [number, number]; platforms: string[]; source: string }[] = [
  {
    minors: [5, 7],
    platforms: ['BareMetal'],
    source: 'the 4.5–4.7 document lists installer-provisioned bare metal only',
  },
  {
    minors: [8, 16],
    platforms: ['BareMetal', 'None', 'VSphere', 'AWS', 'GCP', 'Azure', 'OpenStack', 'IBMCloud', 'Ovirt'],
    source:
      'the 4.8–4.16 documents list bare metal, None, vSphere, AWS, GCP, Azure, OpenStack, IBM Cloud and RHV',
  },
];

type Outcome = {
  ok: boolean;
  detail: string;
  items?: string[];
  evidence?: string;
  severity?: 'blocking' | 'warn';
};

interface NodeProbe {
  name: string;
  mtu?: number;
  iface?: string;
  error?: string;
}

function internalIPs(node: KObject): string[] {
  return ((node.status?.addresses ?? []) as { type: string; address: string }[])
    .filter((a) => a.type === 'InternalIP')
    .map((a) => a.address);
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Runs `work` over items, at most `width` at a time. */
async function inBatches<T, R>(items: T[], width: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await work(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(width, items.length) }, worker));
  return out;
}

/** Default route interface and its MTU from `ip -j route show default` and `ip -j link show` output. */
export function parseDefaultRouteMtu(stdout: string): { iface: string; mtu: number } {
  const arrays = stdout
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.startsWith('['))
    .map((l) => JSON.parse(l) as Record<string, unknown>[]);
  const [routes, links] = arrays;
  const dev = routes?.find((r) => r.dst === 'default')?.dev;
  if (typeof dev !== 'string') throw new Error('no default route in `ip -j route show default`');
  const mtu = links?.find((l) => l.ifname === dev)?.mtu;
  if (typeof mtu !== 'number') throw new Error(`interface ${dev} not in \`ip -j link show\``);
  return { iface: dev, mtu };
}

/** Groups identical failure messages: `message (nodes: a, b, c)`. */
function grouped(failures: NodeProbe[]): string[] {
  const by = new Map<string, string[]>();
  for (const f of failures) by.set(f.error!, [...(by.get(f.error!) ?? []), f.name]);
  return [...by.entries()].map(([msg, nodes]) =>
    nodes.length === 1
      ? `${nodes[0]}: ${msg}`
      : `${msg} (${nodes.length} nodes: ${nodes.slice(0, 10).join(', ')}${nodes.length > 10 ? ', …' : ''})`,
  );
}

export async function runPreflight(
  ctx: StepContext,
  variant: Variant,
  opts: PreflightOptions,
): Promise<CheckRecord[]> {
  const checks: CheckRecord[] = [];
  const phase: PhaseRecord = {
    id: 'preflight',
    title: 'Preflight checks',
    startedAt: new Date().toISOString(),
  };
  ctx.report.phases.push(phase);
  const add = (id: string, title: string, severity: 'blocking' | 'warn', o: Outcome): CheckRecord => {
    const c: CheckRecord = {
      id: `preflight-${id}`,
      title,
      ok: o.ok,
      severity: o.severity ?? severity,
      detail: o.detail,
      ...(o.items?.length ? { items: o.items.slice(0, MAX_ITEMS) } : {}),
      ...(o.evidence ? { evidence: o.evidence } : {}),
    };
    checks.push(c);
    ctx.report.checks.push(c);
    const mark = c.ok ? '✓' : c.severity === 'warn' ? '⚠' : '✗';
    ctx.log.info(`${mark} ${c.title}: ${oneLine(c.detail)}${oneLineList(c.items)}`);
    return c;
  };
  /** One check; an error while evaluating it fails it with the error. */
  const check = async (
    id: string,
    title: string,
    severity: 'blocking' | 'warn',
    fn: () => Promise<Outcome>,
  ) => {
    let o: Outcome;
    try {
      o = await fn();
    } catch (err) {
      o = { ok: false, detail: `could not be checked: ${message(err)}` };
    }
    return add(id, title, severity, o);
  };

  const { cluster, settings } = ctx;
  const version = ctx.report.cluster.version ?? '';
  const minor = parseVersion(version).minor;

  add('api', 'API server reachable and credentials accepted', 'blocking', {
    ok: true,
    detail: `connected to ${cluster.server} as ${cluster.user}`,
  });

  await check(
    'permissions',
    'Every API permission the run needs (SelfSubjectAccessReview)',
    'blocking',
    async () => {
      const missing = await missingPermissions(cluster);
      return missing.length
        ? {
            ok: false,
            detail: `${missing.length} permission(s) missing for ${cluster.user} — use a cluster-admin kubeconfig (oc adm policy add-cluster-role-to-user cluster-admin <user>)`,
            items: missing.map((p) => `${describePermission(p)} (to ${p.why})`),
          }
        : { ok: true, detail: 'every permission the migration needs is granted' };
    },
  );

  add('version', 'OpenShift version supported and procedure chosen', 'blocking', {
    ok: true,
    detail: `OpenShift ${version} → procedure ${variant.title}`,
  });

  const operator = await cluster.get(NETWORK_OPERATOR).catch(() => undefined);
  const config = await cluster.get(NETWORK_CONFIG).catch(() => undefined);

  await check(
    'network-type',
    'Current network plugin is OpenShift SDN in NetworkPolicy mode',
    'blocking',
    async () => {
      if (!config || !operator)
        return {
          ok: false,
          detail: 'Network.config.openshift.io or Network.operator.openshift.io "cluster" not found',
        };
      const type = String(config.status?.networkType ?? config.spec?.networkType ?? '(none)');
      if (type !== variant.from)
        return {
          ok: false,
          detail: `the network type is ${type}, not ${variant.from} — this action migrates from OpenShift SDN only`,
        };
      const mode = operator.spec?.defaultNetwork?.openshiftSDNConfig?.mode as string | undefined;
      if (mode === undefined || mode === 'NetworkPolicy')
        return {
          ok: true,
          detail: `OpenShiftSDN, mode ${mode ?? 'NetworkPolicy (the default; openshiftSDNConfig.mode not set)'}`,
        };
      if (mode === 'Multitenant')
        return {
          ok: false,
          detail:
            'OpenShift SDN is in Multitenant isolation mode — the migration supports NetworkPolicy mode only (OVN-Kubernetes has no multitenant isolation and the network operator refuses it). Replace project isolation with NetworkPolicy objects, set Network.operator spec.defaultNetwork.openshiftSDNConfig.mode to NetworkPolicy, then run again',
        };
      return {
        ok: false,
        detail: `OpenShift SDN is in ${mode} mode — the documented prerequisite is NetworkPolicy mode; set Network.operator spec.defaultNetwork.openshiftSDNConfig.mode to NetworkPolicy (and check your NetworkPolicies) first`,
      };
    },
  );

  await check('no-migration-in-progress', 'No migration already under way', 'blocking', async () => {
    const found: string[] = [];
    if (operator?.metadata.annotations?.[MIGRATION_ANNOTATION] !== undefined)
      found.push(
        `Network.operator.openshift.io cluster has the annotation ${MIGRATION_ANNOTATION} (4.5–4.7 migration)`,
      );
    const specMigration = operator?.spec?.migration as unknown;
    if (specMigration !== undefined && specMigration !== null)
      found.push(`Network.operator.openshift.io cluster spec.migration = ${JSON.stringify(specMigration)}`);
    const statusMigration = config?.status?.migration as unknown;
    if (statusMigration !== undefined && statusMigration !== null)
      found.push(`Network.config.openshift.io cluster status.migration = ${JSON.stringify(statusMigration)}`);
    if (!found.length)
      return { ok: true, detail: 'no migration annotation, spec.migration or status.migration' };
    if (opts.ownRunInProgress)
      return {
        ok: true,
        detail: "a migration is under way, and it is this action's own unfinished run: resuming",
        items: found,
      };
    return {
      ok: false,
      detail:
        'a migration was started outside this run — finish it or roll it back (remove the annotation / set spec.migration: null once the cluster is back on OpenShift SDN), then run again',
      items: found,
    };
  });

  const nodes = await cluster.list(NODES).then(
    (l) => l.items,
    () => undefined,
  );
  const pools = await cluster.list(POOLS).then(
    (l) => l.items,
    () => undefined,
  );

  await check('nodes-ready', 'Every node Ready', 'blocking', async () => {
    if (!nodes) throw new Error('the nodes could not be listed');
    const notReady = nodes.filter((n) => !nodeReady(n));
    return notReady.length
      ? {
          ok: false,
          detail: `${notReady.length} of ${nodes.length} node(s) NotReady — bring them back (oc describe node <name>; oc adm uncordon) or remove them, then run again`,
          items: notReady.map((n) => {
            const c = conditionOf(n, 'Ready');
            return `${n.metadata.name}: Ready=${c?.status ?? '?'}${c?.reason ? ` (${c.reason})` : ''}`;
          }),
        }
      : { ok: true, detail: `${nodes.length} node(s) Ready` };
  });

  await check(
    'operators-healthy',
    'Every ClusterOperator Available, not Progressing, not Degraded',
    'blocking',
    async () => {
      const cos = (await cluster.list(CLUSTER_OPERATORS)).items;
      const bad = unhealthyOperators(cos);
      return bad.length
        ? {
            ok: false,
            detail: `${bad.length} ClusterOperator(s) not healthy — the cluster must be in a known good state: fix them (oc get co; oc describe co <name>) and run again`,
            items: bad,
          }
        : { ok: true, detail: `${cos.length} ClusterOperators healthy` };
    },
  );

  await check('pools-healthy', 'Every MachineConfigPool Updated and not Degraded', 'blocking', async () => {
    if (!pools) throw new Error('the MachineConfigPools could not be listed');
    const bad = pools
      .filter((p) => poolProgress(p).degraded || (!poolUpdated(p) && !poolProgress(p).paused))
      .map((p) => {
        const pr = poolProgress(p);
        return pr.degraded
          ? `${pr.name}: Degraded — ${pr.degradedReason ?? 'no reason given'}`
          : `${pr.name}: not Updated (${pr.updated}/${pr.machines} updated${pr.updating ? ', Updating' : ''})`;
      });
    return bad.length
      ? {
          ok: false,
          detail: `${bad.length} pool(s) Degraded or still updating — fix the Degraded nodes (oc -n openshift-machine-config-operator logs <machine-config-daemon pod>) or wait for the update to finish, then run again`,
          items: bad,
        }
      : { ok: true, detail: `${pools.length} pool(s) Updated` };
  });

  await check('pools-not-paused', 'No MachineConfigPool paused before the run', 'warn', async () => {
    if (!pools) throw new Error('the MachineConfigPools could not be listed');
    const paused = pools.filter((p) => p.spec?.paused === true).map((p) => p.metadata.name);
    const original = pools.map((p) => `${p.metadata.name}: spec.paused ${p.spec?.paused === true}`);
    if (!paused.length) return { ok: true, detail: `no pool paused (${original.join(', ')})`, items: [] };
    if (variant.id === 'A')
      return {
        ok: false,
        detail: `pool(s) ${paused.join(', ')} already paused before this run (original state recorded); procedure A pauses every pool and resumes every pool after the reboots, so they will end up unpaused — pause them again afterwards if that is wanted`,
        items: original,
      };
    // Procedure B needs MCO to roll the new config out to every pool: a paused pool stalls it.
    return {
      ok: false,
      severity: 'blocking',
      detail: `pool(s) ${paused.join(', ')} paused — procedure ${variant.id} needs the Machine Config Operator to update every pool, so a paused pool would stall the migration: unpause it (oc patch mcp <name> --type merge -p '{"spec":{"paused":false}}'), let it update, then run again`,
      items: original,
    };
  });

  // Machine networks come from the install-config the installer left in kube-system.
  let machineNetworks: string[] | undefined;
  let machineNetworkProblem: string | undefined;
  try {
    const cm = await cluster.get({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      namespace: 'kube-system',
      name: 'cluster-config-v1',
    });
    const text = (cm?.data as Record<string, string> | undefined)?.['install-config'];
    if (!text) machineNetworkProblem = 'ConfigMap kube-system/cluster-config-v1 has no install-config';
    else {
      const ic = parseYaml(text) as {
        networking?: { machineNetwork?: { cidr?: string }[]; machineCIDR?: string };
      };
      machineNetworks = [
        ...(ic.networking?.machineNetwork ?? []).map((m) => m.cidr).filter((c): c is string => !!c),
        ...(ic.networking?.machineCIDR ? [ic.networking.machineCIDR] : []),
      ];
    }
  } catch (err) {
    machineNetworkProblem = `ConfigMap kube-system/cluster-config-v1 could not be read: ${message(err)}`;
  }

  await check(
    'network-ranges',
    "Cluster, service and machine networks clear of OVN-Kubernetes' reserved ranges",
    'blocking',
    async () => {
      if (!config) throw new Error('Network.config.openshift.io cluster not found');
      const spec = config.spec ?? {};
      const networks = [
        ...((spec.clusterNetwork ?? []) as { cidr: string }[]).map((c) => ({
          kind: 'cluster network',
          cidr: c.cidr,
        })),
        ...((spec.serviceNetwork ?? []) as string[]).map((c) => ({ kind: 'service network', cidr: c })),
        ...(machineNetworks ?? []).map((c) => ({ kind: 'machine network', cidr: c })),
      ];
      const r = reservedOverlaps(networks);
      const bad = [...r.overlaps, ...r.unreadable];
      return bad.length
        ? {
            ok: false,
            detail:
              'a network overlaps a range OVN-Kubernetes reserves (100.64.0.0/16, 100.88.0.0/16, 169.254.169.0/29, fd98::/64, fd69::/125, fd97::/64) — OVN-Kubernetes cannot run on these addresses; the cluster network and service network cannot be changed by this migration, so this cluster needs a different path (contact Red Hat support)',
            items: bad,
          }
        : { ok: true, detail: `no overlap: ${networks.map((n) => `${n.kind} ${n.cidr}`).join(', ')}` };
    },
  );
  if (machineNetworkProblem)
    add('machine-network', 'Machine network read from the install-config', 'warn', {
      ok: false,
      detail: `${machineNetworkProblem} — the machine network was not checked against OVN-Kubernetes' reserved ranges; check it by hand`,
    });

  // SSH to every node: reachable as ssh-user (through the bastion), host key accepted, sudo -n works;
  // the same connection reads the default route's interface MTU.
  let probes: NodeProbe[] | undefined;
  await check(
    'ssh',
    `Every node reachable over SSH as ${settings.ssh.user} with passwordless sudo`,
    'blocking',
    async () => {
      if (!nodes) throw new Error('the nodes could not be listed');
      if (!settings.ssh.privateKey)
        return {
          ok: false,
          severity: 'warn',
          detail:
            'not checked: no ssh-private-key (mode migrate needs it to reboot the nodes; give it to the plan job to check SSH now)',
        };
      const { shell } = await ctx.nodes();
      const targets: SshTarget[] = nodes.map((n) => ({ name: n.metadata.name, addresses: internalIPs(n) }));
      probes = await inBatches(targets, SSH_CONCURRENCY, async (t): Promise<NodeProbe> => {
        try {
          const r = await shell.exec(t, 'sudo -n true && ip -j route show default && ip -j link show', {
            timeoutMs: 60_000,
            signal: ctx.signal,
          });
          if (r.code !== 0)
            return { name: t.name, error: `exit ${r.code}: ${r.stderr.trim().split('\n').pop() ?? ''}` };
          const fp = shell.fingerprints.get(t.name);
          if (fp) ctx.report.node(t.name).hostKey = fp;
          try {
            return { name: t.name, ...parseDefaultRouteMtu(r.stdout) };
          } catch (err) {
            return { name: t.name, mtu: undefined, iface: `(${message(err)})` };
          }
        } catch (err) {
          return { name: t.name, error: message(err) };
        }
      });
      const failed = probes.filter((p) => p.error);
      return failed.length
        ? {
            ok: false,
            detail: `${failed.length} of ${probes.length} node(s) not usable over SSH — the reboots would fail: fix what is named below (ssh-private-key, ssh-user, ssh-bastion, ssh-known-hosts, passwordless sudo) and run again`,
            items: grouped(failed),
          }
        : {
            ok: true,
            detail: `${probes.length} node(s): connected as ${settings.ssh.user}${settings.ssh.bastion ? ` through ${settings.ssh.bastion.host}` : ''}, host key ${settings.ssh.knownHosts ? 'matches ssh-known-hosts' : 'recorded'}, sudo -n works`,
          };
    },
  );

  await check(
    'mtu',
    'Overlay MTU fits the node MTU minus the Geneve overhead (100)',
    'blocking',
    async () => {
      const measured = (probes ?? []).filter((p): p is NodeProbe & { mtu: number } => p.mtu !== undefined);
      if (!measured.length) {
        return settings.mtu === undefined
          ? { ok: true, detail: 'mtu not set (the network operator chooses it); node MTUs not read' }
          : {
              ok: false,
              severity: 'warn',
              detail: `mtu ${settings.mtu} could not be checked: the node MTUs are read over SSH, which did not succeed`,
            };
      }
      const smallest = measured.reduce((a, p) => (p.mtu < a.mtu ? p : a));
      const limit = smallest.mtu - GENEVE_OVERHEAD;
      const evidence = `smallest node MTU ${smallest.mtu} (${smallest.name}, ${smallest.iface}); ${measured.length} node(s) read`;
      if (settings.mtu === undefined)
        return { ok: true, detail: `mtu not set; ${evidence}; the overlay MTU may be at most ${limit}` };
      return settings.mtu <= limit
        ? { ok: true, detail: `mtu ${settings.mtu} ≤ ${limit}: ${evidence}` }
        : {
            ok: false,
            detail: `mtu ${settings.mtu} is above the smallest node MTU minus 100 (${smallest.mtu} − 100 = ${limit} on ${smallest.name}) — set the mtu input to at most ${limit}, or leave it empty`,
          };
    },
  );

  await check(
    'runner-outside-cluster',
    'The runner is not a pod of the cluster it reboots',
    'blocking',
    async () => {
      const env = opts.runner?.env ?? process.env;
      const file = opts.runner?.namespaceFile ?? SERVICE_ACCOUNT_NAMESPACE_FILE;
      if (!env.KUBERNETES_SERVICE_HOST)
        return { ok: true, detail: 'the runner is not a Kubernetes pod (KUBERNETES_SERVICE_HOST not set)' };
      if (!existsSync(file))
        return {
          ok: true,
          detail: `KUBERNETES_SERVICE_HOST is set but ${file} does not exist: not a pod with a service account`,
        };
      const namespace = readFileSync(file, 'utf8').trim();
      const name = env.HOSTNAME || os.hostname();
      const pod = await cluster.get({ apiVersion: 'v1', kind: 'Pod', namespace, name });
      if (!pod)
        return {
          ok: true,
          detail: `the runner is pod ${namespace}/${name} of another cluster (not found in this one)`,
        };
      return {
        ok: false,
        detail: `the runner is pod ${namespace}/${name} on node ${String(pod.spec?.nodeName ?? '?')} of this cluster — rebooting every node would kill the run midway: run the job on a runner outside this cluster`,
      };
    },
  );

  await check('platform', 'Platform documented for this procedure', 'warn', async () => {
    const infra = await cluster.get(INFRASTRUCTURE);
    const platform = String(infra?.status?.platformStatus?.type ?? infra?.status?.platform ?? '(unknown)');
    ctx.report.cluster.platform = platform;
    const row = DOCUMENTED_PLATFORMS.find((r) => minor >= r.minors[0] && minor <= r.minors[1]);
    if (row?.platforms.includes(platform)) return { ok: true, detail: `${platform} (${row.source})` };
    return {
      ok: false,
      detail: `platform ${platform} is not one the documentation lists for OpenShift 4.${minor} (${row?.source ?? 'no documentation for this version'}) — the procedure is the same, but check the platform's notes before approving`,
    };
  });

  await check(
    'sdn-features',
    'Egress IPs, egress firewalls and multicast namespaces inventoried',
    'warn',
    async () => {
      const inv = await readInventory(cluster);
      ctx.report.inventory = inv;
      const items = [
        ...inv.egressIPs.map((e) => `egress IP: ${e}`),
        ...inv.egressFirewalls.map((e) => `EgressNetworkPolicy ${e}`),
        ...inv.multicastNamespaces.map((n) => `multicast enabled: namespace ${n}`),
      ];
      const counts = `${inv.egressIPs.length} egress IP assignment(s), ${inv.egressFirewalls.length} egress firewall(s), ${inv.multicastNamespaces.length} multicast namespace(s)`;
      if (!items.length) return { ok: true, detail: `none found (${counts})` };
      if (minor >= 12)
        return {
          ok: true,
          detail: `${counts}: OpenShift 4.${minor} converts them during the migration; compare after`,
          items,
        };
      return {
        ok: false,
        detail: `${counts}: OpenShift 4.${minor} does not convert them — after the migration re-create them as EgressIP, EgressFirewall objects and the k8s.ovn.org/multicast-enabled namespace annotation, or their traffic rules are lost`,
        items,
      };
    },
  );

  if (opts.mode === 'migrate' || settings.etcdBackup) {
    // Known before any change: the backup needs a Ready control-plane node.
    const candidates = nodes ? backupCandidates(nodes) : undefined;
    const noNode = settings.etcdBackup && candidates !== undefined && candidates.length === 0;
    add('etcd-backup', 'etcd backup before the first change', noNode ? 'blocking' : 'warn', {
      ok: settings.etcdBackup && !noNode,
      detail: !settings.etcdBackup
        ? 'etcd-backup is false: no etcd backup will be taken — the document requires a recent one; take it yourself first'
        : noNode
          ? NO_BACKUP_NODE
          : `mode migrate runs cluster-backup.sh on a Ready control-plane node (${candidates?.[0]?.metadata.name ?? 'chosen at run time'}) before the first change`,
    });
  }

  // What the approver reads next to the checks: the nodes that will reboot and how long it takes.
  if (nodes) {
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
      if (opts.mode === 'plan') rec.notes.push('will be rebooted');
    }
    ctx.report.estimate = estimateDuration({
      variantId: variant.id,
      nodeCount: nodes.length,
      pools: pools ?? [],
      maxParallelReboots: settings.maxParallelReboots,
      rebootTimeoutMs: settings.rebootTimeoutMs,
    });
    ctx.report.warnings.push(
      `Every node (${nodes.length}) will be rebooted and the cluster network is down during the migration: workloads are disrupted. Estimated duration about ${Math.round(ctx.report.estimate.totalMs / 60_000)} min (see the estimate).`,
    );
    ctx.log.info(
      `Nodes that will be rebooted (${nodes.length}): ${nodes.map((n) => n.metadata.name).join(', ')}\nEstimated duration: about ${Math.round(ctx.report.estimate.totalMs / 60_000)} min — ${ctx.report.estimate.parts.map((p) => `${p.what}: ${Math.round(p.ms / 60_000)} min (${p.basis})`).join('; ')}`,
    );
  }
  for (const c of checks)
    if (!c.ok && c.severity === 'warn') ctx.report.warnings.push(`${c.title}: ${c.detail}`);
  const refusal = refusalFor(checks);
  if (refusal && opts.mode === 'plan')
    ctx.report.warnings.push(
      `mode: migrate would be refused: ${refusal.checks.map((c) => c.title).join('; ')} — fix these before approving`,
    );
  phase.endedAt = new Date().toISOString();
  phase.durationMs = Date.parse(phase.endedAt) - Date.parse(phase.startedAt);
  phase.outcome = refusal ? 'failed' : 'ok';
  if (refusal) phase.detail = `${refusal.checks.length} blocking check(s) failed`;
  return checks;
}
