// `pods/exec` over WebSocket, the Kubernetes streaming protocol as kubectl (1.30+) and client-node speak
// it: GET …/pods/<pod>/exec?command=…&stdout=true&stderr=true upgraded with subprotocol
// v5.channel.k8s.io (or v4); every binary message starts with its channel — 0 stdin, 1 stdout,
// 2 stderr, 3 error/status (a v1 Status: Success, or Failure with reason NonZeroExitCode and the exit
// code as the ExitCode cause), 4 resize; v5 adds 255, "close channel N". The command runs in the shell
// of the pod's node — the same interpreter the node's SSH server runs — as root, which is what the
// privileged machine-config-daemon container with the host at /rootfs gives (`chroot /rootfs …`).
// A node going down (a reboot sent through this very session) drops the session, as a real one does.
// Refusals come before the upgrade, as HTTP answers with a Status body: 401, 403 (read-only user, or
// the `exec-forbidden` fault), 404 (no such pod), 400 (pod not Running), 500 (node down: the API
// server cannot dial the kubelet). SPDY upgrades (kubectl's fallback) get the same refusals, else 400.
import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import { type WebSocket, WebSocketServer } from 'ws';
import type { TwinContext } from '../context.ts';
import { findType } from '../resources.ts';
import type { KObject } from '../store.ts';
import { type ApiUser, forbidden, isAllowed } from './authz.ts';
import { ApiError, apiError, type StatusBody } from './status.ts';

const PROTOCOLS = ['v5.channel.k8s.io', 'v4.channel.k8s.io'];
const EXEC_PATH = /^\/api\/v1\/namespaces\/([^/]+)\/pods\/([^/]+)\/exec$/;
const STDOUT = 1;
const STDERR = 2;
const STATUS = 3;
/** How often an open session checks that its node is still up (real ms). */
const NODE_POLL_MS = 25;

/** Handles an HTTP upgrade on the API server: exec, or a 404 for anything else. */
export function serveUpgrade(
  ctx: TwinContext,
  authenticate: () => ApiUser,
  req: IncomingMessage,
  socket: Socket,
  head: Buffer,
): void {
  socket.on('error', () => {});
  try {
    const { pod, node, user, argv } = admit(ctx, authenticate, req);
    const upgrade = String(req.headers.upgrade ?? '').toLowerCase();
    if (upgrade !== 'websocket') {
      ctx.timeline.count('exec spdy');
      throw apiError(
        400,
        'the twin serves pods/exec over WebSocket only (v5.channel.k8s.io, v4.channel.k8s.io)',
      );
    }
    const offered = String(req.headers['sec-websocket-protocol'] ?? '')
      .split(',')
      .map((p) => p.trim());
    // The API server takes the first protocol in the client's list that it speaks.
    const protocol = offered.find((p) => PROTOCOLS.includes(p));
    if (!protocol)
      throw apiError(400, `unable to upgrade: no supported subprotocol in [${offered.join(' ')}]`);
    const wsWithProtocol = new WebSocketServer({
      noServer: true,
      perMessageDeflate: false,
      handleProtocols: () => protocol,
    });
    wsWithProtocol.handleUpgrade(req, socket, head, (ws) => {
      ctx.timeline.count(`exec ${protocol}`);
      void session(ctx, ws, { pod, node, user, argv, wants: streamsWanted(req) });
    });
  } catch (err) {
    refuse(socket, err);
  }
}

function streamsWanted(req: IncomingMessage): { stdout: boolean; stderr: boolean } {
  const q = new URL(req.url ?? '/', 'https://twin').searchParams;
  return {
    stdout: q.get('stdout') === 'true' || q.get('stdout') === '1',
    stderr: q.get('stderr') !== 'false',
  };
}

/** The checks the API server and kubelet make before a stream opens; throws ApiError to refuse. */
function admit(ctx: TwinContext, authenticate: () => ApiUser, req: IncomingMessage) {
  const url = new URL(req.url ?? '/', 'https://twin');
  const m = EXEC_PATH.exec(url.pathname);
  if (!m) throw apiError(404, 'the server could not find the requested resource');
  const [namespace, name] = [decodeURIComponent(m[1]), decodeURIComponent(m[2])];
  const user = authenticate();
  const pods = findType('', 'pods')!;
  ctx.timeline.count('create pods/exec');
  if (!isAllowed(user, 'create') || ctx.faults.find('exec-forbidden')) {
    if (ctx.faults.find('exec-forbidden')) ctx.faults.fire('exec-forbidden');
    throw forbidden(user, 'create', pods, namespace, name, 'exec');
  }
  const argv = url.searchParams.getAll('command');
  if (!argv.length) throw apiError(400, 'you must specify at least 1 command');
  const pod = ctx.store.get(pods, namespace, name);
  if (!pod) throw apiError(404, `pods "${name}" not found`, { name, kind: 'pods' });
  const node = String((pod.spec as { nodeName?: string } | undefined)?.nodeName ?? '');
  const phase = (pod.status as { phase?: string } | undefined)?.phase;
  if (!node) throw apiError(400, `pod ${name} does not have a host assigned`);
  if (phase !== 'Running')
    throw apiError(400, `unable to upgrade connection: container not found ("${containerOf(pod, url)}")`);
  if (ctx.nodeShells && !ctx.nodeShells.isUp(node))
    throw apiError(500, `error dialing backend: dial tcp ${hostIP(pod)}:10250: connect: no route to host`);
  return { pod, node, user, argv };
}

function containerOf(pod: KObject, url: URL): string {
  const containers = ((pod.spec as { containers?: { name: string }[] })?.containers ?? []).map((c) => c.name);
  return url.searchParams.get('container') ?? containers[0] ?? '';
}

function hostIP(pod: KObject): string {
  return String((pod.status as { hostIP?: string } | undefined)?.hostIP ?? '');
}

/** An HTTP answer on the raw socket, before (instead of) the upgrade. */
function refuse(socket: Socket, err: unknown): void {
  const status: StatusBody =
    err instanceof ApiError
      ? err.status
      : apiError(500, `Internal error occurred: ${(err as Error)?.message ?? String(err)}`).status;
  const body = JSON.stringify(status);
  if (socket.destroyed) return;
  socket.end(
    `HTTP/1.1 ${status.code} ${status.reason}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}

/** An access review for pods/exec answers "denied" under the `exec-forbidden` fault, as RBAC would. */
export function reviewExecAccess(ctx: TwinContext, review: Record<string, unknown>): Record<string, unknown> {
  const attrs = (review.spec as { resourceAttributes?: { resource?: string; subresource?: string } })
    ?.resourceAttributes;
  if (attrs?.resource !== 'pods' || attrs.subresource !== 'exec' || !ctx.faults.find('exec-forbidden'))
    return review;
  return { ...review, status: { allowed: false } };
}

/** The words to run in the node's shell: `chroot /rootfs` enters the host; `sh -c LINE` is LINE. */
export function commandLine(argv: string[]): string {
  let words = argv;
  if (words[0] === 'chroot' && words[1] === '/rootfs') words = words.slice(2);
  if (['sh', 'bash', '/bin/sh', '/bin/bash'].includes(words[0]) && words[1] === '-c' && words.length === 3)
    return words[2];
  return words.map((w) => (/^[\w@%+=:,./-]+$/.test(w) ? w : `'${w.replace(/'/g, `'\\''`)}'`)).join(' ');
}

/** The Status the API server sends on channel 3 when the command ends. */
export function exitStatus(argv: string[], code: number): Record<string, unknown> {
  if (code === 0) return { metadata: {}, status: 'Success' };
  return {
    metadata: {},
    status: 'Failure',
    message: `command terminated with non-zero exit code: error executing command [${argv.join(' ')}], exit code ${code}`,
    reason: 'NonZeroExitCode',
    details: { causes: [{ reason: 'ExitCode', message: String(code) }] },
  };
}

async function session(
  ctx: TwinContext,
  ws: WebSocket,
  s: {
    pod: KObject;
    node: string;
    user: ApiUser;
    argv: string[];
    wants: { stdout: boolean; stderr: boolean };
  },
): Promise<void> {
  ws.on('error', () => {});
  let open = true;
  ws.on('close', () => (open = false));
  // A reboot (or any outage of the node) ends the session without a status, as the kubelet's does.
  const poll = setInterval(() => {
    if (open && ctx.nodeShells && !ctx.nodeShells.isUp(s.node)) ws.terminate();
  }, NODE_POLL_MS);
  ws.on('close', () => clearInterval(poll));
  if (ctx.faults.forNode('exec-hang', s.node)) {
    ctx.faults.fire('exec-hang');
    return; // upgraded, never answered; the client's timeout (or a reboot) ends it
  }
  const shells = ctx.nodeShells;
  const r = shells
    ? await shells.runAs(s.node, commandLine(s.argv), { root: true, actor: `exec:${s.user.name}` })
    : { stdout: '', stderr: 'twin: no node shells\n', code: 126 };
  if (!open) return;
  if (shells && !shells.isUp(s.node)) return ws.terminate();
  const frame = (channel: number, text: string) => Buffer.concat([Buffer.from([channel]), Buffer.from(text)]);
  if (r.stdout && s.wants.stdout) ws.send(frame(STDOUT, r.stdout));
  if (r.stderr && s.wants.stderr) ws.send(frame(STDERR, r.stderr));
  ws.send(frame(STATUS, JSON.stringify(exitStatus(s.argv, r.code))));
  ws.close(1000);
}
