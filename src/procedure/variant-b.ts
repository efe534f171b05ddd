// Variant B — offline migration, OpenShift 4.8–4.16 (procedures.md §B): the trigger is
// Network.operator spec.migration; pools are not paused; MCO rolls out configure-ovs.sh OVNKubernetes
// (one reboot per node) before the network type changes, then every node is rebooted once more.
import { setMigration } from './set-migration.ts';
import { NETWORK_CONFIG, NETWORK_OPERATOR } from '../cluster/types.ts';
import type { KObject } from '../cluster/types.ts';
import {
  backupNetworkConfig,
  ovnSettings,
  rebootEveryNode,
  switchNetworkType,
  verify,
  waitForMultus,
} from './migration-steps.ts';
import { rememberPoolConfigs, waitForMachineConfigRollout } from './mco-rollout.ts';
import { restorePoolMaxUnavailable, setPoolMaxUnavailable } from './pool-max-unavailable.ts';
import { deleteNamespace, reportName, recordChange, setField, waitStep } from './steps.ts';
import type { Step, Variant } from './types.ts';

/** 2. `spec.migration: null` — unless it already asks for this migration (a re-run). */
export function clearStaleMigration(): Step {
  return {
    id: 'clear-stale-migration',
    title: 'Clear a stale spec.migration on Network.operator.openshift.io cluster',
    plan: () => [
      `${reportName(NETWORK_OPERATOR)} spec.migration = null (only if it holds a different migration)`,
    ],
    isDone: async (ctx) => {
      const m = (await ctx.cluster.get(NETWORK_OPERATOR))?.spec?.migration;
      return m === undefined || m === null || m.networkType === ctx.target;
    },
    apply: async (ctx) => {
      const before = (await ctx.cluster.get(NETWORK_OPERATOR))?.spec?.migration;
      await ctx.cluster.mergePatch(NETWORK_OPERATOR, { spec: { migration: null } });
      recordChange(
        ctx,
        'clear-stale-migration',
        reportName(NETWORK_OPERATOR),
        'spec.migration',
        before,
        null,
      );
    },
  };
}

export const variantB: Variant = {
  id: 'B',
  title: 'B — offline, OpenShift 4.8–4.16 (spec.migration, pools not paused)',
  minors: [8, 16],
  from: 'OpenShiftSDN',
  to: 'OVNKubernetes',
  verifyPhase: 'verify',
  cleanupPhase: 'cleanup',
  phases: [
    // 1. backup (the ClusterOperator gate is a preflight check)
    { id: 'backup', title: 'Back up the network configuration', steps: [backupNetworkConfig()] },
    {
      id: 'prepare',
      title: 'Start the migration: spec.migration and the MCO rollout',
      steps: [
        clearStaleMigration(),
        rememberPoolConfigs(),
        // Not in the document: input max-unavailable (the checkpoint records each pool's own value first).
        setPoolMaxUnavailable(),
        // 3. spec.migration: {networkType: OVNKubernetes}; CNO copies it to Network.config status.migration
        // (4.12+: spec.migration.features when a migrate-* input turns a conversion off)
        setMigration(),
        waitStep<KObject>({
          id: 'migration-accepted',
          title: 'Wait for the network operator to accept the migration (Network.config status.migration)',
          what: 'Network.config status.migration.networkType to be OVNKubernetes',
          list: {
            apiVersion: NETWORK_CONFIG.apiVersion,
            kind: NETWORK_CONFIG.kind,
            fieldSelector: 'metadata.name=cluster',
          },
          skipWhenDone: true,
          // Cleanup's spec.migration: null makes the operator clear status.migration.
          undoneBy: ['clear-migration'],
          evaluate: (items, ctx) => {
            const got = items[0]?.status?.migration?.networkType;
            return {
              done: got === ctx.target,
              progress: `Network.config status.migration.networkType: ${got ?? '(none)'}`,
            };
          },
        }),
        // 4. optional ovnKubernetesConfig mtu / genevePort
        ovnSettings(),
        // 5. wait until every pool is Updated with configure-ovs.sh OVNKubernetes
        waitForMachineConfigRollout(),
        restorePoolMaxUnavailable(),
      ],
    },
    {
      id: 'switch',
      title: 'Switch the default network to OVN-Kubernetes',
      // 6. spec.networkType: OVNKubernetes; 7. wait for multus
      steps: [switchNetworkType(), waitForMultus()],
    },
    // 7. reboot every node and wait until all are Ready
    { id: 'reboot', title: 'Reboot every node', steps: [rebootEveryNode()] },
    // 8. verify as in A.9, plus every ClusterOperator healthy
    { id: 'verify', title: 'Verify the migration', steps: [verify()] },
    {
      id: 'cleanup',
      title: 'Clean up',
      steps: [
        // 9. spec.migration: null; spec.defaultNetwork.openshiftSDNConfig: null; delete namespace openshift-sdn
        setField({
          id: 'clear-migration',
          reverts: 'set-migration',
          title: 'Clear spec.migration',
          ref: NETWORK_OPERATOR,
          path: ['spec', 'migration'],
          value: null,
        }),
        setField({
          id: 'clear-sdn-config',
          title: 'Clear spec.defaultNetwork.openshiftSDNConfig',
          ref: NETWORK_OPERATOR,
          path: ['spec', 'defaultNetwork', 'openshiftSDNConfig'],
          value: null,
        }),
        deleteNamespace({
          id: 'delete-sdn-namespace',
          title: 'Delete namespace openshift-sdn',
          name: 'openshift-sdn',
        }),
      ],
    },
  ],
};
