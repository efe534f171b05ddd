// Ed25519 keys in OpenSSH's own formats, for the twin's SSH nodes (host keys) and for the client key the
// tests and the action use. We encode keys ourselves instead of using ssh2's `generateKeyPairSync`
// output because ssh2 1.x strips a leading zero byte from ed25519 public keys (1 key in 256 comes out
// malformed and unparseable) — with 1,000 nodes a few host keys would break at random.
import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  randomBytes,
  sign,
  type KeyObject,
  verify,
} from 'node:crypto';
import ssh2 from 'ssh2';
import { sessionKeysAsKeyObjects } from '../../../src/nodes/ssh-session-keys.ts';

export interface Ed25519Key {
  /** OpenSSH private key (`-----BEGIN OPENSSH PRIVATE KEY-----`, unencrypted). */
  privateKey: string;
  /** `ssh-ed25519 AAAA... comment`, as in authorized_keys. */
  publicKey: string;
  /** The SSH wire blob of the public key (what fingerprints and known_hosts lines are made of). */
  publicBlob: Buffer;
}

const KEY_TYPE = 'ssh-ed25519';

function sshString(b: Buffer | string): Buffer {
  const data = typeof b === 'string' ? Buffer.from(b) : b;
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  return Buffer.concat([len, data]);
}

function uint32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
}

function rawParts(key: KeyObject): { seed: Buffer; pub: Buffer } {
  const jwk = key.export({ format: 'jwk' });
  if (jwk.crv !== 'Ed25519' || !jwk.d || !jwk.x) throw new Error('not an ed25519 private key');
  return { seed: Buffer.from(jwk.d, 'base64url'), pub: Buffer.from(jwk.x, 'base64url') };
}

/** Encodes a raw ed25519 key pair as an unencrypted OpenSSH private key (PROTOCOL.key). */
function encodeOpenSsh(seed: Buffer, pub: Buffer, comment: string): Ed25519Key {
  const publicBlob = Buffer.concat([sshString(KEY_TYPE), sshString(pub)]);
  const check = randomBytes(4);
  let priv = Buffer.concat([
    check,
    check,
    sshString(KEY_TYPE),
    sshString(pub),
    sshString(Buffer.concat([seed, pub])),
    sshString(comment),
  ]);
  const pad: number[] = [];
  for (let i = 1; (priv.length + pad.length) % 8 !== 0; i++) pad.push(i);
  priv = Buffer.concat([priv, Buffer.from(pad)]);
  const body = Buffer.concat([
    Buffer.from('openssh-key-v1\0'),
    sshString('none'),
    sshString('none'),
    sshString(''),
    uint32(1),
    sshString(publicBlob),
    sshString(priv),
  ]);
  const b64 = body.toString('base64').replace(/.{70}/g, '$&\n');
  const privateKey = `-----BEGIN OPENSSH PRIVATE KEY-----\n${b64.replace(/\n$/, '')}\n-----END OPENSSH PRIVATE KEY-----\n`;
  const publicKey = `${KEY_TYPE} ${publicBlob.toString('base64')}${comment ? ` ${comment}` : ''}`;
  return { privateKey, publicKey, publicBlob };
}

/** A fresh ed25519 key pair (about 0.05 ms: 1,000 node host keys cost tens of milliseconds). */
export function generateEd25519(comment = ''): Ed25519Key {
  const { privateKey } = generateKeyPairSync('ed25519');
  const { seed, pub } = rawParts(privateKey);
  return encodeOpenSsh(seed, pub, comment);
}

export interface ClientKeys extends Ed25519Key {
  /** The same key, encrypted with `passphrase` (OpenSSH format, aes256-ctr, bcrypt KDF). */
  encryptedPrivateKey: string;
  passphrase: string;
}

/**
 * The client key pair plus an encrypted copy of the *same* key. ssh2 can only encrypt a key it has
 * just generated, so we let it generate the encrypted one, decrypt it with ssh2's parser and re-encode
 * the plain copy ourselves. Keys ssh2 mangled (leading zero byte, see above) are drawn again.
 */
export function generateClientKeys(passphrase: string, comment = 'twin-client'): ClientKeys {
  for (;;) {
    const enc = ssh2.utils.generateKeyPairSync('ed25519', {
      passphrase,
      cipher: 'aes256-ctr',
      rounds: 16,
      comment,
    });
    const parsed = ssh2.utils.parseKey(enc.private, passphrase);
    if (parsed instanceof Error) continue;
    const pem = parsed.getPrivatePEM();
    const { seed, pub } = rawParts(createPrivateKey(pem));
    return { ...encodeOpenSsh(seed, pub, comment), encryptedPrivateKey: enc.private, passphrase };
  }
}

/** `SHA256:<base64 without padding>`, as `ssh-keygen -lf` and ssh's host key messages print it. */
export function fingerprint(publicBlob: Buffer): string {
  return `SHA256:${createHash('sha256').update(publicBlob).digest('base64').replace(/=+$/, '')}`;
}

/** A known_hosts line for one address (`[addr]:port` unless the port is 22, as OpenSSH writes it). */
export function knownHostsLine(address: string, port: number, publicBlob: Buffer): string {
  const host = port === 22 ? address : `[${address}]:${port}`;
  return `${host} ${KEY_TYPE} ${publicBlob.toString('base64')}`;
}

/**
 * The server side of src/nodes/ssh-session-keys.ts: ssh2's JS ciphers take a Buffer key on every
 * packet, which costs Node 24 ~20 µs more per packet than a KeyObject; 1,000 nodes' connections made
 * that a visible part of the twin's CPU. A server Connection keeps its protocol where a Client does
 * (`_protocol`), which is all the helper reads; bytes, algorithms and checks are unchanged.
 */
export function keepSessionKeysAsKeyObjects(conn: ssh2.Connection): void {
  conn.on('handshake', () => void sessionKeysAsKeyObjects(conn as unknown as ssh2.Client));
}

// ssh2's parsed keys sign and verify with their PEM text, which crypto parses again on every call
// (about 0.5 ms each for an Ed25519 key on Node 24: a node's host key signs every key exchange, the
// client key verifies every login). These do the same with a KeyObject made once. Ed25519 signatures
// are deterministic, so the bytes on the wire are the very same.

/**
 * An SSH server host key (OpenSSH private key text) whose signatures use a KeyObject; ssh2's Server
 * takes it as `hostKeys: [{ key }]` (a parsed key is used as it is).
 */
export function hostKeyForServer(privateKey: string): ssh2.ParsedKey {
  const parsed = ssh2.utils.parseKey(privateKey);
  if (parsed instanceof Error) throw parsed;
  const pem = parsed.getPrivatePEM();
  if (parsed.type !== KEY_TYPE || !pem) return parsed;
  const key = createPrivateKey(pem);
  // ssh2 calls `sign(data, algo)` on the host key during each key exchange (kex.js); Ed25519 takes
  // no hash algorithm; like ssh2's own, a failure is returned, not thrown.
  Object.assign(parsed, {
    sign: (data: Buffer): Buffer | Error => {
      try {
        return sign(null, data, key);
      } catch (err) {
        return err as Error;
      }
    },
  });
  return parsed;
}

/**
 * A check of a publickey login's signature by `publicKey` (an ssh2 parsed public key), as its own
 * `verify` would answer it: true only for a valid signature.
 */
export function signatureVerifier(
  publicKey: ssh2.ParsedKey,
): (blob: Buffer, signature: Buffer, hashAlgo?: string) => boolean {
  if (publicKey.type !== KEY_TYPE)
    return (blob, signature, hashAlgo) => publicKey.verify(blob, signature, hashAlgo) === true;
  const key = createPublicKey(publicKey.getPublicPEM());
  return (blob, signature) => {
    try {
      return verify(null, blob, key, signature);
    } catch {
      return false;
    }
  };
}
