// An SSH jump host in front of the nodes, as many clusters have: its own address and host key, user
// `core` with the twin's client key, no shell, and direct-tcpip forwarding (what `ssh -J` and the
// action's ssh-bastion use) only to a node address on the nodes' SSH port — anything else is refused
// the way sshd's PermitOpen refuses it ("administratively prohibited"). Its outgoing connections come
// from its own address, so with `exclusive` the nodes accept SSH from the bastion only, like a private
// node network: a client that skips the bastion gets nowhere.
import net from 'node:net';
import ssh2 from 'ssh2';
import type { TwinContext } from '../context.ts';
import { fingerprint, generateEd25519, keepSessionKeysAsKeyObjects, knownHostsLine } from './keys.ts';

export interface BastionSpec {
  /** Loopback address the bastion listens on and connects from (default 127.0.0.22; not 127.0.0.1, every direct loopback connection's source). */
  address: string;
  /** Nodes accept SSH only from the bastion (default true). */
  exclusive: boolean;
}

export interface Bastion {
  address: string;
  port: number;
  hostKeyFingerprint: string;
  /** `[addr]:port ssh-ed25519 ...` for ssh-known-hosts. */
  knownHostsLine: string;
  /** Every forwarding request, in order: `addr:port` and whether it was allowed and connected. */
  forwards: { to: string; result: 'forwarded' | 'prohibited' | 'refused' }[];
  stop(): Promise<void>;
}

/** OpenSSH's channel open failure reasons (RFC 4254 §5.1). */
const ADMINISTRATIVELY_PROHIBITED = 1;
const CONNECT_FAILED = 2;
const SERVER_IDENT = 'OpenSSH_8.7';

export async function startBastion(
  ctx: TwinContext,
  spec: BastionSpec,
  clientPublicKey: string,
  nodePort: () => number,
): Promise<Bastion> {
  const hostKey = generateEd25519('root@bastion');
  const clientKey = ssh2.utils.parseKey(clientPublicKey);
  if (clientKey instanceof Error) throw clientKey;
  const nodeAddresses = new Set(ctx.scenario.nodes.flatMap((n) => n.addresses));
  const forwards: Bastion['forwards'] = [];
  const sockets = new Set<net.Socket>();

  const server = new ssh2.Server({ hostKeys: [hostKey.privateKey], ident: SERVER_IDENT }, (conn) => {
    conn.on('error', () => {});
    keepSessionKeysAsKeyObjects(conn);
    conn.on('authentication', (auth) => {
      if (auth.username !== 'core' || auth.method !== 'publickey') return auth.reject(['publickey']);
      if (auth.key.algo !== clientKey.type || !auth.key.data.equals(clientKey.getPublicSSH()))
        return auth.reject(['publickey']);
      if (auth.signature && auth.blob && clientKey.verify(auth.blob, auth.signature, auth.hashAlgo) !== true)
        return auth.reject(['publickey']);
      auth.accept();
    });
    conn.on('ready', () => {
      ctx.timeline.count('bastion connect');
      // A jump host only: no shell, no commands (sessions are refused at channel open).
      conn.on('tcpip', (accept, reject, info) => {
        const to = `${info.destIP}:${info.destPort}`;
        if (!nodeAddresses.has(info.destIP) || info.destPort !== nodePort()) {
          forwards.push({ to, result: 'prohibited' });
          return failChannel(conn, reject, ADMINISTRATIVELY_PROHIBITED, 'open failed');
        }
        ctx.timeline.count('bastion forward');
        connectOnward(spec.address, info.destIP, info.destPort, sockets, {
          refused: (text) => {
            forwards.push({ to, result: 'refused' });
            failChannel(conn, reject, CONNECT_FAILED, text);
          },
          connected: (sock) => {
            forwards.push({ to, result: 'forwarded' });
            const ch = accept();
            sock.pipe(ch).pipe(sock);
            ch.on('close', () => sock.destroy());
            sock.on('close', () => ch.close());
          },
        });
      });
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, spec.address, () => resolve());
  });
  const port = (server.address() as net.AddressInfo).port;
  return {
    address: spec.address,
    port,
    hostKeyFingerprint: fingerprint(hostKey.publicBlob),
    knownHostsLine: knownHostsLine(spec.address, port, hostKey.publicBlob),
    forwards,
    stop: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** The bastion's TCP connection to a node, from its own address (what `exclusive` nodes check). */
function connectOnward(
  from: string,
  host: string,
  port: number,
  sockets: Set<net.Socket>,
  on: { refused(text: string): void; connected(sock: net.Socket): void },
): void {
  const sock = net.connect({ host, port, localAddress: from });
  sockets.add(sock);
  sock.setNoDelay(true);
  let connected = false;
  sock.on('error', (err: NodeJS.ErrnoException) => {
    if (!connected) on.refused(errnoText(err)); // later errors (a node rebooting) just close it
  });
  sock.on('close', () => sockets.delete(sock));
  sock.once('connect', () => {
    connected = true;
    on.connected(sock);
  });
}

/** strerror text sshd puts in "connect failed: …". */
function errnoText(err: NodeJS.ErrnoException): string {
  if (err.code === 'ECONNREFUSED') return 'Connection refused';
  if (err.code === 'ECONNRESET') return 'Connection reset by peer';
  if (err.code === 'ETIMEDOUT') return 'Connection timed out';
  return err.message;
}

/**
 * Refuses a channel with sshd's reason and text. ssh2's `reject()` always sends CONNECT_FAILED with
 * no text; clients (OpenSSH prints "open failed: administratively prohibited: open failed") tell the
 * cases apart by them, so the one reply is rewritten on its way out.
 */
function failChannel(conn: ssh2.Connection, reject: () => void, reason: number, text: string): void {
  const proto = (conn as unknown as { _protocol?: { channelOpenFail: ChannelOpenFail } })._protocol;
  if (!proto) return reject();
  const original = proto.channelOpenFail;
  proto.channelOpenFail = function (this: unknown, recipient: number) {
    proto.channelOpenFail = original;
    return original.call(this, recipient, reason, text);
  };
  try {
    reject();
  } finally {
    proto.channelOpenFail = original;
  }
}

type ChannelOpenFail = (recipient: number, reason: number, description?: string) => unknown;
