// ssh2 keeps a parsed private key as PEM text and hands that text to crypto.sign() for every
// signature, so each connection's user authentication parses the key again (~0.5 ms of CPU a node in
// a fan-out). A KeyObject made once signs the same bytes without the re-parse: crypto.sign() takes
// either. ssh2 stores the PEM under a module-private symbol; it is found by its description, and when
// it is not there (another ssh2 version) the key is left as it is — only slower.
import { createPrivateKey, type KeyObject } from 'node:crypto';
import type { ParsedKey } from 'ssh2';

const PEM_SYMBOL_DESCRIPTION = 'Private key PEM';

export function signWithKeyObject(key: ParsedKey): void {
  const sym = Object.getOwnPropertySymbols(key).find((s) => s.description === PEM_SYMBOL_DESCRIPTION);
  if (!sym) return;
  const holder = key as unknown as Record<symbol, string | KeyObject | null>;
  const pem = holder[sym];
  if (typeof pem !== 'string') return;
  try {
    holder[sym] = createPrivateKey(pem);
  } catch {
    // Left as PEM text: ssh2 signs with it as before.
  }
}
