// Every API call the run makes, asked of the API server (SelfSubjectAccessReview) before the first one.
import { describePermission, missingPermissions } from '../permissions.ts';
import type { PreflightCheck } from './types.ts';

export const permissionsCheck: PreflightCheck = {
  id: 'permissions',
  title: 'Every API permission the run needs (SelfSubjectAccessReview)',
  severity: 'blocking',
  run: async ({ ctx: { cluster }, variant }) => {
    const missing = await missingPermissions(cluster);
    return missing.length
      ? {
          ok: false,
          detail: `${missing.length} permission(s) missing for ${cluster.user} — use a cluster-admin kubeconfig (oc adm policy add-cluster-role-to-user cluster-admin <user>)`,
          items: missing.map((p) => `${describePermission(p)} (to ${p.why})`),
        }
      : {
          ok: true,
          detail: `every permission the ${variant.to === 'OpenShiftSDN' ? 'rollback' : 'migration'} needs is granted`,
        };
  },
};
