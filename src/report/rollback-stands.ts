// The fixed cluster states (STANDS) in a rollback's words: its target is OpenShift SDN, what continues
// is the rollback, and the leftovers are OVN-Kubernetes'. A migration keeps STANDS as they are.
import { STANDS, type ClusterStand, type RunReport } from './model.ts';

type Words = { label: string; consequence: string };

const ROLLBACK_STANDS: Partial<Record<ClusterStand, Words>> = {
  prepared: {
    label: 'Rollback started, network not switched back',
    consequence:
      'The network type is as the rollback found it, and so is the pod network; the rollback is started (spec.migration or the migration annotation, pools paused), so the Machine Config Operator may still drain and reboot nodes until the rollback continues.',
  },
  'switched-not-rebooted': {
    label: 'Switched back to OpenShift SDN, nodes not rebooted',
    consequence:
      'The pod network is down until the rollback continues (every node must still be rebooted onto OpenShift SDN).',
  },
  'rebooted-not-verified': {
    label: 'On OpenShift SDN, not verified',
    consequence:
      'Every node runs OpenShift SDN (rebooted onto it, or never taken off it); the pod network should work, but the rollback has not verified it yet.',
  },
  'verified-cleanup-pending': {
    label: 'On OpenShift SDN and verified, cleanup pending',
    consequence:
      "The cluster runs OpenShift SDN and passed verification; the OVN-Kubernetes leftovers (spec.migration or the migration annotation, the openshift-ovn-kubernetes namespace) stay until the rollback's cleanup runs.",
  },
};

/** Whether the run's stand is in a rollback's terms: a rollback run's, unless the failure says otherwise. */
export function rollbackTerms(r: RunReport): boolean {
  if (r.failure?.standTerms) return r.failure.standTerms === 'rollback';
  return r.settings.mode === 'rollback' || r.settings.mode === 'plan-rollback';
}

/** A stand's label and consequence for this run: a rollback's words when `rollback`, else STANDS'. */
export function standWords(stand: ClusterStand, rollback: boolean): Words {
  return (rollback ? ROLLBACK_STANDS[stand] : undefined) ?? STANDS[stand];
}
