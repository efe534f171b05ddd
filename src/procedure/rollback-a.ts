// Rollback to OpenShift SDN, OpenShift 4.5–4.7: the OpenShift 4.6 documentation, "Rolling back to the
// OpenShift SDN network provider" (docs.openshift.com/container-platform/4.6/networking/
// ovn_kubernetes_network_provider/rollback-to-openshift-sdn.html), step by step; and the shorter way
// back from a migration that stopped before the network type switched. Read beside the document: the numbers are its steps.
import { NETWORK_OPERATOR } from '../cluster/types.ts';
import { rebootEveryNode, switchNetworkType, waitForMultus } from './migration-steps.ts';
import { rememberPoolConfigs, waitForMachineConfigRollout } from './mco-rollout.ts';
import { restorePoolMaxUnavailable, setPoolMaxUnavailable } from './pool-max-unavailable.ts';
import { restorePausesPhase } from './rollback-b.ts';
import { deleteOvnNamespace, sdnSettings, verifyRollback, verifyWithoutReboot } from './rollback-steps.ts';
import { setAllPoolsPaused, setAnnotation } from './steps.ts';
import type { Step, Variant } from './types.ts';
import { MIGRATION_ANNOTATION } from './variant-a.ts';

const removeAnnotation = (reverts?: string): Step =>
  setAnnotation({
    id: 'remove-annotation',
    reverts,
    title: 'Remove the network-migration annotation',
    ref: NETWORK_OPERATOR,
    key: MIGRATION_ANNOTATION,
    value: null,
  });

const unpausePools = (): Step =>
  setAllPoolsPaused({
    id: 'unpause-pools',
    reverts: 'pause-pools',
    title: 'Unpause every MachineConfigPool',
    paused: false,
  });

export const rollbackA: Variant = {
  id: 'A-rollback',
  title: 'A rollback — offline, OpenShift 4.5–4.7 (network-migration annotation, pools paused)',
  minors: [5, 7],
  from: 'OVNKubernetes',
  to: 'OpenShiftSDN',
  verifyPhase: 'verify',
  cleanupPhase: 'cleanup',
  phases: [
    {
      id: 'prepare',
      title: 'Enable the migration and pause every machine config pool',
      steps: [
        // 1. oc annotate Network.operator.openshift.io cluster networkoperator.openshift.io/network-migration=""
        setAnnotation({
          id: 'annotate',
          title: 'Annotate Network.operator.openshift.io cluster with network-migration',
          ref: NETWORK_OPERATOR,
          key: MIGRATION_ANNOTATION,
          value: '',
        }),
        rememberPoolConfigs(),
        // 2. oc patch MachineConfigPool <every pool> --type='merge' --patch '{"spec":{"paused":true}}'
        setAllPoolsPaused({
          id: 'pause-pools',
          title: 'Pause every MachineConfigPool (master, worker and custom pools)',
          paused: true,
        }),
      ],
    },
    {
      id: 'switch',
      title: 'Switch the default network back to OpenShift SDN',
      steps: [
        // 3. oc patch Network.config.openshift.io cluster --type='merge' --patch '{"spec":{"networkType":"OpenShiftSDN"}}'
        switchNetworkType(),
        // 4. (optional) openshiftSDNConfig {mtu, vxlanPort} (and the original mode)
        sdnSettings(),
        // 5. oc -n openshift-multus rollout status daemonset/multus
        waitForMultus(),
      ],
    },
    // 6. reboot every node
    { id: 'reboot', title: 'Reboot every node', steps: [rebootEveryNode()] },
    {
      id: 'resume-pools',
      title: 'Resume the machine config pools and wait for the MCO update',
      steps: [
        // Not in the document: input max-unavailable for this rollout (each pool's own value recorded first).
        setPoolMaxUnavailable(),
        // 7. oc patch MachineConfigPool <every pool> --type='merge' --patch '{"spec":{"paused":false}}'
        unpausePools(),
        waitForMachineConfigRollout(),
        restorePoolMaxUnavailable(),
      ],
    },
    // 8. verify: machineconfig state Done, configure-ovs.sh OpenShiftSDN, networkType, nodes Ready, pods
    { id: 'verify', title: 'Verify the rollback', steps: [verifyRollback()] },
    restorePausesPhase,
    {
      id: 'cleanup',
      title: 'Clean up',
      steps: [
        // 9. oc annotate Network.operator.openshift.io cluster networkoperator.openshift.io/network-migration-
        removeAnnotation('annotate'),
        // 10. oc delete namespace openshift-ovn-kubernetes
        deleteOvnNamespace(),
      ],
    },
  ],
};

/** A 4.5–4.7 migration that stopped before the network type switched: the annotation off, the pools back. */
export const undoA: Variant = {
  id: 'A-undo',
  title: 'A rollback before the switch — OpenShift 4.5–4.7 (remove the annotation, unpause the pools)',
  minors: [5, 7],
  from: 'OpenShiftSDN',
  to: 'OpenShiftSDN',
  verifyPhase: 'verify',
  cleanupPhase: 'cleanup',
  phases: [
    {
      id: 'revert',
      title: 'End the migration: the network-migration annotation',
      steps: [rememberPoolConfigs(), removeAnnotation()],
    },
    {
      id: 'resume-pools',
      title: 'Unpause the pools and wait until MCO has them Updated',
      steps: [
        setPoolMaxUnavailable(),
        unpausePools(),
        waitForMachineConfigRollout(),
        restorePoolMaxUnavailable(),
      ],
    },
    { id: 'verify', title: 'Verify the cluster is on OpenShift SDN', steps: [verifyWithoutReboot()] },
    restorePausesPhase,
    { id: 'cleanup', title: 'Clean up', steps: [] },
  ],
};
