// Kubeconfig credential plugins run commands on the runner: an `exec` plugin (client-node's ExecAuth
// spawns it with the whole process environment) and the azure/gcp auth-providers' `cmd-path`
// (execSync, same environment). That environment holds every input (INPUT_KUBECONFIG,
// INPUT_SSH-PRIVATE-KEY …) and the runner's tokens (ACTIONS_RUNTIME_TOKEN uploads artifacts as this run,
// ACTIONS_ID_TOKEN_REQUEST_TOKEN mints OIDC tokens for cloud roles). A plugin needs none of them, so
// its child gets the environment without them; this process keeps its own (the artifact upload needs
// ACTIONS_RUNTIME_TOKEN at the end of the run). Whatever credential a plugin hands back is masked
// before a request carries it.
import child_process from 'node:child_process';
import type https from 'node:https';
import * as core from '@actions/core';
import type { KubeConfig } from '@kubernetes/client-node';

/** Variables a credential plugin never sees. */
const WITHHELD =
  /^(INPUT_.*|ACTIONS_RUNTIME_TOKEN|ACTIONS_ID_TOKEN_REQUEST_TOKEN|ACTIONS_ID_TOKEN_REQUEST_URL)$/i;

/** A copy of `env` without the inputs and the runner's tokens. */
export function pluginEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(env)) if (!WITHHELD.test(k)) out[k] = v;
  return out;
}

/** Runs `fn` with the withheld variables removed from process.env (for execSync inside it). */
function withoutWithheld<T>(fn: () => T): T {
  const saved: [string, string | undefined][] = [];
  for (const k of Object.keys(process.env))
    if (WITHHELD.test(k)) {
      saved.push([k, process.env[k]]);
      delete process.env[k];
    }
  try {
    return fn();
  } finally {
    for (const [k, v] of saved) process.env[k] = v;
  }
}

interface Authenticator {
  isAuthProvider(user: unknown): boolean;
  applyAuthentication(user: unknown, opts: https.RequestOptions): Promise<void>;
  execFn?: typeof child_process.spawn;
}

/** Registers each value once per kubeconfig (a token is applied to every request). */
function mask(masked: Set<string>, value: unknown): void {
  const text = Buffer.isBuffer(value) ? value.toString('utf8') : value;
  if (typeof text !== 'string' || text.trim() === '' || masked.has(text)) return;
  masked.add(text);
  core.setSecret(text);
  // PEM text is logged line by line: mask each body line too.
  for (const line of text.split(/\r?\n/))
    if (line.length >= 8 && !line.startsWith('-----') && !masked.has(line)) {
      masked.add(line);
      core.setSecret(line);
    }
}

/** Masks what an authenticator put into the request options: bearer token, client key and certificate. */
function maskCredentials(masked: Set<string>, opts: https.RequestOptions): void {
  const auth = (opts.headers as Record<string, unknown> | undefined)?.Authorization;
  if (typeof auth === 'string') mask(masked, auth.replace(/^(Bearer|Basic)\s+/i, ''));
  mask(masked, opts.key);
  mask(masked, opts.cert);
}

/**
 * Makes client-node's authenticators start their commands without the withheld variables and mask
 * the credentials they return. Its `authenticators` list and ExecAuth's `execFn` are private in the
 * typings but the documented way the library itself swaps the spawn function in its tests; a test
 * (security/kubeconfig-risks) runs a real exec plugin and checks the environment it got.
 */
export function containAuthPlugins(kc: KubeConfig): void {
  const list = (kc as unknown as { authenticators?: Authenticator[] }).authenticators;
  if (!Array.isArray(list))
    throw new Error('@kubernetes/client-node changed: KubeConfig has no authenticators list');
  const masked = new Set<string>();
  for (const auth of list) {
    if ('execFn' in auth) {
      auth.execFn = ((command: string, args: readonly string[], options: child_process.SpawnOptions = {}) =>
        child_process.spawn(command, args ?? [], {
          ...options,
          env: pluginEnv(options.env ?? process.env),
        })) as typeof child_process.spawn;
    }
    const apply = auth.applyAuthentication.bind(auth);
    // The azure/gcp providers call execSync synchronously inside applyAuthentication, before its
    // first await: the environment is restored before any other code of this process runs.
    auth.applyAuthentication = async (user, opts) => {
      await withoutWithheld(() => apply(user, opts));
      maskCredentials(masked, opts);
    };
  }
}
