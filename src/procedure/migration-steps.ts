// Steps the offline variants share: the backup, the network type switch, the multus and MCO waits,
// the reboot of every node and verification. Variant files put them in the document's order.
import { mkdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { stringify } from 'yaml';
import type { KObject, ObjectRef } from '../cluster/types.ts';
import { NETWORK_CONFIG, NETWORK_OPERATOR, NODES, POOLS } from '../cluster/types.ts';
import { rebootNodes } from '../nodes/reboot.ts';
import { WaitTimeoutError } from '../cluster/wait.ts';
import { verifyMigration } from '../checks/verify.ts';
import { CONTROL_PLANE_LABELS } from '../checks/etcd-backup.ts';
import { daemonSetProgress, daemonSetRolledOut, isTrue, podErrorReason } from '../openshift/objects.ts';
import { getDotted, setDotted, subnetFields } from './ovn-internal-subnets-patch.ts';
import { reportName, getPath, rebootOptions, recordChange, waitStep } from './steps.ts';
import { describeNodeAccess, nodeAccessOf } from '../inputs/node-access.ts';
import type { Step, StepContext } from './types.ts';

export const MULTUS: ObjectRef = {
  apiVersion: 'apps/v1',
  kind: 'DaemonSet',
  namespace: 'openshift-multus',
  name: 'multus',
};

/** The document's backup file name for Network.config. */
export const SDN_BACKUP_FILE = 'cluster-openshift-sdn.yaml';

/**
 * Step 1 of every variant, before the first write: `oc get Network.config.openshift.io cluster -o yaml >
 * cluster-openshift-sdn.yaml`, plus the Network.operator object and every pool's spec, so that a
 * person can put the cluster back by hand.
 */
export function backupNetworkConfig(): Step {
  return {
    id: 'backup',
    title: `Back up Network.config.openshift.io cluster to ${SDN_BACKUP_FILE}, the operator config and every pool's spec`,
    plan: (ctx) => [
      `write ${SDN_BACKUP_FILE}, network-operator.yaml, machineconfigpools.yaml under ${ctx.backupDir}`,
    ],
    isDone: async (ctx) => {
      // A backup taken by an earlier attempt of this run is the original: never overwrite it with a
      // copy of a half-migrated cluster.
      const done = await stat(join(ctx.backupDir, SDN_BACKUP_FILE)).then(
        () => true,
        () => false,
      );
      if (done)
        ctx.report.backup = {
          directory: ctx.backupDir,
          files: BACKUP_FILES.map((f) => join(ctx.backupDir, f)),
        };
      return done;
    },
    apply: async (ctx) => {
      await mkdir(ctx.backupDir, { recursive: true });
      const config = await ctx.cluster.get(NETWORK_CONFIG);
      const operator = await ctx.cluster.get(NETWORK_OPERATOR);
      if (!config || !operator)
        throw new Error(
          'Network.config.openshift.io/cluster or Network.operator.openshift.io/cluster not found',
        );
      const pools = (await ctx.cluster.list(POOLS)).items.map((p) => ({
        name: p.metadata.name,
        spec: p.spec,
      }));
      await writeFile(join(ctx.backupDir, 'network-operator.yaml'), stringify(operator), { mode: 0o600 });
      await writeFile(join(ctx.backupDir, 'machineconfigpools.yaml'), stringify(pools), { mode: 0o600 });
      // Written last: its presence marks the backup complete.
      await writeFile(join(ctx.backupDir, SDN_BACKUP_FILE), stringify(config), { mode: 0o600 });
      ctx.report.backup = {
        directory: ctx.backupDir,
        files: BACKUP_FILES.map((f) => join(ctx.backupDir, f)),
      };
      ctx.log.info(`  backup written to ${ctx.backupDir}: ${BACKUP_FILES.join(', ')}`);
    },
  };
}

const BACKUP_FILES = [SDN_BACKUP_FILE, 'network-operator.yaml', 'machineconfigpools.yaml'];

/** `oc patch Network.config.openshift.io cluster --type=merge --patch '{"spec":{"networkType":"<target>"}}'`. */
export function switchNetworkType(): Step {
  const field = 'spec.networkType';
  return {
    id: 'network-type',
    title: 'Set Network.config.openshift.io cluster spec.networkType to the target plugin',
    plan: (ctx) => [`${reportName(NETWORK_CONFIG)} ${field} = ${JSON.stringify(ctx.target)}`],
    isDone: async (ctx) => (await ctx.cluster.get(NETWORK_CONFIG))?.spec?.networkType === ctx.target,
    apply: async (ctx) => {
      // Remember the multus rollout we are about to cause, so the wait cannot mistake the old,
      // finished rollout for the new one.
      const multus = await ctx.cluster.get(MULTUS);
      ctx.memory.multusGenerationBefore = Number(multus?.metadata.generation ?? 0);
      await ctx.saveProgress();
      const before = (await ctx.cluster.get(NETWORK_CONFIG))?.spec?.networkType;
      await ctx.cluster.mergePatch(NETWORK_CONFIG, { spec: { networkType: ctx.target } });
      recordChange(ctx, 'network-type', reportName(NETWORK_CONFIG), field, before, ctx.target);
    },
  };
}

/**
 * Optional `ovnKubernetesConfig` mtu / genevePort and internal subnets (ovn-*-subnet-* inputs, in the
 * field this release uses): only what the user set is patched.
 */
export function ovnSettings(): Step {
  const want = (ctx: StepContext): [string, number | string][] => {
    const cfg: [string, number | string][] = [];
    if (ctx.settings.mtu !== undefined) cfg.push(['mtu', ctx.settings.mtu]);
    if (ctx.settings.genevePort !== undefined) cfg.push(['genevePort', ctx.settings.genevePort]);
    return [...cfg, ...subnetFields(ctx)];
  };
  const path = ['spec', 'defaultNetwork', 'ovnKubernetesConfig'];
  const current = async (ctx: StepContext) => getPath(await ctx.cluster.get(NETWORK_OPERATOR), path) ?? {};
  return {
    id: 'ovn-settings',
    title: 'Set the OVN-Kubernetes MTU, Geneve port and internal subnets given as inputs (optional)',
    plan: (ctx) => {
      const cfg = want(ctx);
      return cfg.length
        ? cfg.map(([k, v]) => `${reportName(NETWORK_OPERATOR)} ${path.join('.')}.${k} = ${v}`)
        : ['(nothing: mtu, geneve-port and the ovn-*-subnet-* inputs not set)'];
    },
    isDone: async (ctx) => {
      const now = await current(ctx);
      return want(ctx).every(([k, v]) => getDotted(now, k) === v);
    },
    apply: async (ctx) => {
      const cfg = want(ctx);
      const before = await current(ctx);
      const patch: Record<string, unknown> = {};
      for (const [k, v] of cfg) setDotted(patch, k, v);
      await ctx.cluster.mergePatch(NETWORK_OPERATOR, {
        spec: { defaultNetwork: { ovnKubernetesConfig: patch } },
      });
      for (const [k, v] of cfg)
        recordChange(
          ctx,
          'ovn-settings',
          reportName(NETWORK_OPERATOR),
          `${path.join('.')}.${k}`,
          getDotted(before, k),
          v,
        );
    },
  };
}

/** `oc -n openshift-multus rollout status daemonset/multus`, after the switch changed it. */
export function waitForMultus(): Step {
  const inner = waitStep<KObject>({
    id: 'multus-rollout',
    title: 'Wait for the multus DaemonSet rollout to finish',
    what: 'daemonset openshift-multus/multus to roll out',
    list: {
      apiVersion: 'apps/v1',
      kind: 'DaemonSet',
      namespace: 'openshift-multus',
      fieldSelector: 'metadata.name=multus',
    },
    evaluate: (items, ctx) => {
      const ds = items[0];
      if (!ds) return { done: false, progress: 'multus: daemonset not found' };
      const generation = Number(ds.metadata.generation ?? 0);
      const started =
        ctx.memory.multusGenerationBefore === undefined || generation > ctx.memory.multusGenerationBefore;
      return {
        done: started && daemonSetRolledOut(ds),
        progress: started
          ? `multus: ${daemonSetProgress(ds)}`
          : 'multus: waiting for the network operator to start the rollout',
      };
    },
  });
  return {
    ...inner,
    apply: async (ctx) => {
      try {
        await inner.apply(ctx);
      } catch (err) {
        if (!(err instanceof WaitTimeoutError)) throw err;
        // A stuck rollout: name the multus pods that are not updated and Ready.
        const pods = (
          await ctx.cluster.list({ apiVersion: 'v1', kind: 'Pod', namespace: 'openshift-multus' })
        ).items.filter(
          (p) => p.metadata.name.startsWith('multus-') && !p.metadata.name.startsWith('multus-admission'),
        );
        const stuck = pods
          .filter((p) => !isTrue(p, 'Ready') || podErrorReason(p))
          .map(
            (p) =>
              `${p.metadata.name} on ${String(p.spec?.nodeName ?? '?')}: ${podErrorReason(p) ?? String(p.status?.phase ?? 'not Ready')}`,
          );
        ctx.report.checks.push({
          id: 'multus-rollout',
          title: 'multus DaemonSet rolled out',
          ok: false,
          severity: 'blocking',
          detail: err.message,
          items: stuck.length
            ? stuck
            : [
                `${pods.length} multus pod(s), none reported in error; the DaemonSet did not finish (${err.lastProgress})`,
              ],
        });
        throw new Error(
          `${err.message}${stuck.length ? `; multus pods not Ready: ${stuck.slice(0, 10).join('; ')}` : ''} — check the network operator (oc get co network) and oc -n openshift-multus get pods`,
          { cause: err },
        );
      }
    },
  };
}

const isControlPlane = (node: KObject) =>
  CONTROL_PLANE_LABELS.some((l) => node.metadata.labels?.[l] !== undefined);

/** How the reboot goes, for the plan: who goes when, and what that means for the API. */
function rebootPlan(nodes: KObject[], maxParallel: number): string[] {
  const names = nodes.map((n) => n.metadata.name);
  const masters = nodes.filter(isControlPlane).map((n) => n.metadata.name);
  const order =
    maxParallel > 0
      ? masters.length
        ? `control-plane nodes one at a time (${masters.join(', ')}; each back Ready with a new boot ID before the next, so etcd keeps its quorum), then the others at most ${maxParallel} at a time`
        : `at most ${maxParallel} at a time`
      : masters.length
        ? `all at once (max-parallel-reboots: 0), control-plane nodes included: the API server is down until the control-plane nodes (${masters.join(', ')}) are back`
        : 'all at once (max-parallel-reboots: 0)';
  return [`reboot ${names.length} node(s): ${names.join(', ')}`, order];
}

/** The document's reboot loop, in parallel: one reboot command per node over SSH, each bootID must change. */
export function rebootEveryNode(): Step {
  return {
    id: 'reboot-nodes',
    title: 'Reboot every node over SSH and wait until each is back Ready with a new boot ID',
    plan: async (ctx) => [
      ...rebootPlan((await ctx.cluster.list(NODES)).items, ctx.settings.maxParallelReboots),
      describeNodeAccess(nodeAccessOf(ctx.settings), ctx.settings.ssh),
    ],
    isDone: async (ctx) => {
      const before = ctx.memory.bootIdsBefore;
      if (!before) return false;
      const nodes = (await ctx.cluster.list(NODES)).items;
      return nodes.every(
        (n) =>
          before[n.metadata.name] !== undefined && n.status?.nodeInfo?.bootID !== before[n.metadata.name],
      );
    },
    apply: async (ctx) => {
      const { access, watch } = await ctx.nodes();
      const states = watch.all();
      // A re-run after an interruption knows the boot IDs from before the first command was sent.
      const resuming = ctx.memory.bootIdsBefore !== undefined;
      if (!resuming) {
        ctx.memory.bootIdsBefore = Object.fromEntries(states.map((s) => [s.name, s.bootID]));
        await ctx.saveProgress();
      }
      const before = ctx.memory.bootIdsBefore!;
      const names = states.map((s) => s.name);
      for (const s of states) {
        const rec = ctx.report.node(s.name);
        rec.addresses = s.addresses;
        rec.bootIdBefore = before[s.name];
      }
      const controlPlane = new Set(
        (await ctx.cluster.list(NODES)).items.filter(isControlPlane).map((n) => n.metadata.name),
      );
      const outcomes = await rebootNodes(names, {
        ...rebootOptions(ctx, { access, watch }),
        controlPlane,
        // Rebooted since the command an earlier run sent — or down right now because of it.
        alreadyRebooted: (node) => {
          const now = watch.get(node);
          return now?.bootID !== before[node] || (resuming && now?.ready === false);
        },
      });
      for (const o of outcomes) {
        const rec = ctx.report.node(o.node);
        rec.bootIdAfter = o.bootIdAfter;
        if (o.commandSentAt) rec.rebootSentAt = new Date(o.commandSentAt).toISOString();
        if (o.backAt) rec.backAfterMs = o.backAt - o.commandSentAt;
        if (!o.ok && o.error) rec.notes.push(o.error);
        const key = access.hostKey?.(o.node);
        if (key) rec.hostKey = key.fingerprint;
      }
      const failed = outcomes.filter((o) => !o.ok);
      if (failed.length) {
        throw new Error(
          `${failed.length} node(s) did not come back from the reboot: ${failed.map((o) => o.error ?? o.node).join('; ')}`,
        );
      }
    },
  };
}

/** Verification, the document's list and more; results go to the report's checks. */
export function verify(): Step {
  return {
    id: 'verify',
    title: 'Verify the migration',
    plan: () => [
      'check: nodes Done with currentConfig = desiredConfig, configure-ovs.sh line, status.networkType, nodes Ready, no pod in error, every node rebooted, operators healthy, pools Updated',
    ],
    isDone: async () => false,
    confirmable: false,
    apply: async (ctx) => {
      await verifyMigration(ctx);
    },
  };
}
