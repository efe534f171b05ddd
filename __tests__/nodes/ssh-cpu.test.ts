// The per-connection CPU savings keep their meaning: the indexed known_hosts lookup gives the same
// verdicts as the walk for every kind of entry (exact, wildcard, negated, hashed, revoked, several
// keys for one host), and a key that signs with a KeyObject signs what ssh2 verifies.
import { createHmac, randomBytes } from 'node:crypto';
import ssh2 from 'ssh2';
import { describe, expect, it } from 'vitest';
import { hostKeyMatches, keyTypesFor, parseKnownHosts } from '../../src/nodes/known-hosts.ts';
import { signWithKeyObject } from '../../src/nodes/signing-key.ts';

function publicKey(type: 'ed25519' | 'ecdsa' = 'ed25519') {
  const pair =
    type === 'ed25519'
      ? ssh2.utils.generateKeyPairSync('ed25519')
      : ssh2.utils.generateKeyPairSync('ecdsa', { bits: 256 });
  const [keyType, b64] = pair.public.split(' ');
  return { line: `${keyType} ${b64}`, blob: Buffer.from(b64, 'base64'), type: keyType };
}

function hashed(name: string): string {
  const salt = randomBytes(20);
  return `|1|${salt.toString('base64')}|${createHmac('sha1', salt).update(name).digest('base64')}`;
}

describe('indexed known_hosts lookup', () => {
  const [a, b, c, e] = [publicKey(), publicKey(), publicKey(), publicKey('ecdsa')];
  const text = [
    `[10.0.0.1]:2222,worker-1 ${a.line}`,
    `[10.0.0.2]:2222 ${b.line}`,
    `[10.0.0.2]:2222 ${e.line}`,
    `[10.0.0.3]:* ${c.line}`,
    `*,!worker-9 ${c.line}`,
    `${hashed('[10.0.0.4]:2222')} ${a.line}`,
    `@revoked * ${b.line}`,
    ...Array.from({ length: 500 }, (_, i) => `[10.1.${i >> 8}.${i & 255}]:2222 ${a.line}`),
  ].join('\n');
  const known = parseKnownHosts(text);

  it('gives the verdict of every kind of entry', () => {
    expect(hostKeyMatches(known, '10.0.0.1', 2222, a.type, a.blob)).toBe('match');
    // Not listed on port 2222 by name, but "*" lists another ed25519 key (c) for every host.
    expect(hostKeyMatches(known, 'WORKER-1', 2222, a.type, a.blob)).toBe('mismatch');
    expect(hostKeyMatches(known, 'worker-1', 22, a.type, a.blob)).toBe('match');
    // b is revoked for every host, even the one that lists it.
    expect(hostKeyMatches(known, '10.0.0.2', 2222, b.type, b.blob)).toBe('mismatch');
    expect(hostKeyMatches(known, '10.0.0.2', 2222, e.type, e.blob)).toBe('match');
    expect(hostKeyMatches(known, '10.0.0.3', 2222, c.type, c.blob)).toBe('match');
    // "*" lists c for every host but worker-9: another ed25519 key is a mismatch there, c is unknown at worker-9.
    expect(hostKeyMatches(known, 'other', 22, a.type, a.blob)).toBe('mismatch');
    expect(hostKeyMatches(known, 'worker-9', 22, c.type, c.blob)).toBe('unknown');
    expect(hostKeyMatches(known, '10.0.0.4', 2222, a.type, a.blob)).toBe('match');
    expect(hostKeyMatches(known, '10.1.1.44', 2222, a.type, a.blob)).toBe('match');
    expect(keyTypesFor(known, '10.0.0.2', 2222).sort()).toEqual([e.type, 'ssh-ed25519'].sort());
    expect(keyTypesFor(known, 'worker-9', 22)).toEqual([]);
  });
});

describe('signWithKeyObject', () => {
  it('signs what the public key verifies, as the PEM did', () => {
    for (const type of ['ed25519', 'ecdsa'] as const) {
      const pair =
        type === 'ed25519'
          ? ssh2.utils.generateKeyPairSync('ed25519')
          : ssh2.utils.generateKeyPairSync('ecdsa', { bits: 256 });
      const key = ssh2.utils.parseKey(pair.private) as ssh2.ParsedKey;
      const pub = ssh2.utils.parseKey(pair.public) as ssh2.ParsedKey;
      signWithKeyObject(key);
      expect(typeof key.getPrivatePEM()).not.toBe('string');
      const data = randomBytes(64);
      expect(pub.verify(data, key.sign(data))).toBe(true);
    }
  });
});
