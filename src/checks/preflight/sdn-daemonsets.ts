// The migration deletes the openshift-sdn namespace at cleanup; a DaemonSet someone else put there goes
// with it. The network operator's own DaemonSets carry its ownerReference (Network.operator.openshift.io).
import type { KObject } from '../../cluster/types.ts';
import { listOrAbsent, nameOf } from './list-or-absent.ts';
import type { PreflightCheck } from './types.ts';

export function createdByNetworkOperator(ds: KObject): boolean {
  const owners = (ds.metadata.ownerReferences ?? []) as { apiVersion?: string; kind?: string }[];
  return owners.some(
    (o) => o.kind === 'Network' && (o.apiVersion ?? '').startsWith('operator.openshift.io/'),
  );
}

export const sdnDaemonSetsCheck: PreflightCheck = {
  id: 'sdn-namespace-daemonsets',
  title: 'No DaemonSets in openshift-sdn besides the network operator’s',
  severity: 'blocking',
  run: async ({ ctx }) => {
    const all = await listOrAbsent(ctx, {
      apiVersion: 'apps/v1',
      kind: 'DaemonSet',
      namespace: 'openshift-sdn',
    });
    if (!all) throw new Error('the DaemonSets in openshift-sdn could not be listed');
    const foreign = all.filter((d) => !createdByNetworkOperator(d)).map(nameOf);
    return foreign.length
      ? {
          ok: false,
          detail: `${foreign.length} DaemonSet(s) in openshift-sdn not created by the network operator — the namespace is deleted at cleanup; move them to another namespace first`,
          items: foreign,
        }
      : { ok: true, detail: `${all.length} DaemonSet(s) in openshift-sdn, all the network operator's` };
  },
};
