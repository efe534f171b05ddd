// Variant A — offline migration, OpenShift 4.5–4.7: the source document
// (shared/reference/000_*.txt, "Migrating to the OVN-Kubernetes default CNI network provider"),
// step by step. Read it beside the document; numbers refer to procedures.md §A.
import { NETWORK_OPERATOR } from '../cluster/types.ts';
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
import { repausePools } from './paused-pools.ts';
import { deleteNamespace, setAllPoolsPaused, setAnnotation } from './steps.ts';
import type { Variant } from './types.ts';

export const MIGRATION_ANNOTATION = 'networkoperator.openshift.io/network-migration';

export const variantA: Variant = {
  id: 'A',
  title: 'A — offline, OpenShift 4.5–4.7 (network-migration annotation, pools paused)',
  minors: [5, 7],
  from: 'OpenShiftSDN',
  to: 'OVNKubernetes',
  verifyPhase: 'verify',
  cleanupPhase: 'cleanup',
  phases: [
    // 1. oc get Network.config.openshift.io cluster -o yaml > cluster-openshift-sdn.yaml
    { id: 'backup', title: 'Back up the network configuration', steps: [backupNetworkConfig()] },
    {
      id: 'prepare',
      title: 'Enable the migration and pause every machine config pool',
      steps: [
        // 2. oc annotate Network.operator.openshift.io cluster 'networkoperator.openshift.io/network-migration'=""
        setAnnotation({
          id: 'annotate',
          title: 'Annotate Network.operator.openshift.io cluster with network-migration',
          ref: NETWORK_OPERATOR,
          key: MIGRATION_ANNOTATION,
          value: '',
        }),
        rememberPoolConfigs(),
        // 3. oc patch MachineConfigPool <every pool> --type=merge --patch '{"spec":{"paused":true}}'
        setAllPoolsPaused({
          id: 'pause-pools',
          title: 'Pause every MachineConfigPool (master, worker and custom pools)',
          paused: true,
        }),
      ],
    },
    {
      id: 'switch',
      title: 'Switch the default network to OVN-Kubernetes',
      steps: [
        // 4. oc patch Network.config.openshift.io cluster --type=merge --patch '{"spec":{"networkType":"OVNKubernetes"}}'
        switchNetworkType(),
        // 5. (optional) ovnKubernetesConfig {mtu, genevePort}
        ovnSettings(),
        // 6. oc -n openshift-multus rollout status daemonset/multus
        waitForMultus(),
      ],
    },
    // 7. reboot every node: ssh core@<InternalIP> sudo shutdown -r -t 3
    { id: 'reboot', title: 'Reboot every node', steps: [rebootEveryNode()] },
    {
      id: 'resume-pools',
      title: 'Resume the machine config pools and wait for the MCO update',
      steps: [
        // Not in the document: input max-unavailable (the checkpoint records each pool's own value first).
        setPoolMaxUnavailable(),
        // 8. oc patch MachineConfigPool <every pool> --type=merge --patch '{"spec":{"paused":false}}'
        setAllPoolsPaused({
          id: 'unpause-pools',
          reverts: 'pause-pools',
          title: 'Unpause every MachineConfigPool',
          paused: false,
        }),
        waitForMachineConfigRollout(),
        restorePoolMaxUnavailable(),
      ],
    },
    // 9. verify: state Done, currentConfig = desiredConfig, configure-ovs.sh OVNKubernetes, networkType, Ready, no pod in error
    { id: 'verify', title: 'Verify the migration', steps: [verify()] },
    // Not in the document: step 8 unpaused every pool, including those an administrator had paused to
    // hold MachineConfigs back. Leave them as they were found.
    {
      id: 'restore-pauses',
      title: 'Pause again the pools that were paused before the run',
      steps: [repausePools()],
    },
    {
      id: 'cleanup',
      title: 'Clean up',
      steps: [
        // 10. oc annotate Network.operator.openshift.io cluster networkoperator.openshift.io/network-migration-
        setAnnotation({
          id: 'remove-annotation',
          reverts: 'annotate',
          title: 'Remove the network-migration annotation',
          ref: NETWORK_OPERATOR,
          key: MIGRATION_ANNOTATION,
          value: null,
        }),
        //     oc delete namespace openshift-sdn
        deleteNamespace({
          id: 'delete-sdn-namespace',
          title: 'Delete namespace openshift-sdn',
          name: 'openshift-sdn',
        }),
      ],
    },
  ],
};
