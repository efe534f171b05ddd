// Steps only a rollback needs: put back OpenShift SDN's own settings (mode, mtu, vxlanPort) as the
// backup recorded them, note which pools MCO must roll a new config out to, and verify a rollback that
// rebooted no node. Everything else a rollback does is the forward procedure's steps with the SDN
// target (steps.ts, migration-steps.ts): the engine and those steps know no direction.
import type { KObject } from '../cluster/types.ts';
import { NETWORK_CONFIG, NETWORK_OPERATOR } from '../cluster/types.ts';
import { verifyMigration } from '../checks/verify.ts';
import { verify } from './migration-steps.ts';
import { deleteNamespace, getPath, recordChange, reportName, waitStep } from './steps.ts';
import type { Step, StepContext } from './types.ts';

/** openshiftSDNConfig fields a rollback restores; what the backup held, unless an input overrides it. */
export interface SdnSettings {
  mode?: string;
  mtu?: number;
  vxlanPort?: number;
}

const SDN_PATH = ['spec', 'defaultNetwork', 'openshiftSDNConfig'];

/** The SDN settings to write: the original (memory.originalSdn, from the backup) with the inputs over it. */
export function sdnSettingsWanted(ctx: StepContext): SdnSettings {
  const original = (ctx.memory.originalSdn ?? {}) as SdnSettings;
  const out: SdnSettings = {};
  if (original.mode !== undefined) out.mode = original.mode;
  const mtu = ctx.settings.mtu ?? original.mtu;
  if (mtu !== undefined) out.mtu = mtu;
  const vxlanPort = ctx.settings.vxlanPort ?? original.vxlanPort;
  if (vxlanPort !== undefined) out.vxlanPort = vxlanPort;
  return out;
}

/** The openshiftSDNConfig fields a rollback restores, read from a Network.operator object (the backup). */
export function sdnSettingsOf(operator: KObject | undefined): SdnSettings {
  const cfg = (getPath(operator, SDN_PATH) ?? {}) as Record<string, unknown>;
  const out: SdnSettings = {};
  if (typeof cfg.mode === 'string') out.mode = cfg.mode;
  if (typeof cfg.mtu === 'number') out.mtu = cfg.mtu;
  if (typeof cfg.vxlanPort === 'number') out.vxlanPort = cfg.vxlanPort;
  return out;
}

/** Optional `openshiftSDNConfig` {mode, mtu, vxlanPort}: the original values, or the inputs. */
export function sdnSettings(): Step {
  return {
    id: 'sdn-settings',
    title: 'Restore the OpenShift SDN mode, MTU and VXLAN port (from the backup, or the inputs)',
    plan: (ctx) => {
      const want = sdnSettingsWanted(ctx);
      const entries = Object.entries(want);
      return entries.length
        ? entries.map(
            ([k, v]) => `${reportName(NETWORK_OPERATOR)} ${SDN_PATH.join('.')}.${k} = ${JSON.stringify(v)}`,
          )
        : ['(nothing: the backup recorded no openshiftSDNConfig and mtu / vxlan-port are not set)'];
    },
    commands: (ctx) => [
      `oc patch networks.operator.openshift.io cluster --type=merge --patch '${JSON.stringify({ spec: { defaultNetwork: { openshiftSDNConfig: sdnSettingsWanted(ctx) } } })}'`,
    ],
    isDone: async (ctx) => {
      const current = (getPath(await ctx.cluster.get(NETWORK_OPERATOR), SDN_PATH) ?? {}) as Record<
        string,
        unknown
      >;
      return Object.entries(sdnSettingsWanted(ctx)).every(([k, v]) => current[k] === v);
    },
    apply: async (ctx) => {
      const want = sdnSettingsWanted(ctx);
      const current = (getPath(await ctx.cluster.get(NETWORK_OPERATOR), SDN_PATH) ?? {}) as Record<
        string,
        unknown
      >;
      await ctx.cluster.mergePatch(NETWORK_OPERATOR, {
        spec: { defaultNetwork: { openshiftSDNConfig: want } },
      });
      for (const [k, v] of Object.entries(want))
        recordChange(
          ctx,
          'sdn-settings',
          reportName(NETWORK_OPERATOR),
          `${SDN_PATH.join('.')}.${k}`,
          current[k],
          v,
        );
    },
  };
}

/** 4.8+: wait until the network operator copied spec.migration into Network.config status.migration. */
export function migrationAccepted(): Step {
  return waitStep<KObject>({
    id: 'migration-accepted',
    title: 'Wait for the network operator to accept the migration (Network.config status.migration)',
    what: 'Network.config status.migration.networkType to be the target',
    list: {
      apiVersion: NETWORK_CONFIG.apiVersion,
      kind: NETWORK_CONFIG.kind,
      fieldSelector: 'metadata.name=cluster',
    },
    skipWhenDone: true,
    undoneBy: ['clear-migration'],
    evaluate: (items, ctx) => {
      const got = items[0]?.status?.migration?.networkType;
      return {
        done: got === ctx.target,
        progress: `Network.config status.migration.networkType: ${got ?? '(none)'}`,
      };
    },
  });
}

/** The forward verification (the same checks, the SDN target), named for what it verifies. */
export function verifyRollback(): Step {
  return { ...verify(), title: 'Verify the rollback (back on OpenShift SDN)' };
}

/** Verification of a rollback that rebooted no node (the network type never switched): no boot ID check. */
export function verifyWithoutReboot(): Step {
  return {
    id: 'verify',
    title: 'Verify the cluster is back on OpenShift SDN (no node was rebooted by this action)',
    plan: () => [
      'check: nodes Done with currentConfig = desiredConfig, configure-ovs.sh line, status.networkType, nodes Ready, no pod in error, operators healthy, pools Updated',
    ],
    isDone: async () => false,
    confirmable: false,
    apply: async (ctx) => {
      // The plan promised no reboot by this run: pods in error are reported, their nodes not rebooted.
      await verifyMigration(ctx, { rebootPodsInError: false });
      // Nothing to compare boot IDs with: this rollback reboots no node itself.
      ctx.report.checks = ctx.report.checks.filter((c) => c.id !== 'nodes-rebooted');
    },
  };
}

/** The rollbacks' last cleanup step (both variants): the namespace OVN-Kubernetes ran in. */
export function deleteOvnNamespace(): Step {
  return deleteNamespace({
    id: 'delete-ovn-namespace',
    title: 'Delete namespace openshift-ovn-kubernetes',
    name: 'openshift-ovn-kubernetes',
  });
}
