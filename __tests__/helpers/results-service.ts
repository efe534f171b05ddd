// A local GitHub Actions artifact results service, for tests that run the action (or @actions/artifact
// itself) in a child process without network.
//
// It speaks what @actions/artifact 6 speaks when uploading:
//   - Twirp JSON at `${ACTIONS_RESULTS_URL origin}/twirp/github.actions.results.api.v1.ArtifactService/<Method>`
//     (CreateArtifact, FinalizeArtifact, ListArtifacts, GetSignedArtifactURL, DeleteArtifact), authenticated
//     with `Authorization: Bearer <ACTIONS_RUNTIME_TOKEN>`; field names are the proto names (snake_case),
//     int64 values are JSON strings, google.protobuf wrappers are bare values, Timestamps are RFC 3339.
//   - Azure block blob semantics on the `signed_upload_url` CreateArtifact returns, enough for
//     @azure/storage-blob's BlockBlobClient.uploadStream: Put Block (`PUT ?comp=block&blockid=`),
//     Put Block List (`PUT ?comp=blocklist`, XML body), plain Put Blob, and Get Blob for downloads.
// The library only decodes the runtime token (jwt-decode) to read the `scp` claim
// `Actions.Results:<workflowRunBackendId>:<workflowJobRunBackendId>`, so the token is an unsigned JWT.
// It accepts an http:// results URL (it only takes `new URL(url).origin`), and refuses to run when
// GITHUB_SERVER_URL looks like GHES, so `env` sets GITHUB_SERVER_URL=https://github.com.
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { unzipSync } from 'fflate';

export interface StoredArtifact {
  id: number;
  name: string;
  /** Bytes of the committed blob (the zip); 0 until the blob is committed. */
  size: number;
  /** The committed blob: the zip the library built (or the raw file with `skipArchive`). */
  zip: Buffer;
  /** Rounded from CreateArtifact's `expires_at` (the library sends one only when retentionDays is given). */
  retentionDays?: number;
  expiresAt?: Date;
  /** True once FinalizeArtifact succeeded. */
  finalized: boolean;
  /** Unzipped entries (entry name -> contents; directories left out), filled on finalize. */
  files: Map<string, Buffer>;
  mimeType?: string;
  /** `sha256:<hex>` as FinalizeArtifact sent it. */
  digest?: string;
  createdAt: Date;
  workflowRunBackendId: string;
  workflowJobRunBackendId: string;
}

export interface RecordedRequest {
  method: string;
  /** Path without the query string (the signature stays out of logs). */
  path: string;
  /** Twirp method name, or 'blob' for the blob endpoint. */
  kind: string;
  status: number;
}

export interface ResultsService {
  /** ACTIONS_RESULTS_URL, with a trailing slash as the runner gives it. */
  url: string;
  /** An unsigned JWT whose `scp` claim holds `Actions.Results:<run>:<job>`. */
  runtimeToken: string;
  /** The `sig` of the signed blob URLs it hands out (@actions/artifact masks it with ::add-mask::). */
  signature: string;
  workflowRunBackendId: string;
  workflowJobRunBackendId: string;
  /** Every env var the child process needs: ACTIONS_RESULTS_URL, ACTIONS_RUNTIME_TOKEN, GITHUB_SERVER_URL. */
  env: Record<string, string>;
  /** Every artifact created, in creation order (unfinalized ones included, with `finalized: false`). */
  artifacts: StoredArtifact[];
  /** Every request answered, in order. */
  requests: RecordedRequest[];
  /**
   * Make the next `n` requests fail with `status` (default 403, which neither the Twirp client nor the
   * blob client retries, so one failure makes uploadArtifact reject). 500/502/503/504/429 are retried
   * by the library with multi-second backoff (Twirp: 5 attempts from 3 s; blob: 4 tries, 500/503 only).
   * `status` 0 destroys the connection instead (ECONNRESET). `only` limits which requests count:
   * a Twirp method name ('CreateArtifact', 'FinalizeArtifact', ...) or 'blob'.
   */
  failNext(n: number, status?: number, only?: string): void;
  stop(): Promise<void>;
}

const TWIRP_PREFIX = '/twirp/github.actions.results.api.v1.ArtifactService/';
const BLOB_PREFIX = '/devstoreaccount1/actions-results/';
const AZURE_VERSION = '2025-11-05';
const DAY_MS = 24 * 60 * 60 * 1000;

interface Blob {
  artifact: StoredArtifact;
  blocks: Map<string, Buffer>;
  committed: Buffer | undefined;
  contentType?: string;
  etag: string;
  lastModified: Date;
}

class HttpError extends Error {
  readonly status: number;
  readonly code: string;
  constructor(status: number, code: string, message: string) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

function base64url(value: string | Buffer): string {
  return Buffer.from(value).toString('base64url');
}

/** An unsigned (alg none) JWT carrying the claims @actions/artifact reads. */
export function makeRuntimeToken(workflowRunBackendId: string, workflowJobRunBackendId: string): string {
  const now = Math.floor(Date.now() / 1000);
  const header = base64url(JSON.stringify({ typ: 'JWT', alg: 'none' }));
  const payload = base64url(
    JSON.stringify({
      scp: `Actions.ExampleScope Actions.Results:${workflowRunBackendId}:${workflowJobRunBackendId}`,
      iat: now,
      nbf: now,
      exp: now + 6 * 60 * 60,
      iss: 'local-results-service',
      aud: 'vso:local-results-service',
    }),
  );
  return `${header}.${payload}.`;
}

function twirpCode(status: number): string {
  const codes: Record<number, string> = {
    400: 'invalid_argument',
    401: 'unauthenticated',
    403: 'permission_denied',
    404: 'not_found',
    409: 'already_exists',
    412: 'failed_precondition',
    429: 'resource_exhausted',
    500: 'internal',
    501: 'unimplemented',
    503: 'unavailable',
    504: 'deadline_exceeded',
  };
  return codes[status] ?? 'unknown';
}

function azureCode(status: number): string {
  const codes: Record<number, string> = {
    400: 'InvalidInput',
    403: 'AuthenticationFailed',
    404: 'BlobNotFound',
    409: 'BlobAlreadyExists',
    500: 'InternalError',
    503: 'ServerBusy',
  };
  return codes[status] ?? 'InternalError';
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function str(body: Record<string, unknown>, field: string): string {
  const value = body[field];
  if (typeof value !== 'string' || value === '') {
    throw new HttpError(400, 'invalid_argument', `${field} is required`);
  }
  return value;
}

function optionalStr(body: Record<string, unknown>, field: string): string | undefined {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new HttpError(400, 'invalid_argument', `${field} must be a string`);
  return value;
}

/** int64 fields come as JSON strings (protobuf JSON mapping); accept numbers too. */
function int64(body: Record<string, unknown>, field: string): number | undefined {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  const n = typeof value === 'string' ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0) {
    throw new HttpError(400, 'invalid_argument', `${field} must be an int64`);
  }
  return n;
}

function unzipEntries(zip: Buffer): Map<string, Buffer> {
  let entries: Record<string, Uint8Array>;
  try {
    entries = unzipSync(new Uint8Array(zip.buffer, zip.byteOffset, zip.byteLength));
  } catch (error) {
    throw new HttpError(400, 'invalid_argument', `uploaded blob is not a readable zip: ${String(error)}`);
  }
  const files = new Map<string, Buffer>();
  for (const [name, data] of Object.entries(entries)) {
    if (name.endsWith('/')) continue;
    files.set(name, Buffer.from(data));
  }
  return files;
}

function xmlText(value: string): string {
  return value
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&');
}

export async function startResultsService(opts: { host?: string } = {}): Promise<ResultsService> {
  const host = opts.host ?? '127.0.0.1';
  const workflowRunBackendId = randomUUID();
  const workflowJobRunBackendId = randomUUID();
  const runtimeToken = makeRuntimeToken(workflowRunBackendId, workflowJobRunBackendId);
  const signature = randomBytes(24).toString('base64url');
  const artifacts: StoredArtifact[] = [];
  const requests: RecordedRequest[] = [];
  const blobs = new Map<string, Blob>(); // by blob path
  let nextId = 1;
  let failures: { remaining: number; status: number; only?: string } = { remaining: 0, status: 403 };
  let baseUrl = '';

  const blobPath = (artifact: StoredArtifact): string => `${BLOB_PREFIX}${artifact.id}/artifact.zip`;
  const signedUrl = (artifact: StoredArtifact, permissions: string): string => {
    const expiry = new Date(Date.now() + 6 * 60 * 60 * 1000).toISOString().replace(/\.\d+Z$/, 'Z');
    const query = new URLSearchParams({
      sv: AZURE_VERSION,
      sr: 'b',
      sp: permissions,
      se: expiry,
      sig: signature,
    });
    return `${baseUrl}${blobPath(artifact).slice(1)}?${query.toString()}`;
  };

  const findInRun = (body: Record<string, unknown>): StoredArtifact[] => {
    const run = str(body, 'workflow_run_backend_id');
    if (run !== workflowRunBackendId) {
      throw new HttpError(403, 'permission_denied', `workflow run ${run} is not this token's`);
    }
    return artifacts.filter((a) => a.workflowRunBackendId === run);
  };

  const checkIds = (body: Record<string, unknown>): void => {
    findInRun(body);
    const job = str(body, 'workflow_job_run_backend_id');
    if (job !== workflowJobRunBackendId) {
      throw new HttpError(403, 'permission_denied', `workflow job run ${job} is not this token's`);
    }
  };

  const twirp: Record<string, (body: Record<string, unknown>) => Record<string, unknown>> = {
    CreateArtifact(body) {
      checkIds(body);
      const name = str(body, 'name');
      if (
        artifacts.some(
          (a) => a.workflowRunBackendId === workflowRunBackendId && a.name === name && a.finalized,
        )
      ) {
        throw new HttpError(
          409,
          'already_exists',
          `an artifact with this name already exists on the workflow run: ${name}`,
        );
      }
      // An unfinalized artifact of the same name (an earlier failed attempt) is replaced.
      const stale = artifacts.findIndex((a) => a.name === name && !a.finalized);
      if (stale >= 0) {
        blobs.delete(blobPath(artifacts[stale]!));
        artifacts.splice(stale, 1);
      }
      const version = body['version'];
      if (version !== undefined && version !== 4 && version !== 7) {
        throw new HttpError(400, 'invalid_argument', `unsupported artifact version ${String(version)}`);
      }
      const createdAt = new Date();
      const expiresAtRaw = optionalStr(body, 'expires_at');
      let expiresAt: Date | undefined;
      if (expiresAtRaw !== undefined) {
        expiresAt = new Date(expiresAtRaw);
        if (Number.isNaN(expiresAt.getTime())) {
          throw new HttpError(400, 'invalid_argument', `expires_at is not a timestamp: ${expiresAtRaw}`);
        }
      }
      const artifact: StoredArtifact = {
        id: nextId++,
        name,
        size: 0,
        zip: Buffer.alloc(0),
        finalized: false,
        files: new Map(),
        createdAt,
        workflowRunBackendId,
        workflowJobRunBackendId,
      };
      if (expiresAt) {
        artifact.expiresAt = expiresAt;
        artifact.retentionDays = Math.round((expiresAt.getTime() - createdAt.getTime()) / DAY_MS);
      }
      const mimeType = optionalStr(body, 'mime_type');
      if (mimeType !== undefined) artifact.mimeType = mimeType;
      artifacts.push(artifact);
      blobs.set(blobPath(artifact), {
        artifact,
        blocks: new Map(),
        committed: undefined,
        etag: `"0x${randomBytes(8).toString('hex').toUpperCase()}"`,
        lastModified: createdAt,
      });
      return { ok: true, signed_upload_url: signedUrl(artifact, 'cw') };
    },

    FinalizeArtifact(body) {
      checkIds(body);
      const name = str(body, 'name');
      const artifact = artifacts.find((a) => a.name === name && !a.finalized);
      if (!artifact) throw new HttpError(404, 'not_found', `no pending artifact named ${name}`);
      const blob = blobs.get(blobPath(artifact));
      const content = blob?.committed;
      if (!content) throw new HttpError(400, 'failed_precondition', `artifact ${name} has no committed blob`);
      const size = int64(body, 'size') ?? 0;
      if (size !== content.length) {
        throw new HttpError(
          400,
          'invalid_argument',
          `size ${size} does not match the ${content.length} bytes uploaded`,
        );
      }
      const hash = optionalStr(body, 'hash');
      if (hash !== undefined) {
        const actual = `sha256:${createHash('sha256').update(content).digest('hex')}`;
        if (hash !== actual) {
          throw new HttpError(400, 'invalid_argument', `hash ${hash} does not match the uploaded ${actual}`);
        }
        artifact.digest = hash;
      }
      const isZip = (artifact.mimeType ?? 'application/zip') === 'application/zip';
      artifact.files = isZip ? unzipEntries(content) : new Map([[artifact.name, content]]);
      artifact.zip = content;
      artifact.size = content.length;
      artifact.finalized = true;
      return { ok: true, artifact_id: String(artifact.id) };
    },

    ListArtifacts(body) {
      const nameFilter = optionalStr(body, 'name_filter');
      const idFilter = int64(body, 'id_filter');
      const list = findInRun(body).filter(
        (a) =>
          a.finalized &&
          (nameFilter === undefined || a.name === nameFilter) &&
          (idFilter === undefined || a.id === idFilter),
      );
      return {
        artifacts: list.map((a) => ({
          workflow_run_backend_id: a.workflowRunBackendId,
          workflow_job_run_backend_id: a.workflowJobRunBackendId,
          database_id: String(a.id),
          name: a.name,
          size: String(a.size),
          created_at: a.createdAt.toISOString(),
          ...(a.digest === undefined ? {} : { digest: a.digest }),
        })),
      };
    },

    GetSignedArtifactURL(body) {
      const name = str(body, 'name');
      const artifact = findInRun(body).find((a) => a.name === name && a.finalized);
      if (!artifact) throw new HttpError(404, 'not_found', `no artifact named ${name}`);
      return { signed_url: signedUrl(artifact, 'r') };
    },

    DeleteArtifact(body) {
      const name = str(body, 'name');
      const inRun = findInRun(body);
      const artifact = inRun.find((a) => a.name === name && a.finalized);
      if (!artifact) throw new HttpError(404, 'not_found', `no artifact named ${name}`);
      artifacts.splice(artifacts.indexOf(artifact), 1);
      blobs.delete(blobPath(artifact));
      return { ok: true, artifact_id: String(artifact.id) };
    },
  };

  const handleTwirp = async (req: IncomingMessage, res: ServerResponse, method: string): Promise<number> => {
    const send = (status: number, payload: unknown): number => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(payload));
      return status;
    };
    try {
      const handler = twirp[method];
      if (req.method !== 'POST' || !handler || !Object.hasOwn(twirp, method)) {
        throw new HttpError(404, 'bad_route', `no handler for ${req.method ?? '?'} ${method}`);
      }
      if (req.headers.authorization !== `Bearer ${runtimeToken}`) {
        throw new HttpError(401, 'unauthenticated', 'missing or wrong bearer token');
      }
      const contentType = (req.headers['content-type'] ?? '').split(';')[0]!.trim();
      if (contentType !== 'application/json') {
        throw new HttpError(415, 'bad_route', `unsupported content type ${contentType}`);
      }
      const raw = await readBody(req);
      let body: unknown;
      try {
        body = JSON.parse(raw.toString('utf8'));
      } catch {
        throw new HttpError(400, 'malformed', 'request body is not JSON');
      }
      if (typeof body !== 'object' || body === null || Array.isArray(body)) {
        throw new HttpError(400, 'malformed', 'request body is not a JSON object');
      }
      return send(200, handler(body as Record<string, unknown>));
    } catch (error) {
      if (error instanceof HttpError) return send(error.status, { code: error.code, msg: error.message });
      return send(500, { code: 'internal', msg: String(error) });
    }
  };

  const handleBlob = async (req: IncomingMessage, res: ServerResponse, url: URL): Promise<number> => {
    const requestId = randomUUID();
    const common = (): Record<string, string> => ({
      'x-ms-request-id': (req.headers['x-ms-client-request-id'] as string | undefined) ?? requestId,
      'x-ms-version': (req.headers['x-ms-version'] as string | undefined) ?? AZURE_VERSION,
      date: new Date().toUTCString(),
      ...(req.headers['x-ms-client-request-id']
        ? { 'x-ms-client-request-id': req.headers['x-ms-client-request-id'] as string }
        : {}),
    });
    const fail = (status: number, code: string, message: string): number => {
      const xml =
        `<?xml version="1.0" encoding="utf-8"?><Error><Code>${code}</Code>` +
        `<Message>${message.replace(/&/g, '&amp;').replace(/</g, '&lt;')}\nRequestId:${requestId}</Message></Error>`;
      res.writeHead(status, {
        ...common(),
        'x-ms-error-code': code,
        'content-type': 'application/xml',
        'content-length': String(Buffer.byteLength(xml)),
      });
      res.end(req.method === 'HEAD' ? undefined : xml);
      return status;
    };
    const body = await readBody(req);
    if (url.searchParams.get('sig') !== signature) return fail(403, 'AuthenticationFailed', 'bad signature');
    const blob = blobs.get(url.pathname);
    if (!blob) return fail(404, 'BlobNotFound', 'The specified blob does not exist.');
    const sp = url.searchParams.get('sp') ?? '';
    const comp = url.searchParams.get('comp');
    const touched = (): Record<string, string> => {
      blob.etag = `"0x${randomBytes(8).toString('hex').toUpperCase()}"`;
      blob.lastModified = new Date();
      return { etag: blob.etag, 'last-modified': blob.lastModified.toUTCString() };
    };
    const created = (headers: Record<string, string>): number => {
      res.writeHead(201, {
        ...common(),
        'x-ms-request-server-encrypted': 'true',
        'content-length': '0',
        ...headers,
      });
      res.end();
      return 201;
    };

    if (req.method === 'PUT') {
      if (!sp.includes('w') && !sp.includes('c')) {
        return fail(403, 'AuthorizationPermissionMismatch', 'signature does not allow writes');
      }
      if (blob.artifact.finalized) return fail(409, 'BlobImmutable', 'the artifact is already finalized');
      if (req.headers['x-ms-structured-body']) {
        return fail(400, 'UnsupportedHeader', 'structured (CRC64) message bodies are not supported here');
      }
      const declared = req.headers['content-length'];
      if (declared !== undefined && Number(declared) !== body.length) {
        return fail(
          400,
          'InvalidHeaderValue',
          `content-length ${declared} but ${body.length} bytes received`,
        );
      }
      const md5 = createHash('md5').update(body).digest('base64');
      const sentMd5 = req.headers['content-md5'];
      if (sentMd5 !== undefined && sentMd5 !== md5) return fail(400, 'Md5Mismatch', 'Content-MD5 mismatch');

      if (comp === 'block') {
        const blockId = url.searchParams.get('blockid');
        if (!blockId) return fail(400, 'InvalidQueryParameterValue', 'blockid is required');
        blob.blocks.set(blockId, body);
        return created({ 'content-md5': md5 });
      }
      if (comp === 'blocklist') {
        const xml = body.toString('utf8');
        if (!/<BlockList>/.test(xml)) return fail(400, 'InvalidXmlDocument', 'expected a BlockList');
        const parts: Buffer[] = [];
        for (const match of xml.matchAll(/<(Latest|Committed|Uncommitted)>([^<]*)<\/\1>/g)) {
          const id = xmlText(match[2]!);
          const block = blob.blocks.get(id);
          if (!block) return fail(400, 'InvalidBlockList', `block ${id} was not staged`);
          parts.push(block);
        }
        blob.committed = Buffer.concat(parts);
        blob.blocks.clear();
        const contentType = req.headers['x-ms-blob-content-type'];
        if (typeof contentType === 'string') blob.contentType = contentType;
        return created({
          ...touched(),
          'content-md5': createHash('md5').update(blob.committed).digest('base64'),
        });
      }
      if (comp === null) {
        if (req.headers['x-ms-blob-type'] !== 'BlockBlob') {
          return fail(400, 'InvalidHeaderValue', 'only BlockBlob is supported');
        }
        blob.committed = body;
        blob.blocks.clear();
        const contentType = req.headers['x-ms-blob-content-type'] ?? req.headers['content-type'];
        if (typeof contentType === 'string') blob.contentType = contentType;
        return created({ ...touched(), 'content-md5': md5 });
      }
      return fail(400, 'InvalidQueryParameterValue', `comp=${comp} is not supported`);
    }

    if (req.method === 'GET' || req.method === 'HEAD') {
      if (!sp.includes('r'))
        return fail(403, 'AuthorizationPermissionMismatch', 'signature does not allow reads');
      const content = blob.committed;
      if (!content) return fail(404, 'BlobNotFound', 'The specified blob does not exist.');
      res.writeHead(200, {
        ...common(),
        'content-type': blob.contentType ?? 'application/octet-stream',
        'content-length': String(content.length),
        'content-md5': createHash('md5').update(content).digest('base64'),
        etag: blob.etag,
        'last-modified': blob.lastModified.toUTCString(),
        'x-ms-blob-type': 'BlockBlob',
        'accept-ranges': 'bytes',
      });
      res.end(req.method === 'HEAD' ? undefined : content);
      return 200;
    }
    return fail(405, 'UnsupportedHttpVerb', `${req.method ?? '?'} is not supported`);
  };

  const sockets = new Set<Socket>();
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://local');
    const kind = url.pathname.startsWith(TWIRP_PREFIX)
      ? url.pathname.slice(TWIRP_PREFIX.length)
      : url.pathname.startsWith(BLOB_PREFIX)
        ? 'blob'
        : 'unknown';
    const record = (status: number): void => {
      requests.push({ method: req.method ?? '?', path: url.pathname, kind, status });
    };

    if (failures.remaining > 0 && (failures.only === undefined || failures.only === kind)) {
      failures.remaining--;
      const status = failures.status;
      record(status);
      if (status === 0) {
        req.socket.destroy();
        return;
      }
      // Drain the body first so the client sees the response rather than a reset.
      void readBody(req).then(
        () => {
          if (kind === 'blob') {
            const code = azureCode(status);
            const xml = `<?xml version="1.0" encoding="utf-8"?><Error><Code>${code}</Code><Message>injected failure</Message></Error>`;
            res.writeHead(status, {
              'x-ms-request-id': randomUUID(),
              'x-ms-version': AZURE_VERSION,
              'x-ms-error-code': code,
              'content-type': 'application/xml',
            });
            res.end(xml);
          } else {
            res.writeHead(status, { 'content-type': 'application/json' });
            res.end(JSON.stringify({ code: twirpCode(status), msg: 'injected failure' }));
          }
        },
        () => req.socket.destroy(),
      );
      return;
    }

    const handled =
      kind === 'blob'
        ? handleBlob(req, res, url)
        : kind !== 'unknown'
          ? handleTwirp(req, res, kind)
          : Promise.resolve().then(() => {
              res.writeHead(404, { 'content-type': 'application/json' });
              res.end(JSON.stringify({ code: 'bad_route', msg: `no route ${url.pathname}` }));
              return 404;
            });
    handled.then(record, (error: unknown) => {
      record(500);
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(String(error));
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  baseUrl = `http://${host.includes(':') ? `[${host}]` : host}:${port}/`;

  return {
    url: baseUrl,
    runtimeToken,
    signature,
    workflowRunBackendId,
    workflowJobRunBackendId,
    env: {
      ACTIONS_RESULTS_URL: baseUrl,
      ACTIONS_RUNTIME_TOKEN: runtimeToken,
      // @actions/artifact refuses GHES hosts; github.com, *.ghe.com and *.localhost are accepted.
      GITHUB_SERVER_URL: 'https://github.com',
    },
    artifacts,
    requests,
    failNext(n: number, status = 403, only?: string): void {
      if (!Number.isInteger(n) || n < 0)
        throw new Error(`failNext: n must be a non-negative integer, got ${n}`);
      failures = only === undefined ? { remaining: n, status } : { remaining: n, status, only };
    },
    async stop(): Promise<void> {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      });
    },
  };
}
