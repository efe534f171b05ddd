// Every node of the scenario as an SSH host: one listener per InternalIP (all in 127.0.0.0/8, the same
// port for every address), a host key per node, user `core` with the twin's client key only, and a
// small shell behind it (shell.ts). Connections pass through our own net.Server first so the SSH
// faults can act below the protocol (reset, hang, latency before the banner) before the socket is
// handed to ssh2's Server. A node that is down, or has `ssh-connection-refused`, has its listeners
// closed, so clients get a real ECONNREFUSED.
//
// Node state is re-read every POLL_MS (real time) from NodeHooks.isUp and ctx.faults; `refresh()`
// re-reads it at once (the kubelet may call it right after taking a node down or bringing it back).
import { randomBytes, randomUUID } from 'node:crypto';
import net from 'node:net';
import ssh2 from 'ssh2';
import type { TwinContext } from '../context.ts';
import type { NodeSpec } from '../scenario.ts';
import {
  fingerprint,
  generateClientKeys,
  generateEd25519,
  hostKeyForServer,
  keepSessionKeysAsKeyObjects,
  knownHostsLine,
  signatureVerifier,
  type Ed25519Key,
} from './keys.ts';
import { NodeFilesystem } from './node-fs.ts';
import { runCommandLine, type CommandResult, type ShellEnv } from './shell.ts';

export interface NodeHooks {
  /**
   * Schedules a reboot of `node` in `delaySeconds` virtual seconds (shutdown -r +1 and -r -t 3 → 60;
   * systemctl reboot / reboot / shutdown -r now → 0). False when the node will not go down then
   * (already down, or an earlier reboot is pending).
   */
  scheduleReboot(node: string, delaySeconds: number, command: string): boolean | void;
  /** `shutdown -c`: drops a pending scheduled reboot. */
  cancelReboot?(node: string): void;
  /** False while the node is down (rebooting or never returned): its SSH server must refuse connections. */
  isUp(node: string): boolean;
}

export interface SshNodeInfo {
  name: string;
  addresses: string[];
  /** `SHA256:...` as OpenSSH prints it. */
  hostKeyFingerprint: string;
  /** One per address: `[addr]:port ssh-ed25519 AAAA...` (plain `addr` when the port is 22). */
  knownHostsLines: string[];
}

export interface SshNodes {
  port: number;
  clientPrivateKey: string;
  /** `ssh-ed25519 AAAA... twin-client`, the only key `core` accepts. */
  clientPublicKey: string;
  /** The same client key, encrypted with `clientKeyPassphrase` (OpenSSH format). */
  encryptedClientPrivateKey: string;
  clientKeyPassphrase: string;
  nodes: SshNodeInfo[];
  /**
   * Re-reads every node's state (hooks.isUp, `ssh-connection-refused`) now instead of at the next
   * poll, closing or reopening listeners; resolves once listeners are in the wanted state. With
   * `node`, that node only (the kubelet's state changes: refreshing all 1,000 nodes for each of
   * 2,000 up/down changes was a large part of the twin's CPU during a fan-out).
   */
  refresh(node?: string): Promise<void>;
  /** Runs a command line in a node's shell as the API's exec would (as root, named `actor`). */
  runAs(node: string, line: string, opts: { root: boolean; actor: string }): Promise<CommandResult>;
  /** False while the node is down. */
  isUp(node: string): boolean;
  stop(): Promise<void>;
}

/** How often node state and listener faults are re-read (real milliseconds). */
export const POLL_MS = 20;

/** OpenSSH's banner on RHCOS 8/9 hosts, so version sniffing clients see the real thing. */
const SERVER_IDENT = 'OpenSSH_8.7';

interface NodeRuntime {
  spec: NodeSpec;
  index: number;
  hostKey: Ed25519Key;
  fs: NodeFilesystem;
  fallbackBootId: string;
  /** Built on first connection: 1,000 nodes start without 1,000 ssh2 Servers. */
  ssh?: ssh2.Server;
  listeners: net.Server[];
  /** Whether listeners should be open (the last decision of refresh). */
  wantOpen: boolean;
  listening: boolean;
  /** Serializes open/close of this node's listeners. */
  chain: Promise<void>;
  sockets: Set<net.Socket>;
}

export async function startSshNodes(ctx: TwinContext, hooks: NodeHooks): Promise<SshNodes> {
  const passphrase = `twin-${randomBytes(6).toString('hex')}`;
  const client = generateClientKeys(passphrase);
  const clientKey = ssh2.utils.parseKey(client.publicKey);
  if (clientKey instanceof Error) throw clientKey;
  const signedByClient = signatureVerifier(clientKey);

  const nodes: NodeRuntime[] = ctx.scenario.nodes.map((spec, index) => ({
    spec,
    index,
    hostKey: generateEd25519(`root@${spec.name}`),
    fs: new NodeFilesystem(),
    fallbackBootId: randomUUID(),
    listeners: [],
    wantOpen: false,
    listening: false,
    chain: Promise.resolve(),
    sockets: new Set(),
  }));
  const timers = new Set<NodeJS.Timeout>();
  let stopped = false;
  let port = ctx.scenario.sshPort;

  const delay = (ms: number) =>
    new Promise<void>((resolve) => {
      const t = setTimeout(() => {
        timers.delete(t);
        resolve();
      }, ms);
      timers.add(t);
    });

  const latencyMs = (): number => {
    const f = ctx.faults.find('ssh-latency');
    if (!f || f.ms <= 0) return 0;
    ctx.faults.fire('ssh-latency');
    return f.ms;
  };

  const sshServerOf = (node: NodeRuntime): ssh2.Server => {
    node.ssh ??= new ssh2.Server(
      { hostKeys: [{ key: hostKeyForServer(node.hostKey.privateKey) }], ident: SERVER_IDENT },
      (conn) => serveConnection(node, conn),
    );
    return node.ssh;
  };

  const serveConnection = (node: NodeRuntime, conn: ssh2.Connection) => {
    const name = node.spec.name;
    let refusedFired = false;
    conn.on('error', () => {}); // resets and node reboots end connections abruptly; nothing to report
    keepSessionKeysAsKeyObjects(conn);
    conn.on('authentication', (auth) => {
      if (ctx.faults.forNode('ssh-auth-refused', name)) {
        if (!refusedFired) ctx.faults.fire('ssh-auth-refused');
        refusedFired = true;
        return auth.reject(['publickey']);
      }
      if (auth.username !== 'core' || auth.method !== 'publickey') return auth.reject(['publickey']);
      if (auth.key.algo !== clientKey.type || !auth.key.data.equals(clientKey.getPublicSSH()))
        return auth.reject(['publickey']);
      // Without a signature the client only asks whether the key would do (SSH_MSG_USERAUTH_PK_OK).
      if (auth.signature && auth.blob && !signedByClient(auth.blob, auth.signature, auth.hashAlgo))
        return auth.reject(['publickey']);
      auth.accept();
    });
    conn.on('ready', () => {
      ctx.timeline.count('ssh connect');
      conn.on('session', (acceptSession) => {
        const session = acceptSession();
        session.on('pty', (accept) => accept?.());
        session.on('env', (accept) => accept?.());
        session.on('exec', (accept, _reject, info) => {
          const stream = accept();
          void execute(node, info.command).then(reply, (err: Error) =>
            // A bug in the interpreter must show in the test that hit it, not kill the twin.
            reply({ stdout: '', stderr: `twin: ${err.stack ?? err.message}\n`, code: 70 }),
          );
          function reply(r: CommandResult) {
            if (r.hangup) return dropSessions(node);
            if (stream.destroyed || !stream.writable) return;
            if (r.stdout) stream.write(r.stdout);
            if (r.stderr) stream.stderr.write(r.stderr);
            stream.exit(r.code);
            stream.end();
          }
        });
        session.on('shell', (accept) => {
          const stream = accept();
          let pending = '';
          let last = 0;
          let done = false;
          let queue = Promise.resolve();
          const finish = (code: number) => {
            if (done || stream.destroyed) return;
            done = true;
            stream.exit(code);
            stream.end();
          };
          stream.on('data', (chunk: Buffer) => {
            pending += chunk.toString('utf8');
            const lines = pending.split('\n');
            pending = lines.pop() ?? '';
            for (const line of lines) {
              queue = queue.then(async () => {
                if (done) return;
                if (/^\s*exit(\s+\d+)?\s*$/.test(line))
                  return finish(Number(line.trim().split(/\s+/)[1] ?? last));
                if (!line.trim()) return;
                const r = await execute(node, line).catch((err: Error): CommandResult => ({
                  stdout: '',
                  stderr: `twin: ${err.stack ?? err.message}\n`,
                  code: 70,
                }));
                last = r.code;
                if (r.hangup) return dropSessions(node);
                if (done || stream.destroyed) return;
                if (r.stdout) stream.write(r.stdout);
                if (r.stderr) stream.stderr.write(r.stderr);
              });
            }
          });
          stream.on('end', () => {
            void queue.then(() => finish(last));
          });
        });
      });
    });
  };

  /** The node goes down now: systemd stops every sshd session, each client sees its connection close. */
  const dropSessions = (node: NodeRuntime) => {
    for (const s of node.sockets) s.destroy();
  };

  const execute = async (
    node: NodeRuntime,
    command: string,
    as?: { root: boolean; actor: string },
  ): Promise<CommandResult> => {
    if (!as) ctx.timeline.count('ssh exec');
    const env: ShellEnv = {
      ...(as ? { asRoot: as.root, actor: as.actor } : {}),
      ctx,
      node: node.spec,
      nodeIndex: node.index,
      hooks,
      fs: node.fs,
      fallbackBootId: node.fallbackBootId,
    };
    const r = await runCommandLine(env, command);
    const ms = latencyMs();
    if (ms) await delay(ms);
    return r;
  };

  const onSocket = (node: NodeRuntime, socket: net.Socket) => {
    const name = node.spec.name;
    node.sockets.add(socket);
    socket.on('close', () => node.sockets.delete(socket));
    socket.on('error', () => {});
    socket.setNoDelay(true); // small SSH packets: Nagle plus delayed ACKs would add 40 ms per reply
    if (stopped || !hooks.isUp(name)) return void socket.destroy();
    // Behind an exclusive bastion the node network takes SSH from the bastion only.
    const bastion = ctx.scenario.bastion;
    if (bastion?.exclusive && socket.remoteAddress !== bastion.address) return void socket.resetAndDestroy();
    const reset = ctx.faults.forNode('ssh-reset', name);
    if (reset && reset.count > 0) {
      reset.count--;
      if (reset.count <= 0) ctx.faults.remove(reset);
      ctx.faults.fire('ssh-reset');
      return void socket.resetAndDestroy();
    }
    if (ctx.faults.forNode('ssh-hang', name)) {
      ctx.faults.fire('ssh-hang');
      return; // accepted, tracked (stop() and reboots close it), never answered
    }
    const ms = latencyMs();
    const hand = () => {
      if (!socket.destroyed) sshServerOf(node).injectSocket(socket);
    };
    if (ms) void delay(ms).then(hand);
    else hand();
  };

  const listenOn = (node: NodeRuntime, address: string, p: number) =>
    new Promise<net.Server>((resolve, reject) => {
      const server = net.createServer((socket) => onSocket(node, socket));
      const fail = (err: Error) => reject(err);
      server.once('error', fail);
      server.listen({ port: p, host: address, exclusive: true }, () => {
        server.off('error', fail);
        server.on('error', () => {});
        resolve(server);
      });
    });

  const closeListeners = (node: NodeRuntime) => {
    for (const s of node.listeners) s.close();
    node.listeners = [];
    node.listening = false;
  };

  const openListeners = async (node: NodeRuntime) => {
    const results = await Promise.allSettled(node.spec.addresses.map((a) => listenOn(node, a, port)));
    node.listeners = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
    const failed = results.find((r) => r.status === 'rejected');
    if (failed) {
      closeListeners(node);
      throw (failed as PromiseRejectedResult).reason;
    }
    node.listening = true;
  };

  const wanted = (node: NodeRuntime): boolean => {
    if (!hooks.isUp(node.spec.name)) return false;
    return !ctx.faults.forNode('ssh-connection-refused', node.spec.name);
  };

  const apply = (node: NodeRuntime): Promise<void> => {
    const want = !stopped && wanted(node);
    if (!hooks.isUp(node.spec.name)) for (const s of node.sockets) s.destroy(); // a reboot drops sessions
    if (want === node.wantOpen) return node.chain;
    node.wantOpen = want;
    if (!want && ctx.faults.forNode('ssh-connection-refused', node.spec.name))
      ctx.faults.fire('ssh-connection-refused');
    node.chain = node.chain.then(async () => {
      if (node.wantOpen && !node.listening && !stopped) {
        // A port taken meanwhile: try again at the next poll rather than fail the twin.
        await openListeners(node).catch(() => {
          node.wantOpen = false;
        });
      } else if (!node.wantOpen && node.listening) closeListeners(node);
    });
    return node.chain;
  };

  const byName = new Map(nodes.map((n) => [n.spec.name, n]));
  const refresh = async (name?: string) => {
    if (name === undefined) await Promise.all(nodes.map(apply));
    else {
      const node = byName.get(name);
      if (node) await apply(node);
    }
  };

  // Initial bind. With port 0 the first address picks a free port and every other address must get
  // the same one; if some address has it taken already, start over with another port.
  for (let attempt = 0; ; attempt++) {
    try {
      if (ctx.scenario.sshPort === 0) {
        const first = nodes[0];
        const probe = await listenOn(first, first.spec.addresses[0], 0);
        port = (probe.address() as net.AddressInfo).port;
        probe.close();
      }
      const up = nodes.filter((n) => wanted(n));
      const results = await Promise.allSettled(up.map((n) => openListeners(n)));
      const failed = results.find((r) => r.status === 'rejected');
      if (failed) {
        for (const n of up) closeListeners(n);
        throw (failed as PromiseRejectedResult).reason;
      }
      for (const n of up) n.wantOpen = true;
      for (const n of nodes)
        if (hooks.isUp(n.spec.name) && ctx.faults.forNode('ssh-connection-refused', n.spec.name))
          ctx.faults.fire('ssh-connection-refused');
      break;
    } catch (err) {
      if (ctx.scenario.sshPort !== 0 || attempt >= 4 || (err as NodeJS.ErrnoException).code !== 'EADDRINUSE')
        throw err;
    }
  }

  const poll = setInterval(() => void refresh(), POLL_MS);
  poll.unref();

  const infos: SshNodeInfo[] = nodes.map((n) => ({
    name: n.spec.name,
    addresses: [...n.spec.addresses],
    hostKeyFingerprint: fingerprint(n.hostKey.publicBlob),
    knownHostsLines: n.spec.addresses.map((a) => knownHostsLine(a, port, n.hostKey.publicBlob)),
  }));

  return {
    port,
    clientPrivateKey: client.privateKey,
    clientPublicKey: client.publicKey,
    encryptedClientPrivateKey: client.encryptedPrivateKey,
    clientKeyPassphrase: passphrase,
    nodes: infos,
    refresh,
    runAs(name, line, as) {
      const node = byName.get(name);
      if (!node) return Promise.resolve({ stdout: '', stderr: `no node ${name}\n`, code: 127 });
      return execute(node, line, as);
    },
    isUp: (name) => hooks.isUp(name),
    async stop() {
      stopped = true;
      clearInterval(poll);
      for (const t of timers) clearTimeout(t);
      timers.clear();
      await Promise.all(nodes.map((n) => n.chain));
      const closing: Promise<void>[] = [];
      for (const n of nodes) {
        for (const s of n.listeners) closing.push(new Promise((resolve) => s.close(() => resolve())));
        n.listeners = [];
        n.listening = false;
        for (const s of n.sockets) s.destroy();
      }
      await Promise.all(closing);
    },
  };
}
