// NodeShell against the twin's SSH nodes (and, for the bastion and a node that drops the channel, a
// small ssh2 server of the test's own): commands, host key policy, address fallback, encrypted keys,
// and the failures an administrator has to act on.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ssh2 from 'ssh2';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { fingerprintOf } from '../../src/nodes/known-hosts.ts';
import {
  HostKeyMismatchError,
  NodeShell,
  orderAddresses,
  SshError,
  type SshSettings,
} from '../../src/nodes/ssh.ts';
import { MemoryLogger } from '../../src/util/log.ts';
import { startSshNodes, type SshNodes } from '../twin/ssh/nodes.ts';
import { FakeHooks, makeContext } from '../twin/ssh/test-support.ts';

const MASTER = '127.0.91.2';
const WORKER = '127.0.91.3';
const WORKER_2ND = '127.0.91.4';
const NOWHERE = '127.0.91.250'; // nothing listens here: connections are refused

const ctx = makeContext({
  nodes: [
    { name: 'master-0', pool: 'master', addresses: [MASTER] },
    { name: 'worker-0', pool: 'worker', addresses: [WORKER, WORKER_2ND] },
  ],
});
const hooks = new FakeHooks();
let ssh: SshNodes;
const shells: NodeShell[] = [];

beforeAll(async () => {
  ssh = await startSshNodes(ctx, hooks);
});
afterAll(async () => {
  await ssh.stop();
});
afterEach(async () => {
  ctx.faults.clear();
  await ssh.refresh();
  await Promise.all(shells.splice(0).map((s) => s.close()));
});

function shell(over: Partial<SshSettings> = {}, log = new MemoryLogger()): NodeShell {
  const s = new NodeShell(
    { user: 'core', port: ssh.port, privateKey: ssh.clientPrivateKey, connectTimeoutMs: 5_000, ...over },
    log,
  );
  shells.push(s);
  return s;
}

const master = { name: 'master-0', addresses: [MASTER] };
const worker = { name: 'worker-0', addresses: [WORKER, WORKER_2ND] };
const info = (name: string) => ssh.nodes.find((n) => n.name === name)!;

describe('exec', () => {
  it('runs a command and records the host key fingerprint', async () => {
    const s = shell();
    const r = await s.exec(master, 'hostname');
    expect(r).toEqual({ code: 0, stdout: 'master-0\n', stderr: '', address: MASTER });
    expect(s.fingerprints.get('master-0')).toBe(info('master-0').hostKeyFingerprint);
  });

  it('returns a failing exit status instead of throwing', async () => {
    const r = await shell().exec(master, 'false');
    expect(r.code).toBe(1);
  });

  it('falls back to the next address when the first refuses, IPv4 before IPv6', async () => {
    const log = new MemoryLogger();
    const r = await shell({}, log).exec({ name: 'worker-0', addresses: [NOWHERE, WORKER] }, 'hostname');
    expect(r.address).toBe(WORKER);
    expect(r.stdout).toBe('worker-0\n');
    expect(orderAddresses(['fd00::5', '10.0.0.5', '::1', '10.0.0.6'])).toEqual([
      '10.0.0.5',
      '10.0.0.6',
      'fd00::5',
      '::1',
    ]);
  });

  it('says which addresses it tried when none answers', async () => {
    const err = await shell()
      .exec({ name: 'worker-9', addresses: [NOWHERE, '127.0.91.251'] }, 'true')
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SshError);
    expect(err).toMatchObject({ kind: 'connect', node: 'worker-9' });
    expect((err as Error).message).toBe(
      `cannot connect to worker-9 as core: ${NOWHERE}:${ssh.port} (ECONNREFUSED), 127.0.91.251:${ssh.port} (ECONNREFUSED) — check that the runner can reach the node's InternalIP on port ${ssh.port}`,
    );
  });

  it('uses an encrypted key with its passphrase, and rejects a wrong passphrase up front', async () => {
    const s = shell({ privateKey: ssh.encryptedClientPrivateKey, passphrase: ssh.clientKeyPassphrase });
    expect((await s.exec(master, 'whoami')).stdout).toBe('core\n');
    let message = '';
    try {
      shell({ privateKey: ssh.encryptedClientPrivateKey, passphrase: 'wrong' });
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toMatch(
      /^ssh-private-key could not be read \(.+\) — check ssh-private-key and ssh-key-passphrase$/,
    );
    expect(message).not.toContain('wrong');
    expect(message).not.toContain('PRIVATE KEY');
  });

  it('retries once when the connection is reset on the first try', async () => {
    ctx.faults.add({ kind: 'ssh-reset', node: 'master-0', count: 1 });
    const log = new MemoryLogger();
    const r = await shell({}, log).exec(master, 'hostname');
    expect(r.stdout).toBe('master-0\n');
    expect(ctx.faults.fired.get('ssh-reset')).toBeGreaterThanOrEqual(1);
    expect(log.messages('warn')).toEqual([
      `ssh master-0 (${MASTER}:${ssh.port}): connection reset, trying once more`,
    ]);
  });
});

describe('failures', () => {
  it('says the key was refused, naming user, node and address', async () => {
    ctx.faults.add({ kind: 'ssh-auth-refused', node: 'master-0' });
    const err = await shell()
      .exec(master, 'true')
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ kind: 'auth', node: 'master-0' });
    expect((err as Error).message).toBe(
      `the key was refused for user core on master-0 (${MASTER}:${ssh.port}): check ssh-private-key/ssh-user`,
    );
  });

  it('gives up on a node that accepts TCP but never speaks SSH after connectTimeoutMs', async () => {
    ctx.faults.add({ kind: 'ssh-hang', node: 'master-0' });
    const err = await shell({ connectTimeoutMs: 300 })
      .exec(master, 'true')
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ kind: 'timeout', node: 'master-0' });
    expect((err as Error).message).toContain('no SSH handshake within 0.3s');
  });

  it('reports sudo asking for a password', async () => {
    ctx.faults.add({ kind: 'sudo-password', node: 'master-0' });
    const err = await shell()
      .exec(master, 'sudo shutdown -r -t 3')
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ kind: 'sudo', node: 'master-0' });
    expect((err as Error).message).toMatch(/^sudo asked for a password for user core on master-0/);
  });
});

describe('host keys', () => {
  const known = () => ssh.nodes.flatMap((n) => n.knownHostsLines).join('\n');

  it('accepts nodes listed in ssh-known-hosts, by address or by node name', async () => {
    const s = shell({ knownHosts: known() });
    expect((await s.exec(worker, 'hostname')).stdout).toBe('worker-0\n');
    const byName = info('master-0').knownHostsLines[0].replace(MASTER, 'master-0');
    const s2 = shell({ knownHosts: byName });
    expect((await s2.exec(master, 'hostname')).stdout).toBe('master-0\n');
  });

  it('stops on a key that differs from the listed one', async () => {
    const other = ssh2.utils.generateKeyPairSync('ed25519').public.split(' ')[1];
    const lines = `[${MASTER}]:${ssh.port} ssh-ed25519 ${other}`;
    const err = await shell({ knownHosts: lines })
      .exec(master, 'true')
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HostKeyMismatchError);
    const fp = info('master-0').hostKeyFingerprint;
    expect(err).toMatchObject({ node: 'master-0', address: MASTER, fingerprint: fp });
    expect((err as Error).message).toBe(
      `host key mismatch for master-0 (${MASTER}:${ssh.port}): it presented ssh-ed25519 ${fp}, which ssh-known-hosts does not list for it — if the node was reinstalled, update ssh-known-hosts with its new key; otherwise the connection may be intercepted. Stopping.`,
    );
  });

  it('stops on a node that ssh-known-hosts does not list', async () => {
    const err = await shell({ knownHosts: info('master-0').knownHostsLines.join('\n') })
      .exec(worker, 'true')
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HostKeyMismatchError);
    expect((err as Error).message).toMatch(
      new RegExp(
        `^worker-0 \\(${WORKER.replace(/\./g, '\\.')}:${ssh.port}\\) is not listed in ssh-known-hosts`,
      ),
    );
  });

  it('accepts a hashed known_hosts entry (ssh-keygen -H)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kh-'));
    try {
      const file = join(dir, 'known_hosts');
      writeFileSync(file, info('master-0').knownHostsLines.join('\n') + '\n');
      execFileSync('ssh-keygen', ['-H', '-f', file], { stdio: 'ignore' });
      const hashed = readFileSync(file, 'utf8');
      expect(hashed.startsWith('|1|')).toBe(true);
      const s = shell({ knownHosts: hashed });
      expect((await s.exec(master, 'hostname')).stdout).toBe('master-0\n');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

/** An ssh2 server of the test's own: the bastion (direct-tcpip forwarding), or a node that drops sessions. */
async function startLocalServer(opts: {
  onExec?: (command: string, stream: ssh2.ServerChannel) => void;
  forwarding?: boolean;
}) {
  const hostKey = ssh2.utils.generateKeyPairSync('ed25519');
  const clientKey = ssh2.utils.parseKey(ssh.clientPublicKey);
  if (clientKey instanceof Error) throw clientKey;
  const forwards: string[] = [];
  const server = new ssh2.Server({ hostKeys: [hostKey.private] }, (conn) => {
    conn.on('error', () => {});
    conn.on('authentication', (auth) => {
      if (auth.method === 'publickey' && auth.key.data.equals(clientKey.getPublicSSH())) return auth.accept();
      auth.reject(['publickey']);
    });
    conn.on('ready', () => {
      conn.on('tcpip', (accept, reject, info) => {
        if (!opts.forwarding) return reject();
        forwards.push(`${info.destIP}:${info.destPort}`);
        const sock = net.connect(info.destPort, info.destIP);
        sock.setNoDelay(true);
        sock.once('error', () => reject());
        sock.once('connect', () => {
          const ch = accept();
          sock.pipe(ch).pipe(sock);
          ch.on('close', () => sock.destroy());
          sock.on('close', () => ch.close());
        });
      });
      conn.on('session', (accept) => {
        accept().on('exec', (acc, _rej, info) => opts.onExec?.(info.command, acc()));
      });
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as net.AddressInfo).port;
  const blob = Buffer.from(hostKey.public.split(' ')[1], 'base64');
  return {
    port,
    forwards,
    fingerprint: fingerprintOf(blob),
    knownHostsLine: `[127.0.0.1]:${port} ${hostKey.public.split(' ').slice(0, 2).join(' ')}`,
    stop: () => new Promise<void>((r) => server.close(() => r())),
  };
}

describe('bastion', () => {
  it('reaches every node through one bastion connection, checking both host keys', async () => {
    const bastion = await startLocalServer({ forwarding: true });
    try {
      const known = [bastion.knownHostsLine, ...ssh.nodes.flatMap((n) => n.knownHostsLines)].join('\n');
      const s = shell({ bastion: { host: '127.0.0.1', port: bastion.port }, knownHosts: known });
      expect((await s.exec(master, 'hostname')).stdout).toBe('master-0\n');
      const r = await s.exec({ name: 'worker-0', addresses: [NOWHERE, WORKER] }, 'hostname');
      expect(r).toMatchObject({ stdout: 'worker-0\n', address: WORKER });
      expect(bastion.forwards).toEqual([
        `${MASTER}:${ssh.port}`,
        `${NOWHERE}:${ssh.port}`,
        `${WORKER}:${ssh.port}`,
      ]);
      expect(s.bastionFingerprint).toBe(bastion.fingerprint);
      expect(s.fingerprints.get('worker-0')).toBe(info('worker-0').hostKeyFingerprint);
    } finally {
      await Promise.all(shells.splice(0).map((x) => x.close()));
      await bastion.stop();
    }
  });

  it('stops when the bastion is not in ssh-known-hosts', async () => {
    const bastion = await startLocalServer({ forwarding: true });
    try {
      const s = shell({
        bastion: { host: '127.0.0.1', port: bastion.port },
        knownHosts: ssh.nodes.flatMap((n) => n.knownHostsLines).join('\n'),
      });
      const err = await s.exec(master, 'true').catch((e: unknown) => e);
      expect(err).toBeInstanceOf(HostKeyMismatchError);
      expect(err).toMatchObject({ node: 'bastion', fingerprint: bastion.fingerprint });
      expect(bastion.forwards).toEqual([]);
    } finally {
      await Promise.all(shells.splice(0).map((x) => x.close()));
      await bastion.stop();
    }
  });
});

describe('commands that take the host down', () => {
  it('counts a channel closed without exit status as sent when a disconnect is expected', async () => {
    const node = await startLocalServer({
      onExec: (_command, stream) => {
        // The host goes down: the channel closes without an exit status.
        setTimeout(() => stream.close(), 20);
      },
    });
    try {
      const s = shell({ port: node.port });
      const target = { name: 'box', addresses: ['127.0.0.1'] };
      const r = await s.exec(target, 'sudo shutdown -r -t 3', { expectDisconnect: true });
      expect(r.code).toBeNull();
      const plain = await s.exec(target, 'echo');
      expect(plain.code).toBeNull();
    } finally {
      await Promise.all(shells.splice(0).map((x) => x.close()));
      await node.stop();
    }
  });

  it('never sends the command when the signal is already aborted', async () => {
    const ctl = new AbortController();
    ctl.abort();
    const before = ctx.timeline.counters.get('ssh exec') ?? 0;
    await expect(shell().exec(master, 'sudo shutdown -r -t 3', { signal: ctl.signal })).rejects.toMatchObject(
      {
        name: 'AbortError',
      },
    );
    expect(ctx.timeline.counters.get('ssh exec') ?? 0).toBe(before);
  });
});
