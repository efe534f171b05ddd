// Recorded only when the install-config could not give the machine networks: then the range check
// above ran without them, and the approver must know.
import type { PreflightCheck } from './types.ts';

export const machineNetworkCheck: PreflightCheck = {
  id: 'machine-network',
  title: 'Machine network read from the install-config',
  severity: 'warn',
  applies: { when: async (f) => (await f.machineNetworks()).problem !== undefined },
  run: async (f) => ({
    ok: false,
    detail: `${(await f.machineNetworks()).problem} — the machine network was not checked against OVN-Kubernetes' reserved ranges; check it by hand`,
  }),
};
