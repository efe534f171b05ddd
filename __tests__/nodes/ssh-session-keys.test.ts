// The session keys ssh2 uses per packet are handed to it as KeyObjects after each key exchange
// (src/nodes/ssh-session-keys.ts): for every cipher the action may negotiate, the keys of both
// directions are replaced, and a command's output of many packets arrives intact both ways (a wrong key
// or IV would fail ssh2's MAC/tag check and drop the connection). If ssh2's internals change so that
// nothing is replaced, the first test fails and says so.
import { createHash, KeyObject, randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import ssh2 from 'ssh2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sessionKeysAsKeyObjects, useKeyObjectsForSessionKeys } from '../../src/nodes/ssh-session-keys.ts';

const hostKey = ssh2.utils.generateKeyPairSync('ed25519');
const clientKey = ssh2.utils.generateKeyPairSync('ed25519');
const PAYLOAD = randomBytes(256 * 1024);
let server: ssh2.Server;
let port: number;

beforeAll(async () => {
  server = new ssh2.Server({ hostKeys: [hostKey.private] }, (conn) => {
    conn.on('authentication', (ctx) =>
      ctx.method === 'publickey' ? ctx.accept() : ctx.reject(['publickey']),
    );
    conn.on('session', (accept) => {
      accept().on('exec', (acceptExec, _reject, info) => {
        const stream = acceptExec();
        // "sha256": hash what the client sends, answer with the hash and the payload back.
        if (info.command === 'sha256') {
          const h = createHash('sha256');
          stream.on('data', (d: Buffer) => h.update(d));
          stream.on('end', () => {
            stream.write(h.digest('hex'));
            stream.write(PAYLOAD);
            stream.exit(0);
            stream.end();
          });
        }
      });
    });
    conn.on('error', () => {});
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

function connect(cipher: ssh2.CipherAlgorithm): Promise<ssh2.Client> {
  return new Promise((resolve, reject) => {
    const client = new ssh2.Client();
    useKeyObjectsForSessionKeys(client);
    client.on('ready', () => resolve(client)).on('error', reject);
    client.connect({
      host: '127.0.0.1',
      port,
      username: 'core',
      privateKey: clientKey.private,
      algorithms: { cipher: [cipher] },
      hostVerifier: () => true,
    });
  });
}

function keyFields(client: ssh2.Client): unknown[] {
  const p = (client as unknown as { _protocol: Record<string, Record<string, unknown>> })._protocol;
  return [p._cipher, p._decipher].flatMap((c) => ['_encKey', '_decipherKey', '_macKey'].map((f) => c[f]));
}

describe.each(['aes128-gcm@openssh.com', 'aes256-gcm@openssh.com', 'aes128-ctr', 'aes256-ctr'] as const)(
  '%s',
  (cipher) => {
    it('hands ssh2 its session keys as KeyObjects, in both directions', async () => {
      const client = await connect(cipher);
      try {
        const keys = keyFields(client).filter((k) => k !== undefined);
        // GCM: one key each way; CTR + ETM MAC: the MAC key each way (the cipher keeps its instance).
        expect(keys.length).toBeGreaterThanOrEqual(2);
        expect(keys.every((k) => k instanceof KeyObject)).toBe(true);
        // Nothing left to replace: a second call finds no Buffer key.
        expect(sessionKeysAsKeyObjects(client)).toBe(0);
      } finally {
        client.end();
      }
    });

    it('carries many packets intact both ways with them', async () => {
      const client = await connect(cipher);
      try {
        const sent = randomBytes(200 * 1024);
        const out = await new Promise<{ code: number; data: Buffer }>((resolve, reject) => {
          client.exec('sha256', (err, stream) => {
            if (err) return reject(err);
            const chunks: Buffer[] = [];
            let code = -1;
            stream.on('data', (d: Buffer) => chunks.push(d));
            stream.on('exit', (c: number) => (code = c));
            stream.on('close', () => resolve({ code, data: Buffer.concat(chunks) }));
            stream.end(sent);
          });
        });
        expect(out.code).toBe(0);
        expect(out.data.subarray(0, 64).toString()).toBe(createHash('sha256').update(sent).digest('hex'));
        expect(out.data.subarray(64).equals(PAYLOAD)).toBe(true);
      } finally {
        client.end();
      }
    });
  },
);
