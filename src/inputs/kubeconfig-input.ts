// The `kubeconfig` and `context` inputs: YAML or base64 of it, decoded, parsed and checked for the
// shape a client needs (clusters, users and contexts that refer to each other). Errors describe the
// problem by position and key name only: a parser's own message quotes the source line, which may be
// a token, so it never reaches the log.
import { readFileSync } from 'node:fs';
import { delimiter } from 'node:path';
import { parseDocument } from 'yaml';
import { InputError } from './input-error.ts';

export const KUBECONFIG_FORM =
  'the kubeconfig file as YAML, or that YAML encoded in base64 (`base64 -w0 kubeconfig`), ' +
  'with clusters, users and contexts';

export interface Kubeconfig {
  /** The YAML text (decoded when the input was base64). */
  text: string;
  /** True when the input was base64. */
  wasBase64: boolean;
  contexts: string[];
  currentContext?: string;
  /** Credential values found inside (see findCredentials). */
  credentials: string[];
  /** Each context's cluster and user mappings, for the risk checks (kubeconfig-risks.ts). */
  resolved: Map<string, { cluster: Obj; clusterName: string; user: Obj; userName: string }>;
}

export type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Steps that log in and leave the kubeconfig's path in KUBECONFIG for later steps. */
const LOGIN_STEPS = 'redhat-actions/oc-login, azure/k8s-set-context';

/**
 * The kubeconfig text: the input, or — when the input is empty — the file named by KUBECONFIG, which
 * a login step earlier in the job leaves (it is read here, never written anywhere).
 */
export function kubeconfigText(input: string, env: NodeJS.ProcessEnv = process.env): string {
  if (input.trim()) return input;
  const paths = (env.KUBECONFIG ?? '').split(delimiter).filter(Boolean);
  if (paths.length === 0)
    throw new InputError(
      'kubeconfig',
      `is required but empty, and KUBECONFIG names no file (set by a login step such as ${LOGIN_STEPS}; a secret that is not defined expands to an empty string)`,
      KUBECONFIG_FORM,
    );
  if (paths.length > 1)
    throw new InputError(
      'kubeconfig',
      `is empty and KUBECONFIG lists ${paths.length} files; this action reads one`,
      'the kubeconfig input, or KUBECONFIG set to a single file',
    );
  try {
    const text = readFileSync(paths[0]!, 'utf8');
    if (!text.trim()) throw new Error('the file is empty');
    return text;
  } catch (err) {
    const why =
      err instanceof Error && 'code' in err
        ? String(err.code)
        : err instanceof Error
          ? err.message
          : String(err);
    throw new InputError(
      'kubeconfig',
      `is empty, and the file KUBECONFIG names (${paths[0]}) cannot be used: ${why}`,
      `a kubeconfig file left by a login step (${LOGIN_STEPS}), or the kubeconfig input`,
    );
  }
}

/** A kubeconfig's YAML always has `key: value` pairs; base64 never contains a colon. */
function looksLikeBase64(text: string): boolean {
  return !text.includes(':') && /^[A-Za-z0-9+/=_\-\s]+$/.test(text);
}

/**
 * Decodes the raw input when it is base64. Split from parsing so the caller can mask the decoded
 * text before anything else happens.
 */
export function decodeKubeconfigInput(raw: string): { text: string; wasBase64: boolean } {
  const trimmed = raw.trim();
  if (!looksLikeBase64(trimmed)) return { text: raw, wasBase64: false };
  const text = Buffer.from(trimmed.replace(/\s+/g, ''), 'base64').toString('utf8');
  return { text, wasBase64: true };
}

/** Values shorter than this are not masked when they may be plain words (exec args, env values): a
 * two-letter mask would blank that pair of letters in every log line, and cannot hide a credential. */
const MIN_MASKED = 4;

/** The password (raw and percent-decoded) of a URL with user info, e.g. `https://user:pass@host`. */
function urlPasswords(text: unknown): string[] {
  if (typeof text !== 'string' || !text.includes('@')) return [];
  try {
    const url = new URL(text);
    if (!url.password) return [];
    return [url.password, decodeURIComponent(url.password)];
  } catch {
    // Not a URL: mask whatever sits between "//" and "@", which is where user info would be.
    const m = /\/\/([^/@\s]+)@/.exec(text);
    return m?.[1] ? [m[1]] : [];
  }
}

/** A PEM's base64 body lines, from base64 of the PEM (client-key-data): logs are masked line by line. */
function pemBodyLines(b64: unknown): string[] {
  if (typeof b64 !== 'string') return [];
  const pem = Buffer.from(b64.replace(/\s+/g, ''), 'base64').toString('utf8');
  if (!pem.includes('-----BEGIN')) return [];
  return [
    pem,
    ...pem
      .split(/\r?\n/)
      .map((l) => l.trim())
      .filter((l) => l.length >= 8 && !l.startsWith('-----')),
  ];
}

// auth-provider config keys that name things rather than hold secrets; every other value is masked.
const PROVIDER_PUBLIC_KEYS = new Set([
  'client-id',
  'idp-issuer-url',
  'cmd-path',
  'token-key',
  'expiry-key',
  'expiry',
  'expires-on',
  'expires-in',
  'environment',
  'apiserver-id',
  'tenant-id',
  'config-mode',
  'scopes',
]);

function userCredentials(user: Obj, add: (v: unknown, min?: number) => void): void {
  for (const key of ['token', 'password']) add(user[key]);
  for (const key of ['client-key-data', 'client-certificate-data']) {
    add(user[key]);
    pemBodyLines(user[key]).forEach((l) => add(l));
  }
  const provider = isObj(user['auth-provider']) ? user['auth-provider'] : undefined;
  if (provider && isObj(provider.config)) {
    for (const [key, value] of Object.entries(provider.config))
      if (!PROVIDER_PUBLIC_KEYS.has(key)) add(value, MIN_MASKED);
  }
  const exec = isObj(user.exec) ? user.exec : undefined;
  if (exec && Array.isArray(exec.args)) for (const a of exec.args) add(a, MIN_MASKED);
  if (exec && Array.isArray(exec.env)) for (const e of exec.env) if (isObj(e)) add(e.value, MIN_MASKED);
}

/**
 * Credential values inside a parsed kubeconfig, for masking: user tokens, passwords, client keys and
 * certificates (and their PEM lines), auth-provider secrets, every exec argument and environment value,
 * and passwords inside server and proxy URLs. Tolerates any shape.
 */
function findCredentials(doc: unknown): string[] {
  const out: string[] = [];
  const add = (v: unknown, min = 1): void => {
    if (typeof v === 'string' && v.trim().length >= min) out.push(v);
  };
  const users = isObj(doc) && Array.isArray(doc.users) ? doc.users : [];
  for (const u of users) if (isObj(u) && isObj(u.user)) userCredentials(u.user, add);
  const clusters = isObj(doc) && Array.isArray(doc.clusters) ? doc.clusters : [];
  for (const c of clusters) {
    const cluster = isObj(c) && isObj(c.cluster) ? c.cluster : undefined;
    if (!cluster) continue;
    [...urlPasswords(cluster.server), ...urlPasswords(cluster['proxy-url'])].forEach((p) => add(p));
  }
  return out;
}

/**
 * Parses the YAML only far enough to find credentials, so they can be masked before validation
 * (whose errors are logged). Returns [] when the text does not parse.
 */
export function kubeconfigCredentials(text: string): string[] {
  const doc = parseDocument(text, { prettyErrors: false });
  if (doc.errors.length) return [];
  return findCredentials(doc.toJS());
}

function names(list: unknown[], section: string, inner: string): string[] {
  const result: string[] = [];
  list.forEach((entry, i) => {
    if (!isObj(entry) || typeof entry.name !== 'string' || entry.name === '') {
      throw new InputError('kubeconfig', `${section}[${i}] has no name`, KUBECONFIG_FORM);
    }
    if (!isObj(entry[inner])) {
      throw new InputError(
        'kubeconfig',
        `${section}[${i}] ("${entry.name}") has no "${inner}" mapping`,
        KUBECONFIG_FORM,
      );
    }
    result.push(entry.name);
  });
  return result;
}

/** Each context's cluster and user mappings (the references are checked before this is called). */
function resolveEntries(obj: Obj): Kubeconfig['resolved'] {
  const byName = (list: unknown, inner: string) =>
    new Map((list as Obj[]).map((e) => [String(e.name), e[inner] as Obj]));
  const clusterMap = byName(obj.clusters, 'cluster');
  const userMap = byName(obj.users, 'user');
  const resolved: Kubeconfig['resolved'] = new Map();
  for (const c of obj.contexts as Obj[]) {
    const ctx = c.context as { cluster: string; user: string };
    resolved.set(String(c.name), {
      cluster: clusterMap.get(ctx.cluster)!,
      clusterName: ctx.cluster,
      user: userMap.get(ctx.user)!,
      userName: ctx.user,
    });
  }
  return resolved;
}

/** Parses and checks the kubeconfig. Throws InputError naming `kubeconfig`. */
export function parseKubeconfig(raw: string): Kubeconfig {
  if (raw.trim() === '') throw new InputError('kubeconfig', 'is empty', KUBECONFIG_FORM);
  const { text, wasBase64 } = decodeKubeconfigInput(raw);
  const what = wasBase64 ? 'looks like base64 but does not decode to a kubeconfig' : 'is not a kubeconfig';

  // prettyErrors adds line positions; the message (which quotes the source) is never used.
  const doc = parseDocument(text);
  if (doc.errors.length) {
    const e = doc.errors[0]!;
    const at = e.linePos ? ` at line ${e.linePos[0].line}, column ${e.linePos[0].col}` : '';
    throw new InputError('kubeconfig', `${what}: YAML syntax error ${e.code}${at}`, KUBECONFIG_FORM);
  }
  const obj: unknown = doc.toJS();
  if (!isObj(obj)) {
    throw new InputError('kubeconfig', `${what}: the document is not a YAML mapping`, KUBECONFIG_FORM);
  }
  for (const section of ['clusters', 'users', 'contexts']) {
    const list = obj[section];
    if (!Array.isArray(list) || list.length === 0) {
      throw new InputError('kubeconfig', `${what}: it has no "${section}" list`, KUBECONFIG_FORM);
    }
  }
  const clusters = names(obj.clusters as unknown[], 'clusters', 'cluster');
  const users = names(obj.users as unknown[], 'users', 'user');
  const contexts = names(obj.contexts as unknown[], 'contexts', 'context');

  (obj.clusters as Obj[]).forEach((c) => {
    const server = (c.cluster as Obj).server;
    if (typeof server !== 'string' || !/^https?:\/\/[^\s/]+/.test(server)) {
      throw new InputError(
        'kubeconfig',
        `cluster "${String(c.name)}" has no server URL (https://host:port)`,
        KUBECONFIG_FORM,
      );
    }
  });
  (obj.contexts as Obj[]).forEach((c) => {
    const ctx = c.context as Obj;
    if (typeof ctx.cluster !== 'string' || !clusters.includes(ctx.cluster)) {
      throw new InputError(
        'kubeconfig',
        `context "${String(c.name)}" refers to cluster "${String(ctx.cluster)}", which is not in "clusters" (${clusters.join(', ')})`,
        KUBECONFIG_FORM,
      );
    }
    if (typeof ctx.user !== 'string' || !users.includes(ctx.user)) {
      throw new InputError(
        'kubeconfig',
        `context "${String(c.name)}" refers to user "${String(ctx.user)}", which is not in "users" (${users.join(', ')})`,
        KUBECONFIG_FORM,
      );
    }
  });

  const resolved = resolveEntries(obj);
  const current = obj['current-context'];
  return {
    resolved,
    text,
    wasBase64,
    contexts,
    currentContext: typeof current === 'string' && current !== '' ? current : undefined,
    credentials: findCredentials(obj),
  };
}

/**
 * Checks the `context` input against the kubeconfig: a named context must exist; no name means the
 * kubeconfig's current-context, which then must exist. Returns the context name the run will use.
 */
export function resolveContext(kubeconfig: Kubeconfig, requested: string | undefined): string {
  const available = kubeconfig.contexts.map((n) => `"${n}"`).join(', ');
  if (requested) {
    if (!kubeconfig.contexts.includes(requested)) {
      throw new InputError(
        'context',
        `"${requested}" is not a context in the kubeconfig`,
        `one of ${available}`,
      );
    }
    return requested;
  }
  if (!kubeconfig.currentContext) {
    throw new InputError(
      'context',
      'is empty and the kubeconfig has no current-context',
      `the name of one of the kubeconfig's contexts: ${available}`,
    );
  }
  if (!kubeconfig.contexts.includes(kubeconfig.currentContext)) {
    throw new InputError(
      'context',
      `is empty and the kubeconfig's current-context "${kubeconfig.currentContext}" is not one of its contexts`,
      `the name of one of the kubeconfig's contexts: ${available}`,
    );
  }
  return kubeconfig.currentContext;
}
