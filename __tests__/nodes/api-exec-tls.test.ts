// The exec streams' shared TLS (src/nodes/api-exec.ts ExecTls): one secure context, and the session
// of a verified handshake offered again, so later streams resume instead of verifying the chain anew.
// Resumption must not loosen anything: a connector built with another CA is refused on its first
// handshake and has no session to offer; a server presenting another certificate under the resumed
// address is refused as before.
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ExecTls } from '../../src/nodes/api-exec.ts';
import { makeServingCertificates, type ServingCertificates } from '../twin/api/tls.ts';

let certs: ServingCertificates;
let other: ServingCertificates;
let server: Server;
let port: number;

beforeAll(async () => {
  [certs, other] = await Promise.all([makeServingCertificates(), makeServingCertificates()]);
  server = createServer({ key: certs.keyPem, cert: certs.certPem }, (_req, res) => res.end('ok'));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as AddressInfo).port;
}, 30_000);
afterAll(() => new Promise<void>((r) => server.close(() => r())));

/** Connects, waits for the handshake and for the session ticket (TLS 1.3 sends it afterwards). */
function handshake(tls: ExecTls): Promise<{ reused: boolean; authorized: boolean }> {
  return new Promise((resolve, reject) => {
    const socket: TLSSocket = tls.connect({ host: '127.0.0.1', port, rejectUnauthorized: true });
    socket.on('error', reject);
    socket.on('secureConnect', () => {
      const result = { reused: socket.isSessionReused(), authorized: socket.authorized };
      // Let the ticket arrive, then close.
      socket.write('GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
      socket.on('data', () => {});
      socket.on('end', () => resolve(result));
    });
  });
}

it('resumes the verified session on later connections', async () => {
  const tls = new ExecTls({ ca: certs.caPem });
  const first = await handshake(tls);
  expect(first).toEqual({ reused: false, authorized: true });
  const second = await handshake(tls);
  expect(second).toEqual({ reused: true, authorized: true });
});

it('refuses a server its CA did not sign, with or without a session', async () => {
  const wrong = new ExecTls({ ca: other.caPem });
  await expect(handshake(wrong)).rejects.toThrow(/certificate|self.signed|verify/i);
  await expect(handshake(wrong)).rejects.toThrow(/certificate|self.signed|verify/i);
});

it('offers no session to another server, which is verified in full', async () => {
  const tls = new ExecTls({ ca: certs.caPem });
  await handshake(tls);
  // Another server on another port with a certificate of another CA: the session is of no use there
  // and the chain check refuses it.
  const impostor = createServer({ key: other.keyPem, cert: other.certPem });
  await new Promise<void>((r) => impostor.listen(0, '127.0.0.1', r));
  const impostorPort = (impostor.address() as AddressInfo).port;
  try {
    await expect(
      new Promise((resolve, reject) => {
        const s = tls.connect({ host: '127.0.0.1', port: impostorPort, rejectUnauthorized: true });
        s.on('error', reject);
        s.on('secureConnect', () => resolve(s.isSessionReused()));
      }),
    ).rejects.toThrow(/certificate|self.signed|verify/i);
  } finally {
    await new Promise<void>((r) => impostor.close(() => r()));
  }
});
