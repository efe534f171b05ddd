// A pool an administrator paused holds back MachineConfigs. Procedure A pauses and later unpauses
// every pool (the held-back change rolls out with the migration); procedure B needs MCO to update
// every pool, so a paused pool would stall it.
import { describePending, pendingChange } from '../../procedure/paused-pools.ts';
import type { PreflightCheck } from './types.ts';

export const poolsNotPausedCheck: PreflightCheck = {
  id: 'pools-not-paused',
  title: 'No MachineConfigPool paused before the run',
  severity: 'warn',
  run: async (f) => {
    const pools = await f.pools();
    if (!pools) throw new Error('the MachineConfigPools could not be listed');
    const paused = pools.filter((p) => p.spec?.paused === true).map((p) => p.metadata.name);
    const original = pools.map((p) => `${p.metadata.name}: spec.paused ${p.spec?.paused === true}`);
    if (!paused.length) return { ok: true, detail: `no pool paused (${original.join(', ')})`, items: [] };
    if (f.variant.id === 'A')
      return {
        ok: false,
        detail: `pool(s) ${paused.join(', ')} already paused before this run (original state recorded); procedure A resumes every pool after the reboots, so what they hold back rolls out with the migration; they are paused again after verification`,
        items: [
          ...original,
          ...pools.filter((p) => p.spec?.paused === true).map((p) => describePending(pendingChange(p))),
        ],
      };
    return {
      ok: false,
      severity: 'blocking',
      detail: `pool(s) ${paused.join(', ')} paused — procedure ${f.variant.id} needs the Machine Config Operator to update every pool, so a paused pool would stall the migration: unpause it (oc patch mcp <name> --type merge -p '{"spec":{"paused":false}}'), let it update, then run again`,
      items: original,
    };
  },
};
