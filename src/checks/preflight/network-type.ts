// The migration starts from OpenShift SDN in NetworkPolicy mode only: OVN-Kubernetes has no
// multitenant isolation, and the network operator refuses it.
import type { PreflightCheck } from './types.ts';

export const networkTypeCheck: PreflightCheck = {
  id: 'network-type',
  title: 'Current network plugin is OpenShift SDN in NetworkPolicy mode',
  severity: 'blocking',
  run: async ({ operator: getOperator, config: getConfig, variant }) => {
    const [operator, config] = [await getOperator(), await getConfig()];
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
};
