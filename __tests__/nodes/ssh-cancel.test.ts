// The cancel gate of NodeShell: a command is never written to a node after the signal. ssh2 writes the
// exec request the moment the session channel opens, so a cancel that arrives while the channel is
// opening must close the connection. A small ssh2 server of the test's own holds the channel open
// request until the test says so, and records every exec request it gets.
import net from 'node:net';
import ssh2 from 'ssh2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NodeShell } from '../../src/nodes/ssh.ts';
import { isAbortError } from '../../src/util/abort.ts';
import { MemoryLogger } from '../../src/util/log.ts';

const clientKey = ssh2.utils.generateKeyPairSync('ed25519');
const hostKey = ssh2.utils.generateKeyPairSync('ed25519');
const execs: string[] = [];
let onSessionRequest: (accept: () => void) => void = (accept) => accept();
let server: ssh2.Server;
let port: number;

beforeAll(async () => {
  const pub = ssh2.utils.parseKey(clientKey.public);
  if (pub instanceof Error) throw pub;
  server = new ssh2.Server({ hostKeys: [hostKey.private] }, (conn) => {
    conn.on('error', () => {});
    conn.on('authentication', (auth) => {
      if (auth.method === 'publickey' && auth.key.data.equals(pub.getPublicSSH())) return auth.accept();
      auth.reject(['publickey']);
    });
    conn.on('ready', () => {
      conn.on('session', (accept) => {
        onSessionRequest(() => {
          accept().on('exec', (acc, _rej, info) => {
            execs.push(info.command);
            const stream = acc();
            stream.exit(0);
            stream.end();
          });
        });
      });
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  port = (server.address() as net.AddressInfo).port;
});
afterAll(async () => {
  await new Promise<void>((r) => server.close(() => r()));
});

const node = { name: 'master-0', addresses: ['127.0.0.1'] };

function shell(): NodeShell {
  return new NodeShell(
    { user: 'core', port, privateKey: clientKey.private, connectTimeoutMs: 5_000 },
    new MemoryLogger(),
  );
}

describe('NodeShell and a cancel', () => {
  it('runs the command when nothing is cancelled (the server works)', async () => {
    execs.length = 0;
    const s = shell();
    try {
      const r = await s.exec(node, 'sudo shutdown -r -t 3', { signal: new AbortController().signal });
      expect(r.code).toBe(0);
      expect(execs).toEqual(['sudo shutdown -r -t 3']);
    } finally {
      await s.close();
    }
  });

  it('closes the connection when the signal aborts while the channel opens: the command is never written', async () => {
    execs.length = 0;
    const cancel = new AbortController();
    let openChannel: (() => void) | undefined;
    const sessionAsked = new Promise<void>((resolve) => {
      onSessionRequest = (accept) => {
        openChannel = accept;
        resolve();
      };
    });
    const s = shell();
    try {
      const run = s.exec(node, 'sudo shutdown -r -t 3', { expectDisconnect: true, signal: cancel.signal });
      await sessionAsked;
      cancel.abort(new Error('cancelled (SIGINT)'));
      // Only now does the server open the channel; an exec request could follow it.
      openChannel!();
      const err = await run.catch((e: unknown) => e);
      expect(isAbortError(err)).toBe(true);
      expect((err as Error).message).toMatch(
        /^cancelled before master-0 \(127\.0\.0\.1:\d+\) confirmed the command/,
      );
      await new Promise((r) => setTimeout(r, 200));
      expect(execs).toEqual([]);
    } finally {
      onSessionRequest = (accept) => accept();
      await s.close();
    }
  });

  it('does not connect at all when the signal already aborted', async () => {
    let connections = 0;
    const count = () => connections++;
    server.on('connection', count);
    const cancel = new AbortController();
    cancel.abort();
    const s = shell();
    try {
      const err = await s.exec(node, 'true', { signal: cancel.signal }).catch((e: unknown) => e);
      expect(isAbortError(err)).toBe(true);
      expect(connections).toBe(0);
    } finally {
      server.off('connection', count);
      await s.close();
    }
  });
});
