// Typed access to the cluster's API. @kubernetes/client-node parses the kubeconfig and works out the
// TLS material and credentials (CA, client certificate, token, exec/OIDC providers); the requests
// themselves go through Node's https module so that every call gets the same retry policy, exact
// content types for patches, `continue` paging, streamed watches and a request counter.
import http from 'node:http';
import https from 'node:https';
import { KubeConfig } from '@kubernetes/client-node';
import { containAuthPlugins } from './auth-plugins.ts';
import { API_RETRY, type BackoffPolicy, backoffDelay } from '../util/backoff.ts';
import { abortError, refuseIfAborted, sleep } from '../util/abort.ts';
import { formatDuration } from '../util/duration.ts';
import type { Logger } from '../util/log.ts';
import {
  ClusterError,
  conflict,
  exhausted,
  forbidden,
  isTlsError,
  notFound,
  parseStatus,
  rejected,
  tlsRejected,
  unauthorized,
  unreachable,
  type Verb,
} from './errors.ts';
import { collectionPath, objectPath } from './paths.ts';
import { MAX_BODY_BYTES, tooLarge, TransportError, transportOf } from './transport.ts';
import { readWatchStream, type WatchEventType } from './watch-stream.ts';
import { describeRef, type KObject, type ListRef, type ObjectRef, refOf } from './types.ts';

export interface ClusterOptions {
  /** Retry policy for every request (default: 6 attempts, 250 ms doubling, at most 5 s apart). */
  retry?: BackoffPolicy;
  /** Longest a non-watch request may take, ms (default 60 s). */
  requestTimeoutMs?: number;
  /** Server-side length of one watch request, seconds (default 300); the caller reconnects after. */
  watchTimeoutSeconds?: number;
  /**
   * The run's cancel signal. Once it aborts, every request that could change the cluster (any method
   * but GET, except the read-only access review) is refused with AbortError before it is sent, retries
   * included. A request already sent is left to finish: cutting it would only make its outcome unknown.
   */
  cancelGate?: AbortSignal;
}

export type { WatchEventType } from './watch-stream.ts';
export { MAX_BODY_BYTES } from './transport.ts';

type Query = Record<string, string | number | boolean | undefined>;

interface RequestSpec {
  verb: Verb;
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  query?: Query;
  body?: unknown;
  contentType?: string;
  /** The object or collection the request is about, for messages. */
  ref: ObjectRef | ListRef;
  subresource?: string;
  /** Retry 409 too: safe for patches that carry no resourceVersion precondition. */
  retryConflict?: boolean;
  /** Stream the response body instead of reading it (watch). */
  stream?: boolean;
  /** A POST or PATCH that changes nothing (access review, dry run): it passes the cancel gate. */
  readOnly?: boolean;
  signal?: AbortSignal;
}

interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
  /** The open response of a successful streaming request; `body` is then empty. */
  stream?: http.IncomingMessage;
}

/** Set by `call` when an attempt may have reached the server before failing (used by create). */
interface CallTrace {
  ambiguous: boolean;
}

const RETRYABLE_STATUS = new Set([429, 500, 502, 503, 504]);
const RETRYABLE_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ETIMEDOUT',
  'EPIPE',
  'EAI_AGAIN',
  'ECONNABORTED',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'UND_ERR_SOCKET',
]);

/** A network-level failure, before or while reading a response. */
/** Seconds or an HTTP date, as `Retry-After` may carry; undefined when absent or unreadable. */
function retryAfterMs(value: string | string[] | undefined): number | undefined {
  const v = Array.isArray(value) ? value[0] : value;
  if (!v) return undefined;
  if (/^\d+(\.\d+)?$/.test(v.trim())) return Number(v) * 1000;
  const date = Date.parse(v);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

/** A URL without `user:password@`, which must never reach a log line or the report. */
function withoutUserInfo(server: string): string {
  const url = new URL(server);
  if (!url.username && !url.password) return server;
  url.username = '';
  url.password = '';
  return url.toString().replace(/\/+$/, '');
}

// A server asking for more than this is treated as asking for this: a wait has to stay bounded.
const MAX_RETRY_AFTER_MS = 60_000;
/** A whole response body as text; one larger than MAX_BODY_BYTES is refused (and no longer read). */
function readBody(res: http.IncomingMessage, what: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const refuse = () => {
      res.destroy();
      reject(tooLarge(what));
    };
    if (Number(res.headers['content-length'] ?? 0) > MAX_BODY_BYTES) return refuse();
    res.on('data', (c: Buffer) => {
      if ((size += c.length) > MAX_BODY_BYTES) refuse();
      else chunks.push(c);
    });
    res.on('error', reject);
    res.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
  });
}

export class Cluster {
  /** The API server URL as shown in logs and the report (without any user info). */
  readonly server: string;
  /** The URL requests go to, as the kubeconfig gives it. */
  private readonly base: string;
  readonly user: string;
  private readonly kc: KubeConfig;
  private readonly log: Logger;
  private readonly retry: BackoffPolicy;
  private readonly requestTimeoutMs: number;
  private readonly watchTimeoutSeconds: number;
  private readonly opts: ClusterOptions;
  /** The connection (agent), request counter and deadline, shared with handles made by withCancelGate. */
  private readonly conn: { agent?: Promise<http.Agent>; requests: number; deadline?: AbortSignal };

  private constructor(
    kc: KubeConfig,
    server: string,
    user: string,
    log: Logger,
    opts: ClusterOptions,
    conn: Cluster['conn'] = { requests: 0 },
  ) {
    this.kc = kc;
    this.base = server;
    this.server = withoutUserInfo(server);
    this.user = user;
    this.log = log;
    this.opts = opts;
    this.conn = conn;
    this.retry = opts.retry ?? API_RETRY;
    this.requestTimeoutMs = opts.requestTimeoutMs ?? 60_000;
    this.watchTimeoutSeconds = opts.watchTimeoutSeconds ?? 300;
  }

  /**
   * What a connection this client does not make itself needs (the WebSocket exec stream of
   * nodes/api-exec.ts): the server URL, TLS material as the kubeconfig gives it, fresh auth headers,
   * and the cancel gate that every write honours.
   */
  async streamOptions(): Promise<{
    server: string;
    tls: https.RequestOptions;
    headers: Record<string, string>;
    cancelGate?: AbortSignal;
  }> {
    const tls: https.RequestOptions = {};
    await this.kc.applyToHTTPSOptions(tls);
    return { server: this.base, tls, headers: await this.authHeaders(), cancelGate: this.opts.cancelGate };
  }

  /** Requests sent so far, retries included. */
  get requestCount(): number {
    return this.conn.requests;
  }

  /**
   * The same connection behind the cancel gate of `signal` (see ClusterOptions.cancelGate). The engine
   * hands this handle to the steps; the run's checkpoint keeps the ungated one, because a cancelled run
   * must still record where it stopped (its own ConfigMap, not a change to the cluster's network).
   */
  withCancelGate(signal: AbortSignal): Cluster {
    return new Cluster(
      this.kc,
      this.server,
      this.user,
      this.log,
      { ...this.opts, cancelGate: signal },
      this.conn,
    );
  }

  /**
   * From now on every request of this connection (every handle) gives up `ms` from now, retries and
   * their waits included. After a cancel the runner sends SIGTERM 7.5 s after SIGINT: the run's own
   * bookkeeping (checkpoint, lease, the network's state for the summary) must not spend that time
   * retrying an API that is down while the masters reboot.
   */
  finishWithin(ms: number): void {
    const deadline = new AbortController();
    const timer = setTimeout(
      () => deadline.abort(new Error(`no answer from the API within ${formatDuration(ms)} of the cancel`)),
      ms,
    );
    timer.unref();
    this.conn.deadline = deadline.signal;
  }

  static fromKubeconfig(
    kubeconfigText: string,
    context: string | undefined,
    log: Logger,
    opts: ClusterOptions = {},
  ): Cluster {
    const kc = new KubeConfig();
    try {
      kc.loadFromString(kubeconfigText);
    } catch (err) {
      // The parser's message may quote the offending line; say only where the problem is.
      const where = (err as { mark?: { line?: number } }).mark?.line;
      throw new ClusterError(
        `the kubeconfig could not be read${where !== undefined ? ` (near line ${where + 1})` : ''} — check that the kubeconfig input is a kubeconfig YAML file (or its base64)`,
      );
    }
    // Plugins run commands on the runner: without its inputs and tokens, their credentials masked.
    containAuthPlugins(kc);
    const contexts = kc.getContexts().map((c) => c.name);
    if (context !== undefined) {
      if (!contexts.includes(context))
        throw new ClusterError(
          `context "${context}" is not in the kubeconfig (it has: ${contexts.join(', ') || 'no contexts'}) — fix the context input`,
        );
      kc.setCurrentContext(context);
    } else if (!kc.getCurrentContext() || !contexts.includes(kc.getCurrentContext())) {
      throw new ClusterError(
        `the kubeconfig has no usable current-context (contexts: ${contexts.join(', ') || 'none'}) — set the context input`,
      );
    }
    const cluster = kc.getCurrentCluster();
    if (!cluster?.server)
      throw new ClusterError(
        `context "${kc.getCurrentContext()}" names no cluster with a server address — check the kubeconfig`,
      );
    let url: URL;
    try {
      url = new URL(cluster.server);
    } catch {
      throw new ClusterError(
        "the kubeconfig's server address is not a URL — check the cluster's server in the kubeconfig",
      );
    }
    if (url.protocol === 'http:' && !cluster.skipTLSVerify)
      throw new ClusterError(
        `the kubeconfig's server ${withoutUserInfo(cluster.server)} is plain http — the API must be reached over https`,
      );
    const user = kc.getCurrentUser()?.name ?? 'the kubeconfig user';
    return new Cluster(kc, cluster.server.replace(/\/+$/, ''), user, log, opts);
  }

  // ---- typed operations ----

  async get<T extends KObject>(ref: ObjectRef): Promise<T | undefined> {
    try {
      const reply = await this.call({ verb: 'get', method: 'GET', path: objectPath(ref), ref });
      return this.complete(JSON.parse(reply.body) as T, ref);
    } catch (err) {
      if (err instanceof ClusterError && err.status === 404) return undefined;
      throw err;
    }
  }

  async list<T extends KObject>(
    ref: ListRef,
    pageSize = 500,
    signal?: AbortSignal,
  ): Promise<{ items: T[]; resourceVersion: string }> {
    for (let restart = 0; ; restart++) {
      const items: T[] = [];
      try {
        const resourceVersion = await this.pages<T>(
          ref,
          pageSize,
          (page) => {
            for (const item of page) items.push(item);
          },
          signal,
        );
        return { items, resourceVersion };
      } catch (err) {
        // A continue token expires when the list changes a lot while it is read: start over once.
        if (err instanceof ClusterError && err.status === 410 && restart === 0) {
          this.log.warn(`API list ${describeRef(ref)}: paging token expired, listing again from the start`);
          continue;
        }
        throw err;
      }
    }
  }

  async forEachPage<T extends KObject>(
    ref: ListRef,
    pageSize: number,
    onPage: (items: T[]) => void | Promise<void>,
  ): Promise<void> {
    await this.pages(ref, pageSize, onPage);
  }

  mergePatch<T extends KObject>(ref: ObjectRef, patch: unknown, opts: { dryRun?: boolean } = {}): Promise<T> {
    return this.patch(ref, patch, 'application/merge-patch+json', opts.dryRun, true);
  }

  jsonPatch<T extends KObject>(ref: ObjectRef, ops: unknown[], opts: { dryRun?: boolean } = {}): Promise<T> {
    // Without a `test` op a JSON patch has no precondition, so a 409 only means "try again".
    const hasTest = ops.some((op) => (op as { op?: string })?.op === 'test');
    return this.patch(ref, ops, 'application/json-patch+json', opts.dryRun, !hasTest);
  }

  async create<T extends KObject>(obj: T): Promise<T> {
    const ref = refOf(obj);
    const trace: CallTrace = { ambiguous: false };
    try {
      const reply = await this.call(
        { verb: 'create', method: 'POST', path: collectionPath(ref), body: obj, ref },
        trace,
      );
      return this.complete(JSON.parse(reply.body) as T, ref);
    } catch (err) {
      // An earlier attempt may have created it before its answer was lost: that object is ours.
      if (err instanceof ClusterError && err.reason === 'AlreadyExists' && trace.ambiguous) {
        const existing = await this.get<T>(ref);
        if (existing) return existing;
      }
      throw err;
    }
  }

  async replace<T extends KObject>(obj: T): Promise<T> {
    const ref = refOf(obj);
    const reply = await this.call({ verb: 'update', method: 'PUT', path: objectPath(ref), body: obj, ref });
    return this.complete(JSON.parse(reply.body) as T, ref);
  }

  async delete(ref: ObjectRef): Promise<void> {
    try {
      await this.call({ verb: 'delete', method: 'DELETE', path: objectPath(ref), ref });
    } catch (err) {
      if (err instanceof ClusterError && err.status === 404) return;
      throw err;
    }
  }

  async canI(a: {
    verb: string;
    group: string;
    resource: string;
    namespace?: string;
    name?: string;
    subresource?: string;
  }): Promise<boolean> {
    const review = {
      apiVersion: 'authorization.k8s.io/v1',
      kind: 'SelfSubjectAccessReview',
      spec: { resourceAttributes: { ...a } },
    };
    const ref: ListRef = { apiVersion: 'authorization.k8s.io/v1', kind: 'SelfSubjectAccessReview' };
    const reply = await this.call({
      verb: 'create',
      method: 'POST',
      path: collectionPath(ref),
      body: review,
      ref,
      readOnly: true,
    });
    const status = (JSON.parse(reply.body) as { status?: { allowed?: boolean } }).status;
    return status?.allowed === true;
  }

  async podLog(
    namespace: string,
    name: string,
    opts: { container?: string; tailLines?: number } = {},
  ): Promise<string> {
    const ref: ObjectRef = { apiVersion: 'v1', kind: 'Pod', namespace, name };
    const reply = await this.call({
      verb: 'get',
      method: 'GET',
      path: `${objectPath(ref)}/log`,
      query: { container: opts.container, tailLines: opts.tailLines },
      ref,
      subresource: 'log',
    });
    return reply.body;
  }

  /**
   * One WATCH request from `resourceVersion`. Resolves 'ended' when the server closes the stream (its
   * timeout, a restart) or `signal` aborts, 'gone' when the version is too old (410); rejects on other
   * errors, including a connection lost mid-stream, so that callers can back off before reconnecting.
   */
  async watch<T extends KObject>(
    ref: ListRef,
    resourceVersion: string,
    onEvent: (type: WatchEventType, obj: T) => void,
    signal: AbortSignal,
    /** Called once the server has accepted the watch (the stream is open). */
    onOpen?: () => void,
  ): Promise<'ended' | 'gone'> {
    if (signal.aborted) return 'ended';
    let res: http.IncomingMessage;
    try {
      const reply = await this.call({
        verb: 'watch',
        method: 'GET',
        path: collectionPath(ref),
        query: {
          watch: 1,
          resourceVersion,
          allowWatchBookmarks: true,
          timeoutSeconds: this.watchTimeoutSeconds,
          labelSelector: ref.labelSelector,
          fieldSelector: ref.fieldSelector,
        },
        ref,
        stream: true,
        signal,
      });
      if (!reply.stream) throw new ClusterError(`watch on ${describeRef(ref)} returned no stream`);
      res = reply.stream;
      onOpen?.();
    } catch (err) {
      if (err instanceof ClusterError && err.status === 410) return 'gone';
      if (signal.aborted) return 'ended';
      throw err;
    }
    return readWatchStream<T>(res, {
      what: `watch on ${describeRef(ref)}`,
      idleMs: (this.watchTimeoutSeconds + 60) * 1000,
      signal,
      onEvent: (type, obj) => onEvent(type, type === 'BOOKMARK' ? obj : this.complete(obj, ref)),
    });
  }

  // ---- internals ----

  private async patch<T extends KObject>(
    ref: ObjectRef,
    body: unknown,
    contentType: string,
    dryRun: boolean | undefined,
    retryConflict: boolean,
  ): Promise<T> {
    const reply = await this.call({
      verb: 'patch',
      method: 'PATCH',
      path: objectPath(ref),
      query: { dryRun: dryRun ? 'All' : undefined },
      body,
      contentType,
      ref,
      retryConflict,
      readOnly: dryRun === true,
    });
    return this.complete(JSON.parse(reply.body) as T, ref);
  }

  /** Pages through a LIST; returns the list's resourceVersion. */
  private async pages<T extends KObject>(
    ref: ListRef,
    pageSize: number,
    onPage: (items: T[]) => void | Promise<void>,
    signal?: AbortSignal,
  ): Promise<string> {
    let token: string | undefined;
    let resourceVersion = '';
    do {
      const reply = await this.call({
        ...(signal ? { signal } : {}),
        verb: 'list',
        method: 'GET',
        path: collectionPath(ref),
        query: {
          limit: pageSize > 0 ? pageSize : undefined,
          continue: token,
          labelSelector: ref.labelSelector,
          fieldSelector: ref.fieldSelector,
        },
        ref,
      });
      const list = JSON.parse(reply.body) as {
        items?: T[];
        metadata?: { resourceVersion?: string; continue?: string };
      };
      resourceVersion = list.metadata?.resourceVersion ?? resourceVersion;
      token = list.metadata?.continue || undefined;
      await onPage((list.items ?? []).map((item) => this.complete(item, ref)));
    } while (token);
    return resourceVersion;
  }

  /** List items come without apiVersion/kind; fill them in so every object names itself. */
  private complete<T extends KObject>(obj: T, ref: ObjectRef | ListRef): T {
    if (obj && typeof obj === 'object') {
      if (!obj.apiVersion) obj.apiVersion = ref.apiVersion;
      if (!obj.kind) obj.kind = ref.kind;
    }
    return obj;
  }

  /** Sends a request with retries; returns the reply (or, for streams, the open response). */
  private async call(spec: RequestSpec, trace: CallTrace = { ambiguous: false }): Promise<Reply> {
    const deadline = this.conn.deadline;
    if (deadline)
      spec = { ...spec, signal: spec.signal ? AbortSignal.any([spec.signal, deadline]) : deadline };
    const what = describeRef(spec.ref);
    // A watch is opened by the reflector, which has its own backoff and reports an outage once: a
    // second retry loop under it would only multiply the warnings (and the wait) while the API is away.
    const attempts = spec.stream ? 1 : Math.max(1, this.retry.attempts);
    const gate = spec.method === 'GET' || spec.readOnly ? undefined : this.opts.cancelGate;
    for (let attempt = 1; ; attempt++) {
      if (spec.signal?.aborted) throw abortError(spec.signal);
      refuseIfAborted(gate);
      this.conn.requests++;
      let failure: { label: string; delayMs?: number; final: () => ClusterError };
      try {
        const reply = await this.send(spec);
        if (reply.status < 300) return reply;
        const status = parseStatus(reply.body);
        const code = reply.status;
        const retryable = RETRYABLE_STATUS.has(code) || (code === 409 && spec.retryConflict === true);
        if (!retryable) throw this.errorFor(spec, code, status);
        if (code >= 500) trace.ambiguous = true;
        const after = code === 429 || code === 503 ? retryAfterMs(reply.headers['retry-after']) : undefined;
        failure = {
          label: String(code),
          ...(after !== undefined ? { delayMs: Math.min(after, MAX_RETRY_AFTER_MS) } : {}),
          final: () =>
            code === 409
              ? conflict(spec.ref, status)
              : exhausted(spec.verb, spec.ref, attempts, code, status),
        };
      } catch (err) {
        if (err instanceof ClusterError) throw err;
        if (spec.signal?.aborted) throw abortError(spec.signal);
        const t = transportOf(err);
        if (isTlsError(t.code)) throw tlsRejected(this.server, t.message, t.code);
        if (!RETRYABLE_CODES.has(t.code)) throw unreachable(this.server, `${t.message} (${t.code})`, t.code);
        if (t.code !== 'ECONNREFUSED') trace.ambiguous = true;
        failure = {
          label: t.code,
          final: () => unreachable(this.server, `${t.message} (${t.code})`, t.code),
        };
      }
      if (attempt >= attempts) throw failure.final();
      const delay = failure.delayMs ?? backoffDelay(this.retry, attempt + 1);
      this.log.warn(
        `API ${spec.verb} ${what} failed (${failure.label}), retrying in ${formatDuration(delay)} (attempt ${attempt + 1}/${attempts})`,
      );
      await sleep(delay, spec.signal ?? gate);
    }
  }

  private errorFor(spec: RequestSpec, code: number, status: ReturnType<typeof parseStatus>): ClusterError {
    switch (code) {
      case 401:
        return unauthorized(this.server);
      case 403:
        return forbidden(spec.verb, spec.ref, this.user, spec.subresource);
      case 404:
        return notFound(spec.ref);
      case 409:
        return conflict(spec.ref, status);
      default:
        return rejected(spec.verb, spec.ref, code, status);
    }
  }

  /** Builds the agent once: TLS verified against the kubeconfig's CA, client certificate if any. */
  private agent(): Promise<http.Agent> {
    this.conn.agent ??= (async (): Promise<http.Agent> => {
      const opts: https.RequestOptions = {};
      await this.kc.applyToHTTPSOptions(opts);
      // A proxy-url needs client-node's proxy agent; otherwise a keep-alive agent saves a TLS
      // handshake per page when listing tens of thousands of pods.
      if (this.kc.getCurrentCluster()?.proxyUrl && opts.agent instanceof http.Agent) return opts.agent;
      if (this.server.startsWith('http:')) return new http.Agent({ keepAlive: true, maxSockets: 32 });
      return new https.Agent({
        keepAlive: true,
        maxSockets: 32,
        ...(opts.ca ? { ca: opts.ca } : {}),
        ...(opts.cert ? { cert: opts.cert } : {}),
        ...(opts.key ? { key: opts.key } : {}),
        ...(opts.rejectUnauthorized !== undefined ? { rejectUnauthorized: opts.rejectUnauthorized } : {}),
        ...(opts.servername ? { servername: opts.servername } : {}),
      });
    })();
    return this.conn.agent;
  }

  /** Authorization and impersonation headers; asked for per request so exec/OIDC tokens stay fresh. */
  private async authHeaders(): Promise<Record<string, string>> {
    const opts: https.RequestOptions = { headers: {} };
    await this.kc.applyToHTTPSOptions(opts);
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(opts.headers ?? {})) if (v !== undefined) headers[k] = String(v);
    if (opts.auth) headers.Authorization = `Basic ${Buffer.from(opts.auth).toString('base64')}`;
    return headers;
  }

  private async send(spec: RequestSpec): Promise<Reply> {
    const url = new URL(this.base + spec.path);
    for (const [k, v] of Object.entries(spec.query ?? {}))
      if (v !== undefined) url.searchParams.set(k, String(v));
    const agent = await this.agent();
    const headers: Record<string, string> = {
      Accept: spec.subresource === 'log' ? '*/*' : 'application/json',
      ...(await this.authHeaders()),
    };
    let payload: Buffer | undefined;
    if (spec.body !== undefined) {
      payload = Buffer.from(JSON.stringify(spec.body));
      headers['Content-Type'] = spec.contentType ?? 'application/json';
      headers['Content-Length'] = String(payload.length);
    }
    const mod = url.protocol === 'https:' ? https : http;
    return new Promise<Reply>((resolve, reject) => {
      const req = mod.request(url, { method: spec.method, headers, agent });
      let timer: NodeJS.Timeout | undefined;
      const onAbort = () => req.destroy(abortError(spec.signal));
      spec.signal?.addEventListener('abort', onAbort, { once: true });
      const cleanup = () => {
        clearTimeout(timer);
        spec.signal?.removeEventListener('abort', onAbort);
      };
      // Watches have their own idle timeout; everything else must answer within requestTimeoutMs.
      const armTimeout = () => {
        timer = setTimeout(
          () =>
            req.destroy(
              new TransportError(`no answer within ${formatDuration(this.requestTimeoutMs)}`, 'ETIMEDOUT'),
            ),
          this.requestTimeoutMs,
        );
      };
      armTimeout();
      req.on('error', (err) => {
        cleanup();
        reject(err);
      });
      req.on('response', (res) => {
        if (spec.stream && (res.statusCode ?? 0) < 300) {
          cleanup();
          return resolve({ status: res.statusCode ?? 200, headers: res.headers, body: '', stream: res });
        }
        readBody(res, `the answer to API ${spec.verb} ${describeRef(spec.ref)}`).then(
          (body) => {
            cleanup();
            resolve({ status: res.statusCode ?? 0, headers: res.headers, body });
          },
          (err: unknown) => {
            cleanup();
            req.destroy();
            reject(err instanceof Error ? err : new Error(String(err)));
          },
        );
      });
      req.end(payload);
    });
  }
}
