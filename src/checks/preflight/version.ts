// The procedure was chosen from the version before preflight (an unsupported version never gets here).
import type { PreflightCheck } from './types.ts';

export const versionCheck: PreflightCheck = {
  id: 'version',
  title: 'OpenShift version supported and procedure chosen',
  severity: 'blocking',
  run: ({ ctx, variant }) => ({
    ok: true,
    detail: `OpenShift ${ctx.report.cluster.version ?? ''} → procedure ${variant.title}`,
  }),
};
