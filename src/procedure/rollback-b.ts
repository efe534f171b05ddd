// Rollback to OpenShift SDN, OpenShift 4.8–4.16 (procedures.md "Rollback to OpenShift SDN (offline,
// 4.8–4.16)"), step by step; and the shorter way back from a migration that stopped before the
// network type switched. Read beside the document: the numbers are its steps.
import { NETWORK_OPERATOR } from '../cluster/types.ts';
import { rebootEveryNode, switchNetworkType, waitForMultus } from './migration-steps.ts';
import { rememberPoolConfigs, waitForMachineConfigRollout } from './mco-rollout.ts';
import { restorePoolMaxUnavailable, setPoolMaxUnavailable } from './pool-max-unavailable.ts';
import { repausePools } from './paused-pools.ts';
import {
  deleteOvnNamespace,
  migrationAccepted,
  sdnSettings,
  verifyRollback,
  verifyWithoutReboot,
} from './rollback-steps.ts';
import { setAllPoolsPaused, setField } from './steps.ts';
import type { Phase, Step, Variant } from './types.ts';
import { clearStaleMigration } from './variant-b.ts';

const unpausePools = (): Step =>
  setAllPoolsPaused({
    id: 'unpause-pools',
    reverts: 'pause-pools',
    title: 'Unpause every MachineConfigPool',
    paused: false,
  });

/** spec.migration: null — ends the migration (the operator clears status.migration; MCO renders from networkType). */
const clearMigration = (reverts?: string): Step =>
  setField({
    id: 'clear-migration',
    reverts,
    title: 'Clear spec.migration',
    ref: NETWORK_OPERATOR,
    path: ['spec', 'migration'],
    value: null,
  });

const clearOvnConfig = (): Step =>
  setField({
    id: 'clear-ovn-config',
    title: 'Clear spec.defaultNetwork.ovnKubernetesConfig',
    ref: NETWORK_OPERATOR,
    path: ['spec', 'defaultNetwork', 'ovnKubernetesConfig'],
    value: null,
  });

/** After verification: the pools an administrator had paused before the migration are paused again. */
export const restorePausesPhase: Phase = {
  id: 'restore-pauses',
  title: 'Pause again the pools that were paused before the migration',
  steps: [repausePools()],
};

export const rollbackB: Variant = {
  id: 'B-rollback',
  title: 'B rollback — offline, OpenShift 4.8–4.16 (spec.migration back to OpenShift SDN, pools paused)',
  minors: [8, 16],
  from: 'OVNKubernetes',
  to: 'OpenShiftSDN',
  verifyPhase: 'verify',
  cleanupPhase: 'cleanup',
  phases: [
    {
      id: 'prepare',
      title: 'Pause every pool and start the rollback: spec.migration',
      steps: [
        rememberPoolConfigs(),
        // 1. pause the master and worker pools (every pool, custom ones included)
        setAllPoolsPaused({
          id: 'pause-pools',
          title: 'Pause every MachineConfigPool (master, worker and custom pools)',
          paused: true,
        }),
        // 2. spec.migration: null, then spec.migration: {networkType: OpenShiftSDN}
        clearStaleMigration(),
        setField({
          id: 'set-migration',
          title: 'Set Network.operator.openshift.io cluster spec.migration.networkType',
          ref: NETWORK_OPERATOR,
          path: ['spec', 'migration'],
          value: { networkType: 'OpenShiftSDN' },
        }),
        // 3. wait for Network.config status.migration.networkType (patching Network.config earlier degrades CNO)
        migrationAccepted(),
      ],
    },
    {
      id: 'switch',
      title: 'Switch the default network back to OpenShift SDN',
      // 4. spec.networkType: OpenShiftSDN; 5. optional openshiftSDNConfig {mtu, vxlanPort} (and the original mode)
      steps: [switchNetworkType(), sdnSettings()],
    },
    // 6. reboot every node; 7. wait for multus
    { id: 'reboot', title: 'Reboot every node', steps: [rebootEveryNode(), waitForMultus()] },
    {
      id: 'resume-pools',
      title: 'Resume the machine config pools and wait for the MCO update',
      steps: [
        // Not in the document: input max-unavailable for this rollout (each pool's own value recorded first).
        setPoolMaxUnavailable(),
        // 8. unpause the pools; MCO rolls out configure-ovs.sh OpenShiftSDN
        unpausePools(),
        waitForMachineConfigRollout(),
        restorePoolMaxUnavailable(),
      ],
    },
    // 9. verify: Done, configs equal, configure-ovs.sh OpenShiftSDN, status.networkType, Ready, pods, operators
    { id: 'verify', title: 'Verify the rollback', steps: [verifyRollback()] },
    restorePausesPhase,
    {
      id: 'cleanup',
      title: 'Clean up',
      // 10. spec.migration: null; ovnKubernetesConfig: null; delete namespace openshift-ovn-kubernetes
      steps: [clearMigration('set-migration'), clearOvnConfig(), deleteOvnNamespace()],
    },
  ],
};

/**
 * A 4.8–4.16 migration that stopped before spec.networkType switched: clearing spec.migration makes MCO
 * render configure-ovs.sh OpenShiftSDN again and roll it out (its own reboots); this action reboots no
 * node.
 */
export const undoB: Variant = {
  id: 'B-undo',
  title:
    'B rollback before the switch — OpenShift 4.8–4.16 (clear spec.migration, MCO rolls the SDN config back)',
  minors: [8, 16],
  from: 'OpenShiftSDN',
  to: 'OpenShiftSDN',
  verifyPhase: 'verify',
  cleanupPhase: 'cleanup',
  phases: [
    {
      id: 'revert',
      title: 'End the migration: spec.migration and the OVN-Kubernetes settings',
      // max-unavailable before spec.migration is cleared: that starts the MCO rollout (B pauses no pool).
      steps: [rememberPoolConfigs(), setPoolMaxUnavailable(), clearMigration(), clearOvnConfig()],
    },
    {
      id: 'resume-pools',
      title: 'Unpause the pools and wait for MCO to roll the OpenShift SDN config back',
      steps: [unpausePools(), waitForMachineConfigRollout(), restorePoolMaxUnavailable()],
    },
    { id: 'verify', title: 'Verify the cluster is on OpenShift SDN', steps: [verifyWithoutReboot()] },
    restorePausesPhase,
    { id: 'cleanup', title: 'Clean up', steps: [] },
  ],
};
