// Connect: read the version, the network type and the platform, and pick the procedure.
import * as core from '@actions/core';
import { CLUSTER_VERSION, INFRASTRUCTURE, NETWORK_CONFIG } from '../cluster/types.ts';
import { clusterIdentity } from '../checks/cluster-identity.ts';
import { selectRollback } from '../procedure/rollback-select.ts';
import { isRollback } from '../inputs/settings.ts';
import type { Variant } from '../procedure/types.ts';
import type { Session } from './session.ts';
import { chooseStrategy } from './strategy.ts';

export async function connect(s: Session): Promise<Variant> {
  const { cluster, report, log } = s;
  const version = await core.group('Connect to the cluster', async () => {
    const cv = await cluster.get(CLUSTER_VERSION);
    report.cluster.id = clusterIdentity(cv, s.settings.expectedClusterId);
    const v = String(cv?.status?.desired?.version ?? cv?.status?.history?.[0]?.version ?? '');
    if (!v)
      throw new Error(
        'ClusterVersion "version" has no status.desired.version — is this an OpenShift 4 cluster?',
      );
    const config = await cluster.get(NETWORK_CONFIG);
    const infra = await cluster.get(INFRASTRUCTURE);
    report.cluster.version = v;
    report.cluster.networkTypeBefore = String(
      config?.status?.networkType ?? config?.spec?.networkType ?? '?',
    );
    report.cluster.platform = String(infra?.status?.platformStatus?.type ?? infra?.status?.platform ?? '?');
    log.info(
      `Connected to ${cluster.server} (cluster ID ${report.cluster.id ?? 'unknown'}): OpenShift ${v}, network type ${report.cluster.networkTypeBefore}, platform ${report.cluster.platform}`,
    );
    return v;
  });
  // A rollback picks its exact procedure once it has read the checkpoint (src/runs/rollback.ts).
  const variant = isRollback(s.settings.mode)
    ? selectRollback(version, true)
    : await chooseStrategy(s, version);
  report.cluster.variant = variant.title;
  s.variant = variant;
  return variant;
}
