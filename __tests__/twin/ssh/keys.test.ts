// The host key and login checks the twin's SSH servers use instead of ssh2's PEM-per-call ones must
// sign and verify exactly as ssh2's own parsed keys do.
import ssh2 from 'ssh2';
import { describe, expect, it } from 'vitest';
import { generateClientKeys, generateEd25519, hostKeyForServer, signatureVerifier } from './keys.ts';

describe('twin SSH keys', () => {
  it('signs with the host key as ssh2 does (Ed25519: the same bytes)', () => {
    const host = generateEd25519('root@node');
    const data = Buffer.from('exchange hash');
    const ours = hostKeyForServer(host.privateKey).sign(data);
    const theirs = (ssh2.utils.parseKey(host.privateKey) as ssh2.ParsedKey).sign(data);
    expect(Buffer.isBuffer(ours) && ours.equals(theirs as Buffer)).toBe(true);
  });

  it('accepts only a valid signature by the client key', () => {
    const client = generateClientKeys('secret');
    const priv = ssh2.utils.parseKey(client.privateKey) as ssh2.ParsedKey;
    const check = signatureVerifier(ssh2.utils.parseKey(client.publicKey) as ssh2.ParsedKey);
    const blob = Buffer.from('userauth request');
    const sig = priv.sign(blob);
    expect(check(blob, sig)).toBe(true);
    expect(check(Buffer.from('another request'), sig)).toBe(false);
    const other = ssh2.utils.parseKey(generateClientKeys('x').privateKey) as ssh2.ParsedKey;
    expect(check(blob, other.sign(blob))).toBe(false);
    expect(check(blob, Buffer.from('short'))).toBe(false);
  });
});
