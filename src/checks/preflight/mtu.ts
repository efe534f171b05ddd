// The overlay MTU must leave room for Geneve's 100 bytes on the smallest node MTU.
import type { NodeProbe, PreflightCheck } from './types.ts';

/** Geneve encapsulation overhead OVN-Kubernetes needs below the node MTU. */
export const GENEVE_OVERHEAD = 100;

export const mtuCheck: PreflightCheck = {
  id: 'mtu',
  title: 'Overlay MTU fits the node MTU minus the Geneve overhead (100)',
  severity: 'blocking',
  run: async (f) => {
    const { mtu } = f.ctx.settings;
    const probes = await f.probes().catch(() => undefined);
    const measured = (probes ?? []).filter((p): p is NodeProbe & { mtu: number } => p.mtu !== undefined);
    if (!measured.length) {
      return mtu === undefined
        ? { ok: true, detail: 'mtu not set (the network operator chooses it); node MTUs not read' }
        : {
            ok: false,
            severity: 'warn',
            detail: `mtu ${mtu} could not be checked: the node MTUs are read over SSH, which did not succeed`,
          };
    }
    const smallest = measured.reduce((a, p) => (p.mtu < a.mtu ? p : a));
    const limit = smallest.mtu - GENEVE_OVERHEAD;
    const evidence = `smallest node MTU ${smallest.mtu} (${smallest.name}, ${smallest.iface}); ${measured.length} node(s) read`;
    if (mtu === undefined)
      return { ok: true, detail: `mtu not set; ${evidence}; the overlay MTU may be at most ${limit}` };
    return mtu <= limit
      ? { ok: true, detail: `mtu ${mtu} ≤ ${limit}: ${evidence}` }
      : {
          ok: false,
          detail: `mtu ${mtu} is above the smallest node MTU minus 100 (${smallest.mtu} − 100 = ${limit} on ${smallest.name}) — set the mtu input to at most ${limit}, or leave it empty`,
        };
  },
};
