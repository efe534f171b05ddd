// ssh2's curve25519 key exchange is patched (patches/ssh2+1.17.0.patch, applied by patch-package on
// npm install): it exported its x25519 public key as SPKI DER twice per exchange and imported the
// peer's key from hand-built DER; on Node 24 those cost ~30 µs more each than JWK. These tests show
// that the patch is in place (no SPKI export during a key exchange: fails on an unpatched ssh2) and
// that the patched exchange agrees with an implementation no one here wrote: OpenSSH's ssh, made to
// use curve25519-sha256, runs a command on an ssh2 server that uses the patched code.
import { execFile } from 'node:child_process';
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ssh2 from 'ssh2';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { tool } from '../helpers/tools.ts';
import { generateEd25519, knownHostsLine } from '../twin/ssh/keys.ts';

const hostKey = generateEd25519('host');
const clientKey = generateEd25519('client');
const KEX = ['curve25519-sha256', 'curve25519-sha256@libssh.org'] as const;
let server: ssh2.Server;
let port: number;

beforeAll(async () => {
  const allowed = ssh2.utils.parseKey(clientKey.publicKey);
  if (allowed instanceof Error) throw allowed;
  server = new ssh2.Server({ hostKeys: [hostKey.privateKey], algorithms: { kex: [...KEX] } }, (conn) => {
    conn.on('authentication', (ctx) =>
      ctx.method === 'publickey' && ctx.key.data.equals(allowed.getPublicSSH())
        ? ctx.accept()
        : ctx.reject(['publickey']),
    );
    conn.on('session', (accept) =>
      accept().on('exec', (acceptExec, _reject, info) => {
        const stream = acceptExec();
        stream.write(`ran: ${info.command}\n`);
        stream.exit(0);
        stream.end();
      }),
    );
    conn.on('error', () => {});
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

function runWithSsh2(kex: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const client = new ssh2.Client();
    client.on('error', reject).on('ready', () =>
      client.exec('uptime', (err, stream) => {
        if (err) return reject(err);
        let out = '';
        stream.on('data', (d: Buffer) => (out += d.toString()));
        stream.on('close', () => {
          client.end();
          resolve(out);
        });
      }),
    );
    client.connect({
      host: '127.0.0.1',
      port,
      username: 'core',
      privateKey: clientKey.privateKey,
      algorithms: { kex: [kex as ssh2.KexAlgorithm] },
      hostVerifier: () => true,
    });
  });
}

describe('the patched curve25519 key exchange', () => {
  it.each(KEX)('%s exports no SPKI DER and a single JWK public key per side', async (kex) => {
    const proto = Object.getPrototypeOf(generateKeyPairSync('x25519').publicKey) as KeyObject;
    const spy = vi.spyOn(proto, 'export');
    try {
      expect(await runWithSsh2(kex)).toBe('ran: uptime\n');
      const formats = spy.mock.calls
        .map(([o]) => o as { type?: string; format?: string } | undefined)
        .map((o) => `${o?.type ?? ''}/${o?.format ?? ''}`);
      expect(formats.filter((f) => f === 'spki/der')).toEqual([]);
      // One exchange on each side (client and server both run in this process).
      expect(formats.filter((f) => f === '/jwk')).toHaveLength(2);
    } finally {
      spy.mockRestore();
    }
  });

  it.each(KEX)("agrees with OpenSSH's ssh on %s", async (kex) => {
    const dir = mkdtempSync(join(tmpdir(), 'kex-'));
    try {
      writeFileSync(join(dir, 'id'), clientKey.privateKey, { mode: 0o600 });
      writeFileSync(join(dir, 'known_hosts'), knownHostsLine('127.0.0.1', port, hostKey.publicBlob) + '\n');
      const args = [
        ['-F', '/dev/null', '-i', join(dir, 'id'), '-p', String(port)],
        ['-o', 'IdentitiesOnly=yes', '-o', `UserKnownHostsFile=${join(dir, 'known_hosts')}`],
        ['-o', 'GlobalKnownHostsFile=/dev/null', '-o', 'StrictHostKeyChecking=yes', '-o', 'BatchMode=yes'],
        ['-o', `KexAlgorithms=${kex}`, 'core@127.0.0.1', 'hostname'],
      ].flat();
      const out = await new Promise<string>((resolve, reject) =>
        execFile(tool('ssh'), args, { timeout: 20_000 }, (err, stdout, stderr) =>
          err ? reject(new Error(`ssh failed: ${stderr}`)) : resolve(stdout),
        ),
      );
      expect(out).toBe('ran: hostname\n');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
