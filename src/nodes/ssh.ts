// Running commands on nodes over SSH, as the document does (`ssh core@<InternalIP>`): key auth with an
// optional passphrase, an optional bastion (one connection, a forwarded channel per node), and a host
// key policy — a key that differs from the one ssh-known-hosts lists stops the run; a host it does not
// list stops it too unless the policy is accept-new; without ssh-known-hosts (mode plan, or accept-new)
// keys are accepted as unverified. Every key presented is recorded per address (`hostKeys`), so the
// plan can hand the keys the approver saw to the migration as known_hosts lines.
import { signWithKeyObject } from './signing-key.ts';
import { runCommand } from './ssh-command.ts';
import { SshError } from './ssh-errors.ts';
import { useKeyObjectsForSessionKeys } from './ssh-session-keys.ts';
import net from 'node:net';
import ssh2 from 'ssh2';
import { refuseIfAborted } from '../util/abort.ts';
import { formatDuration } from '../util/duration.ts';
import type { Logger } from '../util/log.ts';
import {
  fingerprintOf,
  hostKeyMatches,
  type KnownHostEntry,
  keyTypeOf,
  keyTypesFor,
  parseKnownHosts,
} from './known-hosts.ts';
import type { NodeAccess, NodeExecOptions, NodeExecResult, NodeTarget } from './access.ts';

export type SshTarget = NodeTarget;

export interface SshSettings {
  user: string;
  port: number;
  privateKey: string;
  passphrase?: string;
  bastion?: { user?: string; host: string; port: number };
  knownHosts?: string;
  /** Hosts ssh-known-hosts does not list: `strict` (default) refuses them, `accept-new` accepts them. */
  hostKeyPolicy?: 'strict' | 'accept-new';
  /** Record the host key of every address of a node on first contact, not only the one used (plan). */
  recordEveryAddress?: boolean;
  /** Longest wait for TCP connect + SSH handshake + auth, ms (default 15 s). */
  connectTimeoutMs?: number;
  /** The reboot command (default the document's `sudo shutdown -r -t 3`). */
  rebootCommand?: string;
}

interface HandshakeOptions {
  /** `worker-1 (10.0.0.5:22)` or `bastion …`, for messages. */
  label: string;
  config: ssh2.ConnectConfig;
  algorithms: ssh2.Algorithms | undefined;
  verify: (key: Buffer) => HostKeyMismatchError | undefined;
  onAuthFailure: () => Error;
}

/** `address` is the address the command ran through. */
export type ExecResult = NodeExecResult;
export type ExecOptions = NodeExecOptions;

/** The document's reboot: `shutdown -r -t 3` returns at once; systemd ignores `-t` and reboots a minute later. */
export const SSH_REBOOT_COMMAND = 'sudo shutdown -r -t 3';

/** A host key as a node address (or the bastion) presented it. */
export interface RecordedHostKey {
  /** Node name, or "bastion". */
  node: string;
  address: string;
  port: number;
  keyType: string;
  /** The key blob, base64 (the known_hosts key field). */
  key: string;
  fingerprint: string;
  /** True when ssh-known-hosts listed this key for the host; false when accepted unverified. */
  verified: boolean;
}

export class HostKeyMismatchError extends Error {
  node: string;
  address: string;
  fingerprint: string;
  constructor(message: string, node: string, address: string, fingerprint: string) {
    super(message);
    this.name = 'HostKeyMismatchError';
    this.node = node;
    this.address = address;
    this.fingerprint = fingerprint;
  }
}

export { SshError, type SshErrorKind } from './ssh-errors.ts';

/** A failed attempt to connect to one address, before any command was sent. */
class ConnectFailure extends Error {
  readonly code: string;
  constructor(message: string, code: string) {
    super(message);
    this.code = code;
  }
}

const DEFAULT_CONNECT_TIMEOUT_MS = 15_000;
const DEFAULT_EXEC_TIMEOUT_MS = 10 * 60_000;

/** Host key algorithms to ask for, per key type a known_hosts line may carry. */
const ALGORITHMS_FOR_TYPE: Record<string, ssh2.ServerHostKeyAlgorithm[]> = {
  'ssh-ed25519': ['ssh-ed25519'],
  'ssh-rsa': ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'],
  'ecdsa-sha2-nistp256': ['ecdsa-sha2-nistp256'],
  'ecdsa-sha2-nistp384': ['ecdsa-sha2-nistp384'],
  'ecdsa-sha2-nistp521': ['ecdsa-sha2-nistp521'],
};

// ssh2's default host key algorithms, in its order; a preferred type is moved to the front (ssh2's own
// `prepend` leaves algorithms that are already in the list where they are).
const HOST_KEY_ALGORITHMS: ssh2.ServerHostKeyAlgorithm[] = [
  'ecdsa-sha2-nistp256',
  'ecdsa-sha2-nistp384',
  'ecdsa-sha2-nistp521',
  'ssh-ed25519',
  'rsa-sha2-512',
  'rsa-sha2-256',
  'ssh-rsa',
];

/** IPv4 before IPv6, otherwise in the order the node lists them. */
export function orderAddresses(addresses: string[]): string[] {
  return [...addresses.filter((a) => !net.isIPv6(a)), ...addresses.filter((a) => net.isIPv6(a))];
}

function hostPort(address: string, port: number): string {
  return net.isIPv6(address) ? `[${address}]:${port}` : `${address}:${port}`;
}

export class NodeShell implements NodeAccess {
  readonly kind = 'ssh' as const;
  readonly rebootCommand: string;
  /** Node name → `SHA256:...` of the host key it presented. */
  readonly fingerprints = new Map<string, string>();
  /** The bastion's host key fingerprint, once connected. */
  bastionFingerprint: string | undefined;
  /** `host:port` → the key it presented, for every address connected to (or scanned). */
  readonly hostKeys = new Map<string, RecordedHostKey>();

  private readonly settings: SshSettings;
  private readonly log: Logger;
  private readonly known: KnownHostEntry[] | undefined;
  private readonly key: ssh2.ParsedKey;
  private readonly connectTimeoutMs: number;
  private bastion: Promise<ssh2.Client> | undefined;
  private readonly open = new Set<ssh2.Client>();
  /** Nodes whose every address has been recorded (recordEveryAddress). */
  private readonly scanned = new Set<string>();
  private closed = false;

  constructor(settings: SshSettings, log: Logger) {
    this.settings = settings;
    this.log = log;
    this.connectTimeoutMs = settings.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
    this.rebootCommand = settings.rebootCommand ?? SSH_REBOOT_COMMAND;
    this.known = settings.knownHosts?.trim() ? parseKnownHosts(settings.knownHosts) : undefined;
    // Read (and decrypt) the key once: a wrong passphrase is one clear message, not one per node, and
    // the bcrypt KDF of an encrypted OpenSSH key does not run again for each of a thousand connections.
    const parsed = ssh2.utils.parseKey(settings.privateKey, settings.passphrase);
    if (parsed instanceof Error)
      throw new Error(
        `ssh-private-key could not be read (${parsed.message.replace(/^Cannot parse privateKey: /, '')}) — check ssh-private-key${/passphrase|decrypt|bad/i.test(parsed.message) ? ' and ssh-key-passphrase' : ''}`,
      );
    const key = Array.isArray(parsed) ? (parsed[0] as ssh2.ParsedKey | undefined) : parsed;
    if (!key?.isPrivateKey()) throw new Error('ssh-private-key holds no private key — check ssh-private-key');
    signWithKeyObject(key);
    this.key = key;
  }

  async exec(node: SshTarget, command: string, opts: ExecOptions = {}): Promise<ExecResult> {
    if (this.closed)
      throw new SshError(`cannot run a command on ${node.name}: SSH was closed`, node.name, 'exec');
    const addresses = orderAddresses(node.addresses);
    if (addresses.length === 0)
      throw new SshError(`${node.name} has no InternalIP address to connect to`, node.name, 'connect');
    const port = this.settings.port;
    const failures: { address: string; failure: ConnectFailure }[] = [];
    let resetRetried = false;
    for (const address of addresses) {
      let conn: ssh2.Client | undefined;
      for (;;) {
        refuseIfAborted(opts.signal);
        try {
          conn = await this.connect(node.name, address);
          break;
        } catch (err) {
          if (!(err instanceof ConnectFailure)) throw err;
          // A reset is often a transient hiccup (sshd's MaxStartups, a load balancer): try once more.
          if (err.code === 'ECONNRESET' && !resetRetried) {
            resetRetried = true;
            this.log.warn(
              `ssh ${node.name} (${hostPort(address, port)}): connection reset, trying once more`,
            );
            continue;
          }
          failures.push({ address, failure: err });
          break;
        }
      }
      if (!conn) continue;
      try {
        if (this.settings.recordEveryAddress && node.addresses.length > 1 && !this.scanned.has(node.name)) {
          this.scanned.add(node.name);
          await this.recordHostKeys(node);
        }
        return await this.run(conn, node.name, address, command, opts);
      } finally {
        conn.end();
        this.open.delete(conn);
      }
    }
    const list = failures.map((f) => `${hostPort(f.address, port)} (${f.failure.message})`).join(', ');
    const allTimedOut = failures.every((f) => f.failure.code === 'ETIMEDOUT');
    const via = this.settings.bastion ? ` through the bastion ${this.settings.bastion.host}` : '';
    throw new SshError(
      `cannot connect to ${node.name} as ${this.settings.user}${via}: ${list} — check that the runner${via ? ' (bastion)' : ''} can reach the node's InternalIP on port ${port}`,
      node.name,
      allTimedOut ? 'timeout' : 'connect',
    );
  }

  scheduleReboot(node: NodeTarget, opts: { timeoutMs: number; signal?: AbortSignal }): Promise<ExecResult> {
    return this.exec(node, this.rebootCommand, { ...opts, expectDisconnect: true });
  }

  /** A host key mismatch: no command goes to any further node. */
  isFatal(err: unknown): boolean {
    return err instanceof HostKeyMismatchError;
  }

  hostKey(node: string): { fingerprint: string; verified: boolean } | undefined {
    const fingerprint = this.fingerprints.get(node);
    if (!fingerprint) return undefined;
    const verified = ![...this.hostKeys.values()].some((k) => k.node === node && !k.verified);
    return { fingerprint, verified };
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const c of this.open) c.end();
    this.open.clear();
    const bastion = this.bastion;
    this.bastion = undefined;
    if (bastion) {
      const client = await bastion.catch(() => undefined);
      client?.end();
    }
  }

  /** Checks a presented host key; returns the error to stop with, or undefined to accept it. */
  private verifyHostKey(
    label: string,
    names: string[],
    address: string,
    port: number,
    key: Buffer,
    record: (fp: string) => string | undefined,
  ): HostKeyMismatchError | undefined {
    const fp = fingerprintOf(key);
    const type = keyTypeOf(key) ?? 'unknown-type';
    const where = `${label} (${hostPort(address, port)})`;
    let verified = false;
    if (this.known) {
      const verdicts = names.map((h) => hostKeyMatches(this.known!, h, port, type, key));
      if (verdicts.includes('mismatch'))
        return new HostKeyMismatchError(
          `host key mismatch for ${where}: it presented ${type} ${fp}, which ssh-known-hosts does not list for it — if the node was reinstalled, update ssh-known-hosts with its new key; otherwise the connection may be intercepted. Stopping.`,
          label,
          address,
          fp,
        );
      verified = verdicts.includes('match');
      if (!verified && this.settings.hostKeyPolicy !== 'accept-new')
        return new HostKeyMismatchError(
          `${where} is not listed in ssh-known-hosts (it presented ${type} ${fp}) — add its host key to ssh-known-hosts (the plan job's known-hosts output lists every node's), or set ssh-host-key-policy: accept-new to accept keys of hosts it does not list. Stopping.`,
          label,
          address,
          fp,
        );
    }
    const earlier = record(fp);
    if (earlier !== undefined && earlier !== fp)
      return new HostKeyMismatchError(
        `host key of ${where} changed during the run: first ${earlier}, now ${fp} — something may be intercepting connections; set ssh-known-hosts to pin the keys. Stopping.`,
        label,
        address,
        fp,
      );
    const id = hostPort(address, port);
    if (!this.hostKeys.has(id))
      this.hostKeys.set(id, {
        node: label,
        address,
        port,
        keyType: type,
        key: key.toString('base64'),
        fingerprint: fp,
        verified,
      });
    return undefined;
  }

  /**
   * Records the host key of each of the node's addresses not yet recorded, as ssh-keyscan does: the
   * handshake stops once the key is presented, so nothing is authenticated or run. A key that
   * ssh-known-hosts contradicts is left out (the connection that uses that address will stop on it).
   */
  async recordHostKeys(node: SshTarget): Promise<void> {
    const port = this.settings.port;
    for (const address of orderAddresses(node.addresses)) {
      if (this.hostKeys.has(hostPort(address, port))) continue;
      let sock: ssh2.ClientChannel | undefined;
      try {
        if (this.settings.bastion) sock = await this.forward(node.name, address, port);
      } catch {
        continue;
      }
      await new Promise<void>((resolve) => {
        const client = new ssh2.Client();
        const done = () => {
          client.end();
          resolve();
        };
        client.on('error', done);
        client.on('close', done);
        client.on('ready', done);
        client.connect({
          ...(sock ? { sock } : { host: address, port }),
          username: this.settings.user,
          readyTimeout: this.connectTimeoutMs,
          hostVerifier: (key: Buffer) => {
            this.verifyHostKey(node.name, [address, node.name], address, port, key, () => undefined);
            return false;
          },
        });
      });
    }
  }

  private hostKeyAlgorithms(names: string[], port: number): ssh2.Algorithms | undefined {
    if (!this.known) return undefined;
    const types = new Set(names.flatMap((h) => keyTypesFor(this.known!, h, port)));
    const prefer = [...types].flatMap((t) => ALGORITHMS_FOR_TYPE[t] ?? []);
    // Ask first for the key types ssh-known-hosts lists, as OpenSSH does, so a host with several keys
    // presents the one that can be checked.
    if (!prefer.length) return undefined;
    return { serverHostKey: [...prefer, ...HOST_KEY_ALGORITHMS.filter((a) => !prefer.includes(a))] };
  }

  /** Opens an authenticated connection to one address (directly or through the bastion). */
  private async connect(nodeName: string, address: string): Promise<ssh2.Client> {
    const port = this.settings.port;
    const user = this.settings.user;
    const where = `${nodeName} (${hostPort(address, port)})`;
    let sock: ssh2.ClientChannel | undefined;
    if (this.settings.bastion) sock = await this.forward(nodeName, address, port);
    const names = [address, nodeName];
    return this.handshake({
      label: where,
      config: {
        ...(sock ? { sock } : { host: address, port }),
        username: user,
      },
      algorithms: this.hostKeyAlgorithms(names, port),
      verify: (key) =>
        this.verifyHostKey(nodeName, names, address, port, key, (fp) => {
          const earlier = this.fingerprints.get(nodeName);
          if (earlier === undefined) this.fingerprints.set(nodeName, fp);
          return earlier;
        }),
      onAuthFailure: () =>
        new SshError(
          `the key was refused for user ${user} on ${where}: check ssh-private-key/ssh-user`,
          nodeName,
          'auth',
        ),
    });
  }

  /** One handshake, mapped to the outcomes exec cares about. */
  private handshake(o: HandshakeOptions): Promise<ssh2.Client> {
    return new Promise<ssh2.Client>((resolve, reject) => {
      const client = new ssh2.Client();
      // ssh2's per-packet ciphers get their session keys as KeyObjects (ssh-session-keys.ts).
      useKeyObjectsForSessionKeys(client);
      let hostKeyProblem: HostKeyMismatchError | undefined;
      let settled = false;
      const fail = (err: Error) => {
        if (settled) return;
        settled = true;
        this.open.delete(client);
        client.end();
        reject(err);
      };
      client.on('ready', () => {
        if (settled) return;
        settled = true;
        if (this.closed) {
          client.end();
          return reject(new ConnectFailure('SSH was closed', 'ECLOSED'));
        }
        this.log.debug(`ssh ${o.label}: connected`);
        resolve(client);
      });
      client.on('error', (err: Error & { level?: string; code?: string }) =>
        fail(hostKeyProblem ?? this.handshakeError(err, o)),
      );
      client.on('close', () =>
        fail(hostKeyProblem ?? new ConnectFailure('connection closed during the handshake', 'ECONNRESET')),
      );
      this.open.add(client);
      try {
        client.connect(
          this.connectConfig(o, (key) => {
            hostKeyProblem = o.verify(key);
            return hostKeyProblem === undefined;
          }),
        );
        // Without this every handshake round trip waits on Nagle + delayed ACK (~40 ms each): a
        // dozen of them per connection is the difference between 5 ms and 250 ms per node.
        client.setNoDelay(true);
      } catch (err) {
        fail(new ConnectFailure((err as Error).message, 'ECONNECT'));
      }
    });
  }

  /** What a failed handshake means for the caller: a refused key, a timeout, or a connect failure. */
  private handshakeError(err: Error & { level?: string; code?: string }, o: HandshakeOptions): Error {
    if (err.level === 'client-authentication') return o.onAuthFailure();
    if (err.level === 'client-timeout')
      return new ConnectFailure(
        `no SSH handshake within ${formatDuration(this.connectTimeoutMs)}`,
        'ETIMEDOUT',
      );
    return new ConnectFailure(err.code ?? err.message, err.code ?? 'ECONNECT');
  }

  private connectConfig(o: HandshakeOptions, hostVerifier: (key: Buffer) => boolean): ssh2.ConnectConfig {
    const publicKeyAuth: ssh2.PublicKeyAuthMethod = {
      type: 'publickey',
      username: o.config.username ?? this.settings.user,
      key: this.key,
    };
    return {
      ...o.config,
      authHandler: [publicKeyAuth],
      readyTimeout: this.connectTimeoutMs,
      // Long commands (an etcd backup) and the long-lived bastion connection must survive idle
      // NAT/firewall timeouts; a peer silent for a minute is taken as gone.
      keepaliveInterval: 15_000,
      keepaliveCountMax: 4,
      ...(o.algorithms ? { algorithms: o.algorithms } : {}),
      hostVerifier,
    };
  }

  /** A channel from the bastion to the node's address. */
  private async forward(nodeName: string, address: string, port: number): Promise<ssh2.ClientChannel> {
    const bastion = await this.bastionClient(nodeName);
    return new Promise((resolve, reject) => {
      bastion.forwardOut('127.0.0.1', 0, address, port, (err, channel) => {
        if (err) {
          // The bastion could not open a TCP connection to the node: like a refused connect.
          const reason = err.message.replace(/^\(SSH\) Channel open failure: /, '');
          return reject(new ConnectFailure(`bastion could not connect: ${reason}`, 'ECONNREFUSED'));
        }
        resolve(channel);
      });
    });
  }

  private bastionClient(nodeName: string): Promise<ssh2.Client> {
    const b = this.settings.bastion!;
    if (this.bastion) return this.bastion;
    const user = b.user ?? this.settings.user;
    const where = `bastion ${hostPort(b.host, b.port)}`;
    const attempt = this.handshake({
      label: where,
      config: { host: b.host, port: b.port, username: user },
      algorithms: this.hostKeyAlgorithms([b.host], b.port),
      verify: (key) =>
        this.verifyHostKey('bastion', [b.host], b.host, b.port, key, (fp) => {
          const earlier = this.bastionFingerprint;
          this.bastionFingerprint ??= fp;
          return earlier;
        }),
      onAuthFailure: () =>
        new SshError(
          `the key was refused for user ${user} on the ${where}: check ssh-private-key and ssh-bastion's user`,
          nodeName,
          'auth',
        ),
    }).then(
      (client) => {
        // A dropped bastion connection is reopened by the next command.
        client.on('close', () => {
          this.open.delete(client);
          if (this.bastion === attempt) this.bastion = undefined;
        });
        return client;
      },
      (err: unknown) => {
        if (this.bastion === attempt) this.bastion = undefined;
        if (err instanceof ConnectFailure)
          throw new SshError(
            `cannot connect to the ${where} as ${user}: ${err.message} — check ssh-bastion and that the runner can reach it`,
            nodeName,
            err.code === 'ETIMEDOUT' ? 'timeout' : 'connect',
          );
        throw err;
      },
    );
    this.bastion = attempt;
    return attempt;
  }

  /** Runs the command on an open connection. Never retried: once sent, it may have run. */
  private run(
    conn: ssh2.Client,
    nodeName: string,
    address: string,
    command: string,
    opts: ExecOptions,
  ): Promise<ExecResult> {
    refuseIfAborted(opts.signal);
    return runCommand(conn, command, {
      ...opts,
      node: nodeName,
      address,
      where: `${nodeName} (${hostPort(address, this.settings.port)})`,
      user: this.settings.user,
      timeoutMs: opts.timeoutMs ?? DEFAULT_EXEC_TIMEOUT_MS,
    });
  }
}
