// Every preflight check, in the order the report lists them. Adding a check: one file, one line here.
import { apiCheck } from './api.ts';
import { clusterSizeCheck } from './cluster-size.ts';
import { egressRouterCheck } from './egress-router.ts';
import { nmstatePrimaryCheck } from './nmstate-primary.ts';
import { pdbEvictionsCheck } from './pdb-evictions.ts';
import { primaryExtrasCheck } from './primary-extras.ts';
import { sdnDaemonSetsCheck } from './sdn-daemonsets.ts';
import { execPermissionCheck, mcdPodsCheck, nodeExecCheck } from './api-access.ts';
import { etcdBackupCheck } from './etcd-backup.ts';
import { hostedControlPlaneCheck } from './hosted-control-plane.ts';
import { machineNetworkCheck } from './machine-network.ts';
import { maxUnavailableCheck } from './max-unavailable.ts';
import { mtuCheck } from './mtu.ts';
import { networkRangesCheck } from './network-ranges.ts';
import { networkTypeCheck } from './network-type.ts';
import { noMigrationInProgressCheck } from './no-migration-in-progress.ts';
import { nodesReadyCheck } from './nodes-ready.ts';
import { operatorsHealthyCheck } from './operators-healthy.ts';
import { permissionsCheck } from './permissions.ts';
import { platformCheck } from './platform.ts';
import { poolsHealthyCheck } from './pools-healthy.ts';
import { poolsNotPausedCheck } from './pools-not-paused.ts';
import { runnerOutsideClusterCheck } from './runner-outside-cluster.ts';
import { sdnFeaturesCheck } from './sdn-features.ts';
import { sshCheck } from './ssh.ts';
import type { PreflightCheck } from './types.ts';
import { versionCheck } from './version.ts';

export const PREFLIGHT_CHECKS: readonly PreflightCheck[] = [
  apiCheck,
  permissionsCheck,
  versionCheck,
  networkTypeCheck,
  noMigrationInProgressCheck,
  nodesReadyCheck,
  operatorsHealthyCheck,
  poolsHealthyCheck,
  poolsNotPausedCheck,
  maxUnavailableCheck,
  networkRangesCheck,
  machineNetworkCheck,
  sshCheck,
  execPermissionCheck,
  mcdPodsCheck,
  nodeExecCheck,
  mtuCheck,
  runnerOutsideClusterCheck,
  platformCheck,
  hostedControlPlaneCheck,
  sdnFeaturesCheck,
  egressRouterCheck,
  nmstatePrimaryCheck,
  pdbEvictionsCheck,
  sdnDaemonSetsCheck,
  primaryExtrasCheck,
  clusterSizeCheck,
  etcdBackupCheck,
];
