// Variant C — limited live migration, OpenShift 4.15–4.16 (procedures.md "Variant C"), and the live
// rollback (procedures.md "Live rollback": the same trigger with OpenShiftSDN). One merge-patch starts
// it; the network and machine-config operators then roll every pool twice (maxUnavailable nodes at a
// time) without a cluster-wide network outage. This action backs up, triggers, follows the five
// NetworkTypeMigration conditions, removes the annotation when done and verifies; it reboots nothing.
import { backupNetworkConfig, ovnSettings } from './migration-steps.ts';
import { followLive, liveTrigger, rememberBootIds, removeLiveAnnotation, verifyLive } from './live-steps.ts';
import { restorePoolMaxUnavailable, setPoolMaxUnavailable } from './pool-max-unavailable.ts';
import type { Phase, Variant } from './types.ts';

export const LIVE_VARIANT_ID = 'C';
export const LIVE_ROLLBACK_ID = 'C-rollback';

/** Minor versions (4.x) with the limited live migration, when the FeatureGate does not say. */
export const LIVE_MINORS: [number, number] = [15, 16];

function livePhases(toOvn: boolean): Phase[] {
  return [
    { id: 'backup', title: 'Back up the network configuration', steps: [backupNetworkConfig()] },
    {
      id: 'prepare',
      title: 'Prepare the pools and the trigger',
      // ovnKubernetesConfig (mtu, genevePort, internal subnets) must be in place before the operator
      // deploys OVN-Kubernetes; max-unavailable applies to both rollouts the operators start.
      steps: [...(toOvn ? [ovnSettings()] : []), setPoolMaxUnavailable(), rememberBootIds()],
    },
    { id: 'trigger', title: 'Start the live migration', steps: [liveTrigger()] },
    {
      id: 'follow',
      title: 'Follow the live migration (the operators roll every pool twice)',
      steps: [followLive(), restorePoolMaxUnavailable()],
    },
    { id: 'finish', title: 'Remove the migration annotation', steps: [removeLiveAnnotation()] },
    { id: 'verify', title: 'Verify the migration', steps: [verifyLive()] },
  ];
}

export function isLive(variant: { id: string } | undefined): boolean {
  return variant?.id === LIVE_VARIANT_ID || variant?.id === LIVE_ROLLBACK_ID;
}

export const variantLive: Variant = {
  id: LIVE_VARIANT_ID,
  title: 'C — limited live migration, OpenShift 4.15–4.16 (operators reboot every node twice, rolling)',
  minors: LIVE_MINORS,
  from: 'OpenShiftSDN',
  to: 'OVNKubernetes',
  verifyPhase: 'verify',
  // The documentation's live procedure has no cleanup of its own: the operator purges OpenShift SDN
  // (OriginalCNIPurged) and the annotation is removed before verification.
  cleanupPhase: 'cleanup',
  phases: livePhases(true),
};

export const liveRollback: Variant = {
  id: LIVE_ROLLBACK_ID,
  title:
    'C-rollback — live rollback to OpenShift SDN, OpenShift 4.15–4.16 (operators reboot every node twice, rolling)',
  minors: LIVE_MINORS,
  from: 'OVNKubernetes',
  to: 'OpenShiftSDN',
  verifyPhase: 'verify',
  cleanupPhase: 'cleanup',
  phases: livePhases(false),
};
