// The `kubeconfig` and `context` inputs: YAML or base64 of it, decoded, parsed and checked for the
// shape a client needs (clusters, users and contexts that refer to each other). Errors describe the
// problem by position and key name only: a parser's own message quotes the source line, which may be
// a token, so it never reaches the log.
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
  /** Credential values found inside (tokens, passwords, client keys and certificates, auth-provider tokens). */
  credentials: string[];
}

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

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

/** Credential values inside a parsed kubeconfig's users, for masking. Tolerates any shape. */
function findCredentials(doc: unknown): string[] {
  const out: string[] = [];
  const add = (v: unknown): void => {
    if (typeof v === 'string' && v.trim() !== '') out.push(v);
  };
  const users = isObj(doc) && Array.isArray(doc.users) ? doc.users : [];
  for (const u of users) {
    const user = isObj(u) && isObj(u.user) ? u.user : undefined;
    if (!user) continue;
    for (const key of ['token', 'password', 'client-key-data', 'client-certificate-data']) add(user[key]);
    const provider = isObj(user['auth-provider']) ? user['auth-provider'] : undefined;
    if (provider && isObj(provider.config)) {
      for (const key of ['id-token', 'refresh-token', 'access-token', 'client-secret'])
        add(provider.config[key]);
    }
    const exec = isObj(user.exec) ? user.exec : undefined;
    if (exec && Array.isArray(exec.env)) {
      for (const e of exec.env) {
        if (isObj(e) && typeof e.name === 'string' && /token|secret|password|key/i.test(e.name)) add(e.value);
      }
    }
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

  const current = obj['current-context'];
  return {
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
