// One `pods/exec` over WebSocket, the Kubernetes streaming protocol: subprotocol v5.channel.k8s.io
// (falling back to v4), each binary message's first byte its channel — 1 stdout, 2 stderr, 3 the
// final v1 Status (Success, or Failure with reason NonZeroExitCode and the exit code as the ExitCode
// cause). A small client on `ws` rather than client-node's Exec: Exec drops the body of a refused
// upgrade (a 403's message says which permission is missing) and never settles when the stream
// closes without a status (a node rebooting under it), and both matter here.
import type https from 'node:https';
import net from 'node:net';
import tls from 'node:tls';
import WebSocket from 'ws';
import { abortError } from '../util/abort.ts';
import { formatDuration } from '../util/duration.ts';

export const EXEC_PROTOCOLS = ['v5.channel.k8s.io', 'v4.channel.k8s.io'];

export interface ExecTarget {
  namespace: string;
  pod: string;
  container: string;
  argv: string[];
}

export interface StreamOptions {
  server: string;
  tls: https.RequestOptions;
  headers: Record<string, string>;
  /** Opens the TLS connection (ExecTls.connect): one secure context, sessions resumed. */
  connect?: (options: tls.ConnectionOptions) => tls.TLSSocket;
}

/**
 * The TLS side of many exec streams to one API server. Each stream is its own WebSocket (its own TLS
 * connection): building a secure context per stream parses the CA bundle and the client key again, and
 * a full handshake per stream verifies the server's certificate chain again — together about half the
 * CPU of a stream. Here the context is built once, and the session the server issues on a verified
 * handshake is offered on the next connection (TLS resumption, which the API server supports): a
 * resumed session proves the server holds the keys of that verified session, so nothing is checked
 * less. A server that refuses the ticket gets a full, fully verified handshake as before.
 */
export class ExecTls {
  private readonly context: tls.SecureContext;
  private session: Buffer | undefined;

  constructor(material: Pick<https.RequestOptions, 'ca' | 'cert' | 'key'>) {
    const { ca, cert, key } = material;
    this.context = tls.createSecureContext({
      ...(ca ? { ca } : {}),
      ...(cert ? { cert } : {}),
      ...(key ? { key } : {}),
    });
  }

  /** True when this was built from the same CA, certificate and key. */
  static sameMaterial(a: https.RequestOptions, b: https.RequestOptions): boolean {
    const same = (x: unknown, y: unknown) => String(x ?? '') === String(y ?? '');
    return same(a.ca, b.ca) && same(a.cert, b.cert) && same(a.key, b.key);
  }

  readonly connect = (options: tls.ConnectionOptions): tls.TLSSocket => {
    // As ws does: SNI with the host name, none for an IP address.
    const servername = options.servername ?? (net.isIP(options.host ?? '') ? '' : options.host);
    const socket = tls.connect({
      ...options,
      path: undefined,
      servername,
      secureContext: this.context,
      ...(this.session ? { session: this.session } : {}),
    });
    socket.on('session', (session: Buffer) => (this.session = session));
    return socket;
  };
}

export interface StreamResult {
  /** Exit code from the status channel; null when the stream ended without one. */
  code: number | null;
  stdout: string;
  stderr: string;
  /** The stream opened (the command was handed to the kubelet). */
  opened: boolean;
  /** The stream ended without a status: dropped, or cut by the timeout. */
  lost?: string;
}

/** The API server refused the exec before any stream opened: nothing ran. */
export class ExecRefused extends Error {
  readonly status: number;
  readonly reason: string;
  constructor(status: number, message: string, reason: string) {
    super(message);
    this.name = 'ExecRefused';
    this.status = status;
    this.reason = reason;
  }
}

/** No connection could be made, or it failed before the upgrade answer: `code` says how. */
export class ExecTransportError extends Error {
  readonly code: string;
  constructor(message: string, code: string) {
    super(message);
    this.name = 'ExecTransportError';
    this.code = code;
  }
}

/** The exit code a Status carries: 0 on Success, the ExitCode cause on NonZeroExitCode. */
export function exitCodeOf(status: {
  status?: string;
  reason?: string;
  message?: string;
  details?: { causes?: { reason?: string; message?: string }[] };
}): number | null {
  if (status.status === 'Success') return 0;
  const cause = status.details?.causes?.find((c) => c.reason === 'ExitCode');
  const n = Number(cause?.message);
  if (status.reason === 'NonZeroExitCode' && Number.isInteger(n)) return n;
  return null;
}

/** The refusal a non-101 answer carries (a v1 Status body when the API server wrote it). */
function refusalOf(res: import('node:http').IncomingMessage): Promise<ExecRefused> {
  return new Promise((resolve, reject) => {
    let body = '';
    res.setEncoding('utf8');
    res.on('data', (d: string) => (body = (body + d).slice(0, 64 * 1024)));
    res.on('error', reject);
    res.on('end', () => {
      let message = `HTTP ${res.statusCode}`;
      let reason = '';
      try {
        const s = JSON.parse(body) as { message?: string; reason?: string };
        message = s.message ?? message;
        reason = s.reason ?? '';
      } catch {
        /* not a Status: the code says enough */
      }
      resolve(new ExecRefused(res.statusCode ?? 0, message, reason));
    });
  });
}

/** The exit code of the status channel's message (null when it carries none) and its message. */
function readStatus(text: string): { code: number | null; message: string } {
  try {
    const status = JSON.parse(text) as Parameters<typeof exitCodeOf>[0];
    return { code: exitCodeOf(status), message: status.message ?? text };
  } catch {
    return { code: null, message: text };
  }
}

function execUrl(server: string, t: ExecTarget): string {
  const q = new URLSearchParams({ container: t.container, stdout: 'true', stderr: 'true' });
  for (const a of t.argv) q.append('command', a);
  const base = server.replace(/^http/, 'ws');
  return `${base}/api/v1/namespaces/${encodeURIComponent(t.namespace)}/pods/${encodeURIComponent(t.pod)}/exec?${q}`;
}

/** The WebSocket's options: the API server's TLS settings (or the shared connector), no compression. */
function wsOptions(conn: StreamOptions, timeoutMs: number): WebSocket.ClientOptions {
  const { ca, cert, key, rejectUnauthorized, servername } = conn.tls;
  return {
    headers: conn.headers,
    // With a connector, its secure context holds the CA, certificate and key.
    ...(conn.connect
      ? { createConnection: conn.connect as unknown as typeof net.createConnection }
      : { ...(ca ? { ca } : {}), ...(cert ? { cert } : {}), ...(key ? { key } : {}) }),
    ...(rejectUnauthorized !== undefined ? { rejectUnauthorized } : {}),
    ...(servername ? { servername } : {}),
    handshakeTimeout: Math.min(timeoutMs, 30_000),
    perMessageDeflate: false,
    followRedirects: false,
  };
}

/** Opens the stream, collects stdout/stderr and the status; settles on status, close, timeout or abort. */
export function execStream(
  conn: StreamOptions,
  target: ExecTarget,
  opts: { timeoutMs: number; signal?: AbortSignal },
): Promise<StreamResult> {
  return new Promise<StreamResult>((resolve, reject) => {
    const ws = new WebSocket(execUrl(conn.server, target), EXEC_PROTOCOLS, wsOptions(conn, opts.timeoutMs));
    let stdout = '';
    let stderr = '';
    let opened = false;
    let settled = false;
    const settle = (fn: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      opts.signal?.removeEventListener('abort', onAbort);
      fn();
      ws.terminate();
    };
    const ended = (lost: string) => settle(() => resolve({ code: null, stdout, stderr, opened, lost }));
    const onAbort = () => settle(() => reject(abortError(opts.signal)));
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    const timer = setTimeout(
      () =>
        opened
          ? ended(`no status within ${formatDuration(opts.timeoutMs)}`)
          : settle(() =>
              reject(
                new ExecTransportError(`no answer within ${formatDuration(opts.timeoutMs)}`, 'ETIMEDOUT'),
              ),
            ),
      opts.timeoutMs,
    );
    ws.on('unexpected-response', (_req, res) => {
      refusalOf(res).then(
        (refused) => settle(() => reject(refused)),
        () => settle(() => reject(new ExecTransportError('answer cut off', 'ECONNRESET'))),
      );
    });
    ws.on('open', () => (opened = true));
    ws.on('message', (data: Buffer) => {
      const channel = data[0];
      const text = data.subarray(1).toString('utf8');
      if (channel === 1) stdout += text;
      else if (channel === 2) stderr += text;
      else if (channel === 3) {
        const { code, message } = readStatus(text);
        if (code === null) stderr += `${stderr && !stderr.endsWith('\n') ? '\n' : ''}${message}`;
        settle(() => resolve({ code: code ?? 126, stdout, stderr, opened: true }));
      }
    });
    ws.on('error', (err: Error & { code?: string }) => {
      if (opened) return ended(err.message);
      settle(() => reject(new ExecTransportError(err.message, err.code ?? 'ECONNRESET')));
    });
    ws.on('close', () => (opened ? ended('the stream closed without a status') : undefined));
  });
}
