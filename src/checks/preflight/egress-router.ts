// OpenShift SDN egress routers are pods with a macvlan interface the SDN plugin assigns
// (pod.network.openshift.io/assign-macvlan: "true"). OVN-Kubernetes does not honour the annotation: its
// egress router is an EgressRouter object (network.operator.openshift.io/v1) with a CNI plugin, so these
// pods lose their egress path in the migration.
import { PODS_ALL } from '../../cluster/types.ts';
import { listOrAbsent, nameOf } from './list-or-absent.ts';
import type { PreflightCheck } from './types.ts';

export const ASSIGN_MACVLAN = 'pod.network.openshift.io/assign-macvlan';

export const egressRouterCheck: PreflightCheck = {
  id: 'egress-router',
  title: 'No OpenShift SDN egress-router pods',
  severity: 'blocking',
  run: async ({ ctx }) => {
    const pods = await listOrAbsent(ctx, PODS_ALL);
    if (!pods) throw new Error('the pods could not be listed');
    const routers = pods.filter((p) => p.metadata.annotations?.[ASSIGN_MACVLAN] === 'true').map(nameOf);
    if (!routers.length)
      return { ok: true, detail: `no pod carries ${ASSIGN_MACVLAN} (${pods.length} pods read)` };
    return {
      ok: false,
      detail: `${routers.length} egress-router pod(s) (annotation ${ASSIGN_MACVLAN}: "true") — OVN-Kubernetes does not assign them a macvlan interface; delete them and plan an EgressRouter (network.operator.openshift.io/v1, redirect mode) for after the migration`,
      items: routers,
    };
  },
};
