// The platforms each document lists; another platform runs the same procedure, with a warning.
import { INFRASTRUCTURE } from '../../cluster/types.ts';
import type { PreflightCheck } from './types.ts';

/**
 * Platforms the documentation lists for the offline migration. 4.5–4.7: the source document names
 * installer-provisioned bare metal only. 4.8–4.16: the later documents list bare metal, None (UPI),
 * vSphere, AWS, GCP, Azure, OpenStack, IBM Cloud and RHV/oVirt. Anything else runs with a warning.
 */
export const DOCUMENTED_PLATFORMS: { minors: [number, number]; platforms: string[]; source: string }[] = [
  {
    minors: [5, 7],
    platforms: ['BareMetal'],
    source: 'the 4.5–4.7 document lists installer-provisioned bare metal only',
  },
  {
    minors: [8, 16],
    platforms: ['BareMetal', 'None', 'VSphere', 'AWS', 'GCP', 'Azure', 'OpenStack', 'IBMCloud', 'Ovirt'],
    source:
      'the 4.8–4.16 documents list bare metal, None, vSphere, AWS, GCP, Azure, OpenStack, IBM Cloud and RHV',
  },
];

export const platformCheck: PreflightCheck = {
  id: 'platform',
  title: 'Platform documented for this procedure',
  severity: 'warn',
  run: async ({ ctx, minor }) => {
    const infra = await ctx.cluster.get(INFRASTRUCTURE);
    const platform = String(infra?.status?.platformStatus?.type ?? infra?.status?.platform ?? '(unknown)');
    ctx.report.cluster.platform = platform;
    const row = DOCUMENTED_PLATFORMS.find((r) => minor >= r.minors[0] && minor <= r.minors[1]);
    if (row?.platforms.includes(platform)) return { ok: true, detail: `${platform} (${row.source})` };
    return {
      ok: false,
      detail: `platform ${platform} is not one the documentation lists for OpenShift 4.${minor} (${row?.source ?? 'no documentation for this version'}) — the procedure is the same, but check the platform's notes before approving`,
    };
  },
};
