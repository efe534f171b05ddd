// Transport-level pieces the client and the watch stream share: a transport failure with its code
// (ECONNREFUSED, ECONNRESET, …) and the cap on how much of one answer is read.
import { ClusterError } from './errors.ts';

export class TransportError extends Error {
  readonly code: string;
  constructor(message: string, code: string) {
    super(message);
    this.code = code;
  }
}

export function transportOf(err: unknown): TransportError {
  if (err instanceof TransportError) return err;
  const e = err as NodeJS.ErrnoException;
  const code = e?.code ?? (/socket hang up/i.test(String(e?.message)) ? 'ECONNRESET' : 'EUNKNOWN');
  return new TransportError(e?.message ?? String(err), code);
}

/**
 * Most bytes read from one response, and from one watch event line: a broken or hostile server can
 * send a body of any size, and the whole body is held in memory. etcd keeps objects under 1.5 MiB;
 * the largest page of a list is well under this.
 */
export const MAX_BODY_BYTES = 64 * 1024 * 1024;

export function tooLarge(what: string): ClusterError {
  return new ClusterError(
    `${what} is larger than ${MAX_BODY_BYTES / 1024 / 1024} MiB, more than this action reads — check that the kubeconfig's server is the cluster's API server`,
    { reason: 'ResponseTooLarge' },
  );
}
