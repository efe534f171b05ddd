// MCO must be able to roll the new configuration out: no pool Degraded or mid-update (a paused pool
// is the next check's business).
import { poolProgress, poolUpdated } from '../../openshift/objects.ts';
import type { PreflightCheck } from './types.ts';

export const poolsHealthyCheck: PreflightCheck = {
  id: 'pools-healthy',
  title: 'Every MachineConfigPool Updated and not Degraded',
  severity: 'blocking',
  run: async (f) => {
    const pools = await f.pools();
    if (!pools) throw new Error('the MachineConfigPools could not be listed');
    const bad = pools
      .filter((p) => poolProgress(p).degraded || (!poolUpdated(p) && !poolProgress(p).paused))
      .map((p) => {
        const pr = poolProgress(p);
        return pr.degraded
          ? `${pr.name}: Degraded — ${pr.degradedReason ?? 'no reason given'}`
          : `${pr.name}: not Updated (${pr.updated}/${pr.machines} updated${pr.updating ? ', Updating' : ''})`;
      });
    return bad.length
      ? {
          ok: false,
          detail: `${bad.length} pool(s) Degraded or still updating — fix the Degraded nodes (oc -n openshift-machine-config-operator logs <machine-config-daemon pod>) or wait for the update to finish, then run again`,
          items: bad,
        }
      : { ok: true, detail: `${pools.length} pool(s) Updated` };
  },
};
