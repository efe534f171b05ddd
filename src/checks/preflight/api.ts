// Reached by the time preflight runs: the version was read with these credentials.
import type { PreflightCheck } from './types.ts';

export const apiCheck: PreflightCheck = {
  id: 'api',
  title: 'API server reachable and credentials accepted',
  severity: 'blocking',
  run: ({ ctx }) => ({ ok: true, detail: `connected to ${ctx.cluster.server} as ${ctx.cluster.user}` }),
};
