// The document's first prerequisite: the cluster in a known good state, every ClusterOperator healthy.
import { CLUSTER_OPERATORS } from '../../cluster/types.ts';
import { unhealthyOperators } from '../../openshift/objects.ts';
import type { PreflightCheck } from './types.ts';

export const operatorsHealthyCheck: PreflightCheck = {
  id: 'operators-healthy',
  title: 'Every ClusterOperator Available, not Progressing, not Degraded',
  severity: 'blocking',
  run: async ({ ctx }) => {
    const cos = (await ctx.cluster.list(CLUSTER_OPERATORS)).items;
    const bad = unhealthyOperators(cos);
    return bad.length
      ? {
          ok: false,
          detail: `${bad.length} ClusterOperator(s) not healthy — the cluster must be in a known good state: fix them (oc get co; oc describe co <name>) and run again`,
          items: bad,
        }
      : { ok: true, detail: `${cos.length} ClusterOperators healthy` };
  },
};
