// What a finished migration leaves for a later rollback: the original backup (the Network.config and
// Network.operator objects from before the first change), in a ConfigMap beside the checkpoint. The
// checkpoint is deleted when a migration completes; without this record a rollback would not know the
// OpenShift SDN mode, mtu and vxlanPort the cluster had. A completed rollback deletes it.
import type { Cluster } from '../cluster/client.ts';
import type { KObject, ObjectRef } from '../cluster/types.ts';
import { isSafeFileName } from './checkpoint.ts';

export const ROLLBACK_RECORD_REF: ObjectRef = {
  apiVersion: 'v1',
  kind: 'ConfigMap',
  namespace: 'openshift-network-operator',
  name: 'sdn-to-ovn-migration-backup',
};

type ConfigMap = KObject & { data?: Record<string, string> };

/** Writes (or replaces) the record with the original backup files. */
export async function saveRollbackRecord(cluster: Cluster, backup: Map<string, string>): Promise<void> {
  if (!backup.size) return;
  const obj: ConfigMap = {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: {
      name: ROLLBACK_RECORD_REF.name,
      namespace: ROLLBACK_RECORD_REF.namespace,
      labels: { 'app.kubernetes.io/managed-by': 'sdn-to-ovn-migration-action' },
    },
    data: Object.fromEntries(backup),
  };
  const existing = await cluster.get<ConfigMap>(ROLLBACK_RECORD_REF);
  if (existing)
    await cluster.replace({
      ...obj,
      metadata: { ...obj.metadata, resourceVersion: existing.metadata.resourceVersion },
    });
  else await cluster.create(obj);
}

/** The recorded backup files (plain file names only), or an empty map when there is no record. */
export async function loadRollbackRecord(cluster: Cluster): Promise<Map<string, string>> {
  const cm = await cluster.get<ConfigMap>(ROLLBACK_RECORD_REF);
  return new Map(
    Object.entries(cm?.data ?? {}).filter(([k, v]) => isSafeFileName(k) && typeof v === 'string'),
  );
}

export async function deleteRollbackRecord(cluster: Cluster): Promise<void> {
  if (await cluster.get(ROLLBACK_RECORD_REF)) await cluster.delete(ROLLBACK_RECORD_REF);
}
