// The twin's Kubernetes API server: HTTPS with its own CA, bearer tokens (admin and read-only), legacy
// discovery, GET/LIST/WATCH/CREATE/UPDATE/PATCH/DELETE over the twin's store, status subresources, pod
// logs, server-side Table printing for kubectl, and the API faults a scenario or test switches on.
// Every request is counted in the timeline; every write goes through the store as `client:<user>`.
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import type { TwinContext } from '../context.ts';
import { findType, qualifiedName, type ResourceType, servedTypes } from '../resources.ts';
import { type KObject, StoreError } from '../store.ts';
import { type ApiUser, forbidden, isAllowed, reviewAccess } from './authz.ts';
import {
  apiGroup,
  apiGroupList,
  apiResourceList,
  coreVersions,
  kubeVersionFor,
  versionInfo,
} from './discovery.ts';
import { serveOpenApi } from './openapi.ts';
import { jsonPatch, mergePatch } from './patch.ts';
import { decodeSelfSubjectAccessReview, PROTOBUF_TYPE } from './protobuf.ts';
import { parseRoute, type Route } from './routes.ts';
import { objectFilter } from './selectors.ts';
import { ApiError, apiError, failure } from './status.ts';
import { type IncludeObject, toTable, wantsTable } from './tables.ts';
import { makeServingCertificates } from './tls.ts';
import { serveWatch } from './watch.ts';
import { reviewExecAccess, serveUpgrade } from './exec.ts';

export interface ApiServer {
  url: string;
  caPem: string;
  adminToken: string;
  readonlyToken: string;
  adminUser: string;
  readonlyUser: string;
  /** True while suspended: connections are refused. */
  readonly down: boolean;
  /**
   * The API server goes away (control-plane quorum lost): the listener closes, so new connections are
   * refused, and every open connection — watches included — is reset.
   */
  suspend(): Promise<void>;
  /** Listens again on the same address and port. */
  resume(): Promise<void>;
  stop(): Promise<void>;
}

type ResourceRoute = Extract<Route, { kind: 'resource' }>;

const ADMIN_USER = 'system:admin';
const READONLY_USER = 'viewer';
const MAX_BODY = 16 * 1024 * 1024;

export async function startApiServer(
  ctx: TwinContext,
  opts: { host?: string; port?: number } = {},
): Promise<ApiServer> {
  const tls = await makeServingCertificates();
  const adminToken = `twin-admin-${randomBytes(16).toString('hex')}`;
  const readonlyToken = `twin-viewer-${randomBytes(16).toString('hex')}`;
  const users = new Map<string, ApiUser>([
    [adminToken, { name: ADMIN_USER, readOnly: false }],
    [readonlyToken, { name: READONLY_USER, readOnly: true }],
  ]);
  const watches = new Set<() => void>();
  const sockets = new Set<Socket>();

  const server = createServer({ key: tls.keyPem, cert: tls.certPem }, (req, res) => {
    handle(ctx, users, watches, req, res).catch((err: unknown) => sendError(res, err));
  });
  // pods/exec (WebSocket streaming): exec.ts.
  server.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) =>
    serveUpgrade(ctx, () => authenticate(users, req), req, socket, head),
  );
  server.on('secureConnection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  // TLS handshakes that fail (a client with the wrong CA) must not crash or log noise.
  server.on('tlsClientError', () => {});

  const host = opts.host ?? '127.0.0.1';
  const listen = (port: number) =>
    new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  await listen(opts.port ?? 0);
  const { port } = server.address() as AddressInfo;

  /** Ends every watch and resets every open connection (RST, as a host that went away does). */
  const dropAll = () => {
    for (const endWatch of [...watches]) endWatch();
    server.closeAllConnections();
    // An upgraded (exec) TLS socket is no longer the server's: reset what can be, destroy the rest.
    for (const s of sockets) {
      try {
        s.resetAndDestroy();
      } catch {
        s.destroy();
      }
    }
  };
  let down = false;
  // The listener's close, pending or done (resume waits for it before listening again).
  let closing: Promise<void> = Promise.resolve();
  let stopped: Promise<void> | undefined;
  return {
    url: `https://${host}:${port}`,
    caPem: tls.caPem,
    adminToken,
    readonlyToken,
    adminUser: ADMIN_USER,
    readonlyUser: READONLY_USER,
    get down() {
      return down;
    },
    suspend() {
      if (down || stopped) return closing;
      down = true;
      closing = new Promise<void>((resolve) => server.close(() => resolve()));
      dropAll();
      return closing;
    },
    async resume() {
      if (!down || stopped) return;
      await closing;
      if (stopped) return;
      await listen(port);
      down = false;
    },
    stop() {
      stopped ??= new Promise<void>((resolve) => {
        if (down) void closing.then(() => resolve());
        else server.close(() => resolve());
        dropAll();
      });
      return stopped;
    },
  };
}

function sendJson(
  res: ServerResponse,
  code: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  const text = JSON.stringify(body);
  res.writeHead(code, {
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

/** An `http-errors` fault with status 0: the connection is dropped without an answer. */
class ConnectionReset extends Error {}

function sendError(res: ServerResponse, err: unknown): void {
  if (err instanceof ConnectionReset) res.socket?.destroy();
  else if (err instanceof ApiError) sendJson(res, err.status.code, err.status, err.headers);
  else if (err instanceof StoreError) sendJson(res, err.code, failure(err.code, err.message, err.reason));
  else
    sendJson(
      res,
      500,
      failure(500, `Internal error occurred: ${err instanceof Error ? err.message : String(err)}`),
    );
}

function authenticate(users: Map<string, ApiUser>, req: IncomingMessage): ApiUser {
  const m = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '');
  const user = m ? users.get(m[1]) : undefined;
  if (!user) throw apiError(401, 'Unauthorized');
  return user;
}

async function applyLatency(ctx: TwinContext): Promise<void> {
  const latency = ctx.faults.find('api-latency');
  if (!latency || latency.ms <= 0) return;
  ctx.faults.fire('api-latency');
  await new Promise((r) => setTimeout(r, latency.ms));
}

/** A matching `http-errors` fault answers in place of the server, and is used up after `count` times. */
function injectedError(ctx: TwinContext, req: IncomingMessage): void {
  const line = `${req.method} ${req.url}`;
  const fault = ctx.faults.find('http-errors', (f) => f.count > 0 && new RegExp(f.route).test(line));
  if (!fault) return;
  fault.count--;
  if (fault.count <= 0) ctx.faults.remove(fault);
  ctx.faults.fire('http-errors');
  if (fault.status === 0) throw new ConnectionReset('connection reset by the twin');
  const messages: Record<number, string> = {
    409: 'Operation cannot be fulfilled: the object has been modified; please apply your changes to the latest version and try again',
    429: 'Too many requests, please try again later.',
    500: 'Internal error occurred: injected by the twin',
    503: 'the server is currently unable to handle the request',
  };
  const status = failure(fault.status, messages[fault.status]);
  const headers: Record<string, string> = {};
  if (fault.status === 429) {
    const after = fault.retryAfterSeconds ?? 1;
    status.details = { retryAfterSeconds: after };
    headers['Retry-After'] = String(after);
  }
  throw new ApiError(status, headers);
}

function isProtobuf(req: IncomingMessage): boolean {
  return (req.headers['content-type'] ?? '').startsWith(PROTOBUF_TYPE);
}

async function readBody(req: IncomingMessage): Promise<string> {
  return (await readBytes(req)).toString('utf8');
}

async function readBytes(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of req as AsyncIterable<Buffer>) {
    size += c.length;
    if (size > MAX_BODY) throw apiError(413, 'Request entity too large');
    chunks.push(c);
  }
  return Buffer.concat(chunks);
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  if (isProtobuf(req)) throw apiError(415, `the twin accepts only JSON request bodies, not ${PROTOBUF_TYPE}`);
  const text = await readBody(req);
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw apiError(400, `couldn't get version/kind; json parse error: invalid JSON body`);
  }
}

function verbOf(method: string, r: ResourceRoute, watch: boolean): string {
  switch (method) {
    case 'GET':
      return r.name ? 'get' : watch ? 'watch' : 'list';
    case 'POST':
      return 'create';
    case 'PUT':
      return 'update';
    case 'PATCH':
      return 'patch';
    case 'DELETE':
      return r.name ? 'delete' : 'deletecollection';
    default:
      throw apiError(405, `the server does not allow this method on the requested resource`);
  }
}

function isTrue(v: string | null): boolean {
  return v === '1' || v === 'true';
}

async function handle(
  ctx: TwinContext,
  users: Map<string, ApiUser>,
  watches: Set<() => void>,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  await applyLatency(ctx);
  const user = authenticate(users, req);
  const url = new URL(req.url ?? '/', 'https://twin');
  if (
    req.method === 'GET' &&
    serveOpenApi(req, res, url.pathname, kubeVersionFor(ctx.scenario.version).gitVersion)
  )
    return void ctx.timeline.count(`get ${url.pathname}`);
  const parsed = parseRoute(url.pathname);
  // A CRD the scenario did not install is not there: its paths are unknown, as on a real cluster.
  const route: Route =
    parsed.kind === 'resource' && !servedTypes(ctx.scenario.crds).includes(parsed.type)
      ? { kind: 'unknown' }
      : parsed;
  const method = req.method ?? 'GET';

  if (route.kind !== 'resource') {
    ctx.timeline.count(`get ${url.pathname}`);
    injectedError(ctx, req);
    if (method !== 'GET')
      throw apiError(405, 'the server does not allow this method on the requested resource');
    return sendJson(res, ...discovery(ctx, route, url.pathname));
  }

  const watch = isTrue(url.searchParams.get('watch'));
  const verb = verbOf(method, route, watch);
  const sub = route.subresource;
  ctx.timeline.count(`${verb} ${qualifiedName(route.type)}${sub ? `/${sub}` : ''}`);
  injectedError(ctx, req);

  if (route.type.plural === 'selfsubjectaccessreviews') {
    if (verb !== 'create')
      throw apiError(405, 'the server does not allow this method on the requested resource');
    const review = isProtobuf(req)
      ? decodeSelfSubjectAccessReview(await readBytes(req))
      : ((await readJson(req)) as Record<string, unknown>);
    return sendJson(res, 201, reviewExecAccess(ctx, reviewAccess(user, review)));
  }
  if (!isAllowed(user, verb)) throw forbidden(user, verb, route.type, route.namespace, route.name, sub);
  if (sub && !route.type.subresources.includes(sub)) throw notFoundRoute(url.pathname);

  const actor = `client:${user.name}`;
  const dryRun = url.searchParams.getAll('dryRun').includes('All');
  const { type, namespace, name } = route;

  if (sub === 'log') {
    if (method !== 'GET')
      throw apiError(405, 'the server does not allow this method on the requested resource');
    return sendLog(ctx, res, route, url);
  }

  switch (verb) {
    case 'get': {
      const obj = ctx.store.get(type, namespace, name!);
      if (!obj) throw notFound(type, name!);
      return sendJson(res, 200, presentOne(type, obj, req, url));
    }
    case 'list':
      return sendJson(res, 200, list(ctx, type, namespace, req, url));
    case 'watch': {
      const fieldSelector = url.searchParams.get('fieldSelector');
      const filter = objectFilter(url.searchParams.get('labelSelector'), fieldSelector);
      const rv = url.searchParams.get('resourceVersion');
      if (rv && !/^\d+$/.test(rv)) throw apiError(400, `invalid resource version "${rv}"`);
      const timeout = Number(url.searchParams.get('timeoutSeconds') ?? 0);
      const end = serveWatch(
        ctx,
        res,
        {
          type,
          namespace,
          resourceVersion: rv,
          filter,
          timeoutSeconds: Number.isFinite(timeout) ? timeout : 0,
          table: wantsTable(req.headers.accept) ? includeParam(url) : undefined,
        },
        () => watches.delete(end),
      );
      if (!res.writableEnded) watches.add(end);
      return;
    }
    case 'create': {
      if (name) throw apiError(405, 'the server does not allow this method on the requested resource');
      const obj = withIdentity(type, (await readJson(req)) as KObject, namespace);
      if (namespace) assertNamespaceWritable(ctx, type, namespace, obj.metadata.name);
      return sendJson(res, 201, ctx.store.create(obj, actor, { dryRun }));
    }
    case 'update': {
      const obj = withIdentity(type, (await readJson(req)) as KObject, namespace);
      if (obj.metadata.name !== name)
        throw apiError(
          400,
          `the name of the object (${obj.metadata.name}) does not match the name on the URL (${name})`,
        );
      const out = ctx.store.update(
        obj,
        actor,
        { dryRun, subresource: sub === 'status' ? 'status' : undefined },
        'update',
      );
      return sendJson(res, 200, out);
    }
    case 'patch': {
      const current = ctx.store.get(type, namespace, name!);
      if (!current) throw notFound(type, name!);
      const patchType = patchMediaType(req.headers['content-type']);
      const patched = applyPatch(current, patchType, await readJson(req));
      const out = ctx.store.update(
        patched,
        actor,
        { dryRun, subresource: sub === 'status' ? 'status' : undefined },
        'patch',
      );
      return sendJson(res, 200, out);
    }
    case 'delete': {
      if (sub) throw apiError(405, 'the server does not allow this method on the requested resource');
      const body = await readBody(req);
      const bodyDryRun = body
        ? ((JSON.parse(body) as { dryRun?: string[] }).dryRun ?? []).includes('All')
        : false;
      if (!ctx.store.get(type, namespace, name!)) throw notFound(type, name!);
      return sendJson(
        res,
        200,
        ctx.store.delete(type, namespace, name!, actor, { dryRun: dryRun || bodyDryRun }),
      );
    }
    default:
      throw apiError(405, 'the server does not allow this method on the requested resource');
  }
}

function discovery(ctx: TwinContext, route: Route, path: string): [number, unknown] {
  let body: unknown;
  switch (route.kind) {
    case 'version':
      body = versionInfo(ctx.scenario.version);
      break;
    case 'api':
      body = coreVersions();
      break;
    case 'apis':
      body = apiGroupList(servedTypes(ctx.scenario.crds));
      break;
    case 'group':
      body = apiGroup(route.group, servedTypes(ctx.scenario.crds));
      break;
    case 'groupVersion':
      body = apiResourceList(route.group, route.version, servedTypes(ctx.scenario.crds));
      break;
  }
  if (body === undefined) throw notFoundRoute(path);
  return [200, body];
}

function notFoundRoute(path: string): ApiError {
  return apiError(404, `the server could not find the requested resource (get ${path})`);
}

function notFound(type: ResourceType, name: string): ApiError {
  return apiError(404, `${qualifiedName(type)} "${name}" not found`, {
    name,
    group: type.group,
    kind: type.plural,
  });
}

function includeParam(url: URL): IncludeObject {
  const v = url.searchParams.get('includeObject');
  return v === 'None' || v === 'Object' ? v : 'Metadata';
}

function presentOne(type: ResourceType, obj: KObject, req: IncomingMessage, url: URL): unknown {
  if (!wantsTable(req.headers.accept)) return obj;
  return toTable(type, [obj], { include: includeParam(url), resourceVersion: obj.metadata.resourceVersion });
}

interface ContinueToken {
  rv: number;
  after: string;
}

function encodeContinue(t: ContinueToken): string {
  return Buffer.from(JSON.stringify(t)).toString('base64url');
}

function decodeContinue(s: string): ContinueToken {
  try {
    const t = JSON.parse(Buffer.from(s, 'base64url').toString('utf8')) as ContinueToken;
    if (typeof t.rv === 'number' && typeof t.after === 'string') return t;
  } catch {
    // fall through to the error below
  }
  throw apiError(
    400,
    'continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)',
  );
}

const sortKey = (o: KObject) => `${o.metadata.namespace ?? ''}/${o.metadata.name}`;

function list(
  ctx: TwinContext,
  type: ResourceType,
  namespace: string | undefined,
  req: IncomingMessage,
  url: URL,
): unknown {
  const filter = objectFilter(url.searchParams.get('labelSelector'), url.searchParams.get('fieldSelector'));
  // Straight from the store without copies (the page is serialised before anything can change it),
  // in key order, so a continue token is a binary search and a page stops at `limit` matches.
  const all = ctx.store.peek(type, namespace);
  let rv = ctx.store.currentRV();
  let start = 0;
  const cont = url.searchParams.get('continue');
  if (cont) {
    const token = decodeContinue(cont);
    rv = token.rv;
    let lo = 0;
    let hi = all.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (sortKey(all[mid]) > token.after) hi = mid;
      else lo = mid + 1;
    }
    start = lo;
  }
  const limit = Number(url.searchParams.get('limit') ?? 0);
  const items: KObject[] = [];
  let i = start;
  for (; i < all.length && !(limit > 0 && items.length === limit); i++)
    if (filter(all[i])) items.push(all[i]);
  let next: string | undefined;
  let remaining: number | undefined;
  if (limit > 0 && items.length === limit) {
    remaining = 0;
    for (let j = i; j < all.length; j++) if (filter(all[j])) remaining++;
    if (remaining > 0) next = encodeContinue({ rv, after: sortKey(items[items.length - 1]) });
    else remaining = undefined;
  }
  if (wantsTable(req.headers.accept))
    return toTable(type, items, {
      include: includeParam(url),
      resourceVersion: String(rv),
      continueToken: next,
    });
  const metadata: Record<string, unknown> = { resourceVersion: String(rv) };
  if (next) {
    metadata.continue = next;
    metadata.remainingItemCount = remaining;
  }
  return {
    kind: `${type.kind}List`,
    apiVersion: type.group ? `${type.group}/${type.version}` : type.version,
    metadata,
    items,
  };
}

/** Fills apiVersion/kind/namespace from the URL and rejects a body that names another type or namespace. */
function withIdentity(type: ResourceType, obj: KObject, namespace: string | undefined): KObject {
  if (!obj || typeof obj !== 'object' || Array.isArray(obj))
    throw apiError(400, 'the request body must be an object');
  const apiVersion = type.group ? `${type.group}/${type.version}` : type.version;
  obj.apiVersion ??= apiVersion;
  obj.kind ??= type.kind;
  if (obj.apiVersion !== apiVersion || obj.kind !== type.kind)
    throw apiError(
      400,
      `the API version in the data (${obj.apiVersion}) does not match the expected API version (${apiVersion})`,
    );
  obj.metadata ??= { name: '' };
  if (type.namespaced) {
    obj.metadata.namespace ??= namespace;
    if (obj.metadata.namespace !== namespace)
      throw apiError(
        400,
        'the namespace of the provided object does not match the namespace sent on the request',
      );
  }
  return obj;
}

function assertNamespaceWritable(
  ctx: TwinContext,
  type: ResourceType,
  namespace: string,
  name: string,
): void {
  const nsType = findType('', 'namespaces')!;
  const ns = ctx.store.get(nsType, undefined, namespace);
  if (!ns) throw notFound(nsType, namespace);
  if (ns.metadata.deletionTimestamp) {
    throw new ApiError(
      failure(
        403,
        `${qualifiedName(type)} "${name}" is forbidden: unable to create new content in namespace ${namespace} because it is being terminated`,
        'Forbidden',
        { name, group: type.group, kind: type.plural },
      ),
    );
  }
}

const PATCH_TYPES = [
  'application/json-patch+json',
  'application/merge-patch+json',
  'application/strategic-merge-patch+json',
] as const;
type PatchType = (typeof PATCH_TYPES)[number];

/** Checked before the body is read: server-side apply (YAML) is not served, so it is 415, not a parse error. */
function patchMediaType(contentType: string | undefined): PatchType {
  const mediaType = (contentType ?? '').split(';')[0].trim().toLowerCase();
  const known = PATCH_TYPES.find((t) => t === mediaType);
  if (!known)
    throw apiError(
      415,
      `the body of the request was in an unknown format - accepted media types include: ${PATCH_TYPES.join(', ')}`,
    );
  return known;
}

function applyPatch(current: KObject, patchType: PatchType, patch: unknown): KObject {
  const out =
    patchType === 'application/json-patch+json' ? jsonPatch(current, patch) : mergePatch(current, patch);
  const next = out as KObject;
  if (!next || typeof next !== 'object' || !next.metadata || typeof next.metadata !== 'object')
    throw apiError(422, 'the patch removed the object metadata');
  // Identity is fixed by the URL; a patch cannot rename or move the object.
  next.apiVersion = current.apiVersion;
  next.kind = current.kind;
  next.metadata.name = current.metadata.name;
  if (current.metadata.namespace) next.metadata.namespace = current.metadata.namespace;
  return next;
}

function sendLog(ctx: TwinContext, res: ServerResponse, route: ResourceRoute, url: URL): void {
  const pod = ctx.store.get(route.type, route.namespace, route.name!);
  if (!pod) throw notFound(route.type, route.name!);
  const container = url.searchParams.get('container');
  const containers = ((pod.spec as { containers?: { name: string }[] } | undefined)?.containers ?? []).map(
    (c) => c.name,
  );
  if (container && containers.length && !containers.includes(container))
    throw apiError(400, `container ${container} is not valid for pod ${route.name}`);
  let lines = ctx.podLogs.get(`${route.namespace}/${route.name}`) ?? [];
  const tail = url.searchParams.get('tailLines');
  if (tail !== null && /^\d+$/.test(tail)) lines = Number(tail) === 0 ? [] : lines.slice(-Number(tail));
  const text = lines.map((l) => `${l}\n`).join('');
  res.writeHead(200, { 'Content-Type': 'text/plain', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}
