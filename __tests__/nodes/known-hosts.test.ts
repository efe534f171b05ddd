// known_hosts parsing and matching, checked against OpenSSH's own ssh-keygen for hashing and
// fingerprints.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ssh2 from 'ssh2';
import { afterAll, describe, expect, it } from 'vitest';
import { fingerprintOf, hostKeyMatches, keyTypesFor, parseKnownHosts } from '../../src/nodes/known-hosts.ts';

function publicKey(type: 'ed25519' | 'ecdsa' = 'ed25519'): { line: string; blob: Buffer } {
  const pair =
    type === 'ed25519'
      ? ssh2.utils.generateKeyPairSync('ed25519')
      : ssh2.utils.generateKeyPairSync('ecdsa', { bits: 256 });
  const [keyType, b64] = pair.public.split(' ');
  return { line: `${keyType} ${b64}`, blob: Buffer.from(b64, 'base64') };
}

const a = publicKey();
const b = publicKey();
const e = publicKey('ecdsa');
const dir = mkdtempSync(join(tmpdir(), 'kh-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('parseKnownHosts', () => {
  it('reads host lists, ports, comments and blank lines', () => {
    const entries = parseKnownHosts(
      `# nodes\n\nworker-1,10.0.0.5 ${a.line} root@worker-1\n[10.0.0.6]:2222 ${b.line}\n`,
    );
    expect(entries).toHaveLength(2);
    expect(entries[0]).toMatchObject({ line: 3, patterns: ['worker-1', '10.0.0.5'], keyType: 'ssh-ed25519' });
    expect(entries[1].patterns).toEqual(['[10.0.0.6]:2222']);
  });

  it('refuses @cert-authority, bad base64 and a key whose type differs from the line', () => {
    expect(() => parseKnownHosts(`@cert-authority *.example ${a.line}`)).toThrow(
      "ssh-known-hosts line 1: @cert-authority entries are not supported — list each node's host key instead",
    );
    expect(() => parseKnownHosts(`host ssh-ed25519 !!!notbase64`)).toThrow('line 1: the key is not base64');
    expect(() => parseKnownHosts(`host ssh-rsa ${a.line.split(' ')[1]}`)).toThrow(
      'line 1: the key is a ssh-ed25519 key but the line says ssh-rsa',
    );
    expect(() => parseKnownHosts(`\nhost-only`)).toThrow('ssh-known-hosts line 2: expected');
  });
});

describe('hostKeyMatches', () => {
  const entries = parseKnownHosts(
    [
      `10.0.0.5,worker-1 ${a.line}`,
      `[10.0.0.6]:2222 ${b.line}`,
      `*.lab,!bad.lab ${a.line}`,
      `10.0.0.7 ${e.line}`,
    ].join('\n'),
  );

  it('matches the listed key for the host on port 22', () => {
    expect(hostKeyMatches(entries, '10.0.0.5', 22, 'ssh-ed25519', a.blob)).toBe('match');
    expect(hostKeyMatches(entries, 'WORKER-1', 22, 'ssh-ed25519', a.blob)).toBe('match');
  });

  it('is a mismatch when the host is listed with another key of the same type', () => {
    expect(hostKeyMatches(entries, '10.0.0.5', 22, 'ssh-ed25519', b.blob)).toBe('mismatch');
  });

  it('is unknown when the host is not listed, listed for another port, or only with another key type', () => {
    expect(hostKeyMatches(entries, '10.9.9.9', 22, 'ssh-ed25519', a.blob)).toBe('unknown');
    expect(hostKeyMatches(entries, '10.0.0.5', 2222, 'ssh-ed25519', a.blob)).toBe('unknown');
    expect(hostKeyMatches(entries, '10.0.0.6', 2222, 'ssh-ed25519', b.blob)).toBe('match');
    expect(hostKeyMatches(entries, '10.0.0.7', 22, 'ssh-ed25519', a.blob)).toBe('unknown');
    expect(keyTypesFor(entries, '10.0.0.7', 22)).toEqual(['ecdsa-sha2-nistp256']);
  });

  it('honours wildcards and negated patterns', () => {
    expect(hostKeyMatches(entries, 'node.lab', 22, 'ssh-ed25519', a.blob)).toBe('match');
    expect(hostKeyMatches(entries, 'bad.lab', 22, 'ssh-ed25519', a.blob)).toBe('unknown');
  });

  it('refuses a revoked key for any host', () => {
    const withRevoked = parseKnownHosts(`10.0.0.5 ${a.line}\n@revoked * ${a.line}`);
    expect(hostKeyMatches(withRevoked, '10.0.0.5', 22, 'ssh-ed25519', a.blob)).toBe('mismatch');
  });

  it('matches entries hashed by ssh-keygen -H, for port 22 and [host]:port', () => {
    const file = join(dir, 'known_hosts');
    writeFileSync(file, `10.0.0.5 ${a.line}\n[10.0.0.6]:2222 ${b.line}\n`);
    execFileSync('ssh-keygen', ['-H', '-f', file], { stdio: 'ignore' });
    const hashed = readFileSync(file, 'utf8');
    expect(hashed).not.toContain('10.0.0.5');
    const parsed = parseKnownHosts(hashed);
    expect(parsed.every((p) => p.hashed)).toBe(true);
    expect(hostKeyMatches(parsed, '10.0.0.5', 22, 'ssh-ed25519', a.blob)).toBe('match');
    expect(hostKeyMatches(parsed, '10.0.0.5', 22, 'ssh-ed25519', b.blob)).toBe('mismatch');
    expect(hostKeyMatches(parsed, '10.0.0.6', 2222, 'ssh-ed25519', b.blob)).toBe('match');
    expect(hostKeyMatches(parsed, '10.0.0.6', 22, 'ssh-ed25519', b.blob)).toBe('unknown');
  });
});

describe('fingerprintOf', () => {
  it('prints what ssh-keygen -l prints', () => {
    const file = join(dir, 'key.pub');
    writeFileSync(file, `${a.line}\n`);
    const out = execFileSync('ssh-keygen', ['-l', '-E', 'sha256', '-f', file], { encoding: 'utf8' });
    expect(out.split(' ')[1]).toBe(fingerprintOf(a.blob));
    expect(fingerprintOf(a.blob)).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/);
  });
});
