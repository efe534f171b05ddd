// FeatureGate `cluster` as a default-feature-set cluster reports it. From 4.14 the cluster-config
// operator writes, per payload version, the gates enabled and disabled in `status.featureGates`
// (`[{version, enabled: [{name}], disabled: [{name}]}]`, openshift/api config/v1 types_feature.go);
// operators read their version's entry. The lists are the Default feature set of each release, taken
// from the openshift/api the network operator vendors on its release-4.14/4.15/4.16 branches
// (config/v1/types_feature.go `defaultFeatures` up to 4.15, features/features.go `enableIn(Default)`
// in 4.16). `NetworkLiveMigration` is enabled by default from 4.15 (added to `defaultFeatures` in
// openshift/api in Dec 2023, before 4.15 shipped) and does not exist in 4.14. Disabled lists are a
// representative subset, not the full list.
import type { KObject } from '../store.ts';
import { minorVersion } from '../scenario.ts';

export const LIVE_MIGRATION_GATE = 'NetworkLiveMigration';

const DEFAULT_ENABLED: Record<number, string[]> = {
  14: [
    'AlibabaPlatform',
    'AzureWorkloadIdentity',
    'BuildCSIVolumes',
    'CloudDualStackNodeIPs',
    'ExternalCloudProviderAzure',
    'ExternalCloudProviderExternal',
    'PrivateHostedZoneAWS',
  ],
  15: [
    'AlibabaPlatform',
    'AzureWorkloadIdentity',
    'BuildCSIVolumes',
    'CloudDualStackNodeIPs',
    'ExternalCloudProvider',
    'ExternalCloudProviderAzure',
    'ExternalCloudProviderExternal',
    'ExternalCloudProviderGCP',
    'NetworkLiveMigration',
    'PrivateHostedZoneAWS',
  ],
  16: [
    'AdminNetworkPolicy',
    'AlibabaPlatform',
    'AzureWorkloadIdentity',
    'BareMetalLoadBalancer',
    'BuildCSIVolumes',
    'CloudDualStackNodeIPs',
    'ClusterAPIInstallAWS',
    'ClusterAPIInstallNutanix',
    'ClusterAPIInstallOpenStack',
    'ClusterAPIInstallVSphere',
    'DisableKubeletCloudCredentialProviders',
    'ExternalCloudProvider',
    'ExternalCloudProviderAzure',
    'ExternalCloudProviderExternal',
    'ExternalCloudProviderGCP',
    'HardwareSpeed',
    'KMSv1',
    'MetricsServer',
    'NetworkDiagnosticsConfig',
    'NetworkLiveMigration',
    'PrivateHostedZoneAWS',
    'VSphereControlPlaneMachineSet',
    'VSphereDriverConfiguration',
    'VSphereStaticIPs',
  ],
};

const DEFAULT_DISABLED: Record<number, string[]> = {
  14: [
    'RetroactiveDefaultStorageClass',
    'GatewayAPI',
    'NodeSwap',
    'AdminNetworkPolicy',
    'AutomatedEtcdBackup',
  ],
  15: [
    'DisableKubeletCloudCredentialProviders',
    'GatewayAPI',
    'NodeSwap',
    'AdminNetworkPolicy',
    'AutomatedEtcdBackup',
  ],
  16: [
    'AutomatedEtcdBackup',
    'GatewayAPI',
    'NodeSwap',
    'MachineConfigNodes',
    'OnClusterBuild',
    'UpgradeStatus',
  ],
};

/** FeatureGate `cluster`; before 4.14 its status is empty (no per-version lists). */
export function featureGateObject(version: string): KObject {
  const minor = minorVersion(version)[1];
  const enabled = DEFAULT_ENABLED[Math.min(minor, 16)];
  const status =
    minor >= 14 && enabled
      ? {
          featureGates: [
            {
              version,
              enabled: enabled.map((name) => ({ name })),
              disabled: (DEFAULT_DISABLED[Math.min(minor, 16)] ?? []).map((name) => ({ name })),
            },
          ],
        }
      : {};
  return {
    apiVersion: 'config.openshift.io/v1',
    kind: 'FeatureGate',
    metadata: {
      name: 'cluster',
      annotations: {
        'include.release.openshift.io/self-managed-high-availability': 'true',
        'release.openshift.io/create-only': 'true',
      },
    },
    spec: {},
    status,
  };
}

/** Whether FeatureGate `cluster` lists `gate` as enabled for `version` (what an operator reads). */
export function gateEnabled(featureGate: KObject | undefined, version: string, gate: string): boolean {
  const entries = (
    featureGate?.status as { featureGates?: { version: string; enabled?: { name: string }[] }[] }
  )?.featureGates;
  const mine = entries?.find((e) => e.version === version);
  return !!mine?.enabled?.some((g) => g.name === gate);
}
