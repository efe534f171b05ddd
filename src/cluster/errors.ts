// API failures as messages an administrator can act on: each names the object and the request, and
// says what to check. Secrets (tokens, kubeconfig text) never appear in them.
import { resourceName } from './paths.ts';
import { describeRef, type ListRef, type ObjectRef } from './types.ts';

export class ClusterError extends Error {
  /** HTTP status, when the API server answered. */
  status?: number;
  /** Kubernetes Status reason (NotFound, Forbidden, Conflict, AlreadyExists, Expired...) or a transport code. */
  reason?: string;

  constructor(message: string, opts: { status?: number; reason?: string; cause?: unknown } = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'ClusterError';
    if (opts.status !== undefined) this.status = opts.status;
    if (opts.reason !== undefined) this.reason = opts.reason;
  }
}

export type Verb = 'get' | 'list' | 'watch' | 'create' | 'update' | 'patch' | 'delete';

/** What a Kubernetes `Status` body says, when the response carried one. */
export interface StatusBody {
  message?: string;
  reason?: string;
  code?: number;
}

export function parseStatus(body: string): StatusBody {
  try {
    const parsed = JSON.parse(body) as { kind?: string; message?: unknown; reason?: unknown; code?: unknown };
    if (parsed && parsed.kind === 'Status')
      return {
        ...(typeof parsed.message === 'string' ? { message: parsed.message } : {}),
        ...(typeof parsed.reason === 'string' ? { reason: parsed.reason } : {}),
        ...(typeof parsed.code === 'number' ? { code: parsed.code } : {}),
      };
  } catch {
    // Not JSON (a proxy's HTML error page, say): the HTTP status alone has to do.
  }
  return {};
}

const TLS_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_GET_ISSUER_CERT',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'CERT_SIGNATURE_FAILURE',
]);

export function isTlsError(code: string | undefined): boolean {
  return code !== undefined && TLS_CODES.has(code);
}

export function unreachable(server: string, cause: string, code?: string): ClusterError {
  return new ClusterError(
    `cannot reach the API server at ${server}: ${cause} — check the kubeconfig's server address and that the runner can reach it`,
    { reason: code ?? 'Unreachable' },
  );
}

export function tlsRejected(server: string, cause: string, code: string): ClusterError {
  return new ClusterError(
    `cannot reach the API server at ${server}: its TLS certificate was not accepted (${code}: ${cause}) — check that the kubeconfig's certificate-authority-data is the CA that signed the API server's certificate`,
    { reason: code },
  );
}

export function unauthorized(server: string): ClusterError {
  return new ClusterError(
    `the token was rejected (401) by ${server} — the kubeconfig's credentials are invalid or expired`,
    { status: 401, reason: 'Unauthorized' },
  );
}

export function forbidden(
  verb: string,
  ref: ObjectRef | ListRef,
  user: string,
  subresource?: string,
): ClusterError {
  const resource = resourceName(ref.apiVersion, ref.kind) + (subresource ? `/${subresource}` : '');
  const name = 'name' in ref ? ` "${ref.name}"` : '';
  const where = ref.namespace
    ? ` in namespace ${ref.namespace}`
    : 'name' in ref
      ? ''
      : ' across all namespaces';
  return new ClusterError(
    `${verb} ${resource}${name}${where} is forbidden for ${user}: grant ${user} "${verb}" on ${resource} (the migration needs cluster-admin)`,
    { status: 403, reason: 'Forbidden' },
  );
}

export function notFound(ref: ObjectRef | ListRef): ClusterError {
  return new ClusterError(`${describeRef(ref)} not found`, { status: 404, reason: 'NotFound' });
}

export function conflict(ref: ObjectRef | ListRef, status: StatusBody): ClusterError {
  if (status.reason === 'AlreadyExists')
    return new ClusterError(`${describeRef(ref)} already exists`, { status: 409, reason: 'AlreadyExists' });
  return new ClusterError(
    `${describeRef(ref)} was changed by someone else since it was read (409 Conflict) — read it again and re-apply the change`,
    { status: 409, reason: status.reason ?? 'Conflict' },
  );
}

export function rejected(
  verb: string,
  ref: ObjectRef | ListRef,
  code: number,
  status: StatusBody,
): ClusterError {
  const detail = status.message ? `: ${status.message}` : '';
  return new ClusterError(
    `the API server rejected ${verb} ${describeRef(ref)} (${code}${status.reason ? ` ${status.reason}` : ''})${detail}`,
    { status: code, ...(status.reason ? { reason: status.reason } : {}) },
  );
}

export function exhausted(
  verb: string,
  ref: ObjectRef | ListRef,
  attempts: number,
  code: number,
  status: StatusBody,
): ClusterError {
  const detail = status.message ? `: ${status.message}` : '';
  return new ClusterError(
    `API ${verb} ${describeRef(ref)} still failed (${code}) after ${attempts} attempts${detail} — the API server is unavailable or overloaded; re-run once it is healthy`,
    { status: code, ...(status.reason ? { reason: status.reason } : {}) },
  );
}
