// What the chosen context of a kubeconfig does that puts the credential or the runner at risk:
//  - an http:// server sends the bearer token (or password) in clear: refused;
//  - insecure-skip-tls-verify lets anyone on the path pose as the API server and receive the token:
//    refused in mode migrate unless allow-insecure-tls is true, a warning always;
//  - exec and auth-provider plugins run a command on the runner to get a credential: allowed (cloud
//    clusters need them) and named in a warning, so the approver knows what runs; the cluster client
//    starts them without the runner's tokens and inputs (src/cluster/auth-plugins.ts).
// Messages name the cluster, user and command, never an argument or environment value (they may be
// secrets and are masked as such).
import { InputError } from './input-error.ts';
import type { Kubeconfig, Obj } from './kubeconfig-input.ts';
import { changesCluster, type Mode } from './settings.ts';

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The server URL without user info, for messages. */
function shownServer(server: string): string {
  try {
    const url = new URL(server);
    url.username = '';
    url.password = '';
    return url.toString().replace(/\/$/, '');
  } catch {
    return '(not a URL)';
  }
}

function pluginWarnings(user: Obj, userName: string): string[] {
  const out: string[] = [];
  const exec = isObj(user.exec) ? user.exec : undefined;
  if (exec)
    out.push(
      `kubeconfig user "${userName}" runs the exec plugin "${String(exec.command)}" on the runner to get its credentials (started without INPUT_* variables, ACTIONS_RUNTIME_TOKEN and ACTIONS_ID_TOKEN_REQUEST_TOKEN; the credential it returns is masked)`,
    );
  const provider = isObj(user['auth-provider']) ? user['auth-provider'] : undefined;
  if (provider) {
    const config = isObj(provider.config) ? provider.config : {};
    const command = typeof config['cmd-path'] === 'string' ? ` and may run "${config['cmd-path']}"` : '';
    out.push(
      `kubeconfig user "${userName}" uses the auth-provider "${String(provider.name)}"${command} on the runner to refresh its token (a command runs without INPUT_* variables and the runner's tokens; tokens are masked)`,
    );
  }
  return out;
}

/**
 * Checks the context the run uses. Throws InputError for what is refused; returns warnings for the
 * rest (shown in the log and in the plan's summary).
 */
export function kubeconfigRisks(
  kubeconfig: Kubeconfig,
  context: string,
  mode: Mode,
  allowInsecureTls: boolean,
): string[] {
  const entry = kubeconfig.resolved.get(context);
  if (!entry) return [];
  const { cluster, clusterName, user, userName } = entry;
  const server = String(cluster.server);
  const warnings: string[] = [];
  if (/^http:/i.test(server))
    throw new InputError(
      'kubeconfig',
      `cluster "${clusterName}" has the plain http server ${shownServer(server)}, which would send the token in clear`,
      'an https:// server URL (the OpenShift API listens on https://api.<cluster>.<domain>:6443)',
    );
  if (cluster['insecure-skip-tls-verify'] === true) {
    if (changesCluster(mode) && !allowInsecureTls)
      throw new InputError(
        'kubeconfig',
        `cluster "${clusterName}" sets insecure-skip-tls-verify: anyone on the network path to ${shownServer(server)} could pose as the API server, receive the cluster-admin credential and steer the migration`,
        'a cluster entry with certificate-authority-data (the API server certificate is then verified), or set allow-insecure-tls: true to accept the risk',
      );
    warnings.push(
      `kubeconfig cluster "${clusterName}" sets insecure-skip-tls-verify: the API server's certificate at ${shownServer(server)} is not verified${mode === 'plan' ? ' (mode migrate refuses this unless allow-insecure-tls is true)' : ' (accepted: allow-insecure-tls is true)'}`,
    );
  }
  warnings.push(...pluginWarnings(user, userName));
  return warnings;
}
