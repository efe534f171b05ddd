// ssh2 without its native binding (not built: package.json's allowScripts denies it) encrypts in JS:
// for AES-GCM it creates a new Cipheriv for every packet in each direction, for AES-CTR with an ETM
// MAC a new Hmac for every packet, each from a session key it holds as a Buffer. On Node 24 a Buffer
// key costs about 20 µs more per call than a KeyObject of the same bytes (crypto's key checks:
// createHmac 23.5 µs with a Buffer, 3.8 µs with a KeyObject on Node 24.21; 3.6 µs either way on
// Node 20), and a connection that sends one command is ~24 packets: that was the largest part of the
// CPU the action spends per node. Once the keys are in place (ssh2's 'handshake' event, after NEWKEYS
// both ways), the same keys are handed to ssh2 as KeyObjects. The bytes, the algorithms and every
// check are unchanged; if ssh2's internals differ from what is expected here, nothing is touched and
// ssh2 works as before, only slower.
import { createSecretKey } from 'node:crypto';
import type ssh2 from 'ssh2';

// The fields ssh2's JS ciphers (lib/protocol/crypto.js: AESGCMCipherNative, AESGCMDecipherNative,
// GenericCipherNative, GenericDecipherNative) pass as the key argument of createCipheriv,
// createDecipheriv and createHmac on every packet.
const KEY_FIELDS = ['_encKey', '_decipherKey', '_macKey'] as const;

interface ProtocolInternals {
  _cipher?: Record<string, unknown>;
  _decipher?: Record<string, unknown>;
}

/** Replaces the per-packet session keys of the client's current ciphers by KeyObjects; returns how many. */
export function sessionKeysAsKeyObjects(client: ssh2.Client): number {
  const protocol = (client as unknown as { _protocol?: ProtocolInternals })._protocol;
  let replaced = 0;
  for (const cipher of [protocol?._cipher, protocol?._decipher]) {
    if (!cipher || typeof cipher !== 'object') continue;
    for (const field of KEY_FIELDS) {
      const key = cipher[field];
      if (!Buffer.isBuffer(key) || key.length === 0) continue;
      cipher[field] = createSecretKey(key);
      replaced++;
    }
  }
  return replaced;
}

/** After every key exchange (the first and any re-key) of this client. */
export function useKeyObjectsForSessionKeys(client: ssh2.Client): void {
  client.on('handshake', () => void sessionKeysAsKeyObjects(client));
}
