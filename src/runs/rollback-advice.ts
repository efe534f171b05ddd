// The way back, in the words a failure summary uses: which mode and which inputs to run.
import type { Session } from './session.ts';

/** "Run the action with mode: rollback …" — the exact inputs, for a failed migrate or rollback run. */
export function rollbackNextStep(s: Session): string {
  const again = s.variant?.to === 'OpenShiftSDN';
  const keep = [
    'kubeconfig',
    'ssh-private-key',
    'ssh-known-hosts',
    ...(s.settings.expectedClusterId ? [`expected-cluster-id: ${s.settings.expectedClusterId}`] : []),
  ];
  const sdn = again
    ? 'the same mtu and vxlan-port as this run'
    : 'mtu and vxlan-port empty (the original OpenShift SDN mode, MTU and VXLAN port come back from the backup the checkpoint holds) or set to override them';
  return `${again ? 'To finish going back to OpenShift SDN, run the action again' : 'To go back to OpenShift SDN instead, run the action'} with mode: rollback (mode: plan-rollback first to see its steps), the same ${keep.join(', ')}, and ${sdn}. It reverts only what was done; the original configuration is also in the artifact (backup/cluster-openshift-sdn.yaml).`;
}
