// `spec.migration.features` of Network.operator (OpenShift 4.12+, offline migration): which OpenShift
// SDN features the network operator converts to their OVN-Kubernetes form (egress IPs → EgressIP,
// EgressNetworkPolicy → EgressFirewall, multicast → k8s.ovn.org/multicast-enabled). All true by default,
// as the operator's own default; Red Hat's Ansible collection offers the same three switches.
// Field names: openshift/api operator/v1 types_network.go, `MigrationFeatures` (egressIP,
// egressFirewall, multicast), added with the 4.12 migration-conversion work.
import { InputError } from './input-error.ts';

export interface MigrationFeatures {
  egressIP: boolean;
  egressFirewall: boolean;
  multicast: boolean;
}

export const FEATURE_INPUTS = {
  egressIP: 'migrate-egress-ip',
  egressFirewall: 'migrate-egress-firewall',
  multicast: 'migrate-multicast',
} as const satisfies Record<keyof MigrationFeatures, string>;

export function readMigrationFeatures(get: (name: string) => string): MigrationFeatures {
  const one = (name: string): boolean => {
    const text = get(name).trim().toLowerCase();
    if (text === '' || text === 'true') return true;
    if (text === 'false') return false;
    throw new InputError(name, `"${get(name)}" is not a boolean`, 'true or false');
  };
  return {
    egressIP: one(FEATURE_INPUTS.egressIP),
    egressFirewall: one(FEATURE_INPUTS.egressFirewall),
    multicast: one(FEATURE_INPUTS.multicast),
  };
}

/** True when the run leaves a feature unconverted (a 4.12+ run told not to convert it). */
export function allFeatures(f: MigrationFeatures | undefined): boolean {
  return !f || (f.egressIP && f.egressFirewall && f.multicast);
}
