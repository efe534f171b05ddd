// Preflight's public face. The checks live one per file under preflight/ (registry.ts lists them in
// order), the runner in preflight/runner.ts; callers import from here.
export { PreflightRefused, refusalFor, runChecks, runPreflight } from './preflight/runner.ts';
export { parseDefaultRouteMtu } from './preflight/node-probe.ts';
export { GENEVE_OVERHEAD } from './preflight/mtu.ts';
export { DOCUMENTED_PLATFORMS } from './preflight/platform.ts';
export { SERVICE_ACCOUNT_NAMESPACE_FILE } from './preflight/runner-outside-cluster.ts';
export type { PreflightCheck, PreflightOptions, Outcome } from './preflight/types.ts';
