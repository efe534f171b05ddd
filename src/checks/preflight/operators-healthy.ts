// The document's first prerequisite: the cluster in a known good state. Every ClusterOperator healthy
// in three consecutive passes (operator-gate.ts); an operator that is unhealthy, or flaps between
// passes, refuses the migration at once rather than waiting for it.
import { operatorGate } from '../operator-gate.ts';
import type { PreflightCheck } from './types.ts';

export const operatorsHealthyCheck: PreflightCheck = {
  id: 'operators-healthy',
  title: 'Every ClusterOperator Available, not Progressing, not Degraded',
  severity: 'blocking',
  run: async ({ ctx }) => {
    const gate = await operatorGate(ctx, { settle: false });
    return gate.ok
      ? { ok: true, detail: gate.detail }
      : {
          ok: false,
          detail: `ClusterOperator(s) ${gate.detail} — the cluster must be in a known good state: fix them (oc get co; oc describe co <name>) and run again`,
          items: gate.unhealthy,
        };
  },
};
