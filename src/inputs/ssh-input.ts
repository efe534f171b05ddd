// The SSH inputs: private key (and its passphrase), bastion address, known_hosts lines and ports.
// Checked here so that a bad key or a typo in a host fails in seconds, not after the cluster has been
// changed and the first node is due for a reboot.
import { readFileSync } from 'node:fs';
import { isIPv4, isIPv6 } from 'node:net';
import ssh2 from 'ssh2';
import { InputError } from './input-error.ts';

const PRIVATE_KEY_FORM =
  'the text of an OpenSSH or PEM private key file, from "-----BEGIN OPENSSH PRIVATE KEY-----" ' +
  '(or "-----BEGIN RSA/EC PRIVATE KEY-----") to the matching END line';
const PASSPHRASE_FORM = 'the passphrase that decrypts ssh-private-key (empty only for an unencrypted key)';
const BASTION_FORM =
  '[user@]host[:port], with an IPv6 address in brackets: core@bastion.example.com:2222, [fd00::1]:22';
const KNOWN_HOSTS_FORM =
  'known_hosts lines "host[,host...] key-type base64-key [comment]" as written by ssh-keyscan; ' +
  'blank lines and # comments are allowed; or the absolute path of a file holding them';

/** Secrets stored through a web form often gain CRLF line ends or lose the final newline; ssh2 wants neither. */
export function normalizePrivateKey(key: string): string {
  return key.replace(/\r\n?/g, '\n').trim() + '\n';
}

/**
 * The base64 body lines of a PEM or OpenSSH key. A multi-line secret is masked line by line in logs,
 * so each body line is registered as a secret of its own as well as the whole text.
 */
export function privateKeyBodyLines(key: string): string[] {
  return key
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l.length >= 8 && !l.startsWith('-----') && !/^[A-Za-z-]+:/.test(l));
}

/**
 * Checks that the key parses as a private key with the given passphrase. An encrypted key without a
 * passphrase, or with a wrong one, is the passphrase's fault and names `ssh-passphrase`.
 */
export function checkPrivateKey(key: string, passphrase: string | undefined): void {
  const parsed = ssh2.utils.parseKey(key, passphrase || undefined);
  if (parsed instanceof Error) {
    const msg = parsed.message;
    if (/no passphrase given/i.test(msg)) {
      throw new InputError('ssh-passphrase', 'is empty but ssh-private-key is encrypted', PASSPHRASE_FORM);
    }
    if (/passphrase/i.test(msg) && passphrase) {
      throw new InputError('ssh-passphrase', 'does not decrypt ssh-private-key', PASSPHRASE_FORM);
    }
    throw new InputError('ssh-private-key', 'is not a private key that can be read', PRIVATE_KEY_FORM);
  }
  const first = Array.isArray(parsed) ? parsed[0] : parsed;
  if (!first || !first.isPrivateKey()) {
    throw new InputError('ssh-private-key', 'is a public key, not a private key', PRIVATE_KEY_FORM);
  }
}

/** Parses a port number in 1–65535. */
export function parsePort(input: string, text: string): number {
  if (!/^\d+$/.test(text) || Number(text) < 1 || Number(text) > 65535) {
    throw new InputError(input, `"${text}" is not a TCP port`, 'an integer from 1 to 65535');
  }
  return Number(text);
}

function checkHost(host: string): void {
  if (host.includes(':')) {
    if (!isIPv6(host)) throw new InputError('ssh-bastion', `"${host}" is not an IPv6 address`, BASTION_FORM);
    return;
  }
  const hostname =
    /^(?=.{1,253}$)([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.?$/;
  if (!isIPv4(host) && !hostname.test(host)) {
    throw new InputError('ssh-bastion', `"${host}" is not a host name or IP address`, BASTION_FORM);
  }
}

/** Parses `[user@]host[:port]`; the port defaults to 22 and the user to ssh-user (left undefined here). */
export function parseBastion(text: string): { user?: string; host: string; port: number } {
  let rest = text.trim();
  let user: string | undefined;
  const at = rest.lastIndexOf('@');
  if (at >= 0) {
    user = rest.slice(0, at);
    rest = rest.slice(at + 1);
    if (user === '' || /[\s@:]/.test(user)) {
      throw new InputError(
        'ssh-bastion',
        `the user part "${user}" is empty or contains a space, @ or :`,
        BASTION_FORM,
      );
    }
  }
  let host: string;
  let portText: string | undefined;
  if (rest.startsWith('[')) {
    const close = rest.indexOf(']');
    if (close < 0)
      throw new InputError('ssh-bastion', `"${text}" opens "[" without closing it`, BASTION_FORM);
    host = rest.slice(1, close);
    if (!isIPv6(host))
      throw new InputError('ssh-bastion', `"${host}" in brackets is not an IPv6 address`, BASTION_FORM);
    const after = rest.slice(close + 1);
    if (after !== '' && !after.startsWith(':')) {
      throw new InputError(
        'ssh-bastion',
        `"${text}" has "${after}" after the bracketed address`,
        BASTION_FORM,
      );
    }
    portText = after === '' ? undefined : after.slice(1);
  } else {
    const colons = rest.split(':').length - 1;
    if (colons > 1) {
      throw new InputError(
        'ssh-bastion',
        `"${text}" looks like an IPv6 address without brackets`,
        BASTION_FORM,
      );
    }
    [host, portText] = colons === 1 ? (rest.split(':') as [string, string]) : [rest, undefined];
  }
  if (host === '') throw new InputError('ssh-bastion', `"${text}" has no host`, BASTION_FORM);
  checkHost(host);
  const port = portText === undefined ? 22 : parsePort('ssh-bastion', portText);
  return { ...(user ? { user } : {}), host, port };
}

const KEY_TYPES = new Set([
  'ssh-rsa',
  'ssh-dss',
  'ssh-ed25519',
  'ssh-ed448',
  'ecdsa-sha2-nistp256',
  'ecdsa-sha2-nistp384',
  'ecdsa-sha2-nistp521',
  'sk-ecdsa-sha2-nistp256@openssh.com',
  'sk-ssh-ed25519@openssh.com',
]);

function isKeyType(t: string): boolean {
  return KEY_TYPES.has(t) || KEY_TYPES.has(t.replace(/-cert-v01@openssh\.com$/, ''));
}

/** The key blob of a known_hosts line starts with its own type name (SSH wire format, RFC 4253 §6.6). */
function blobType(b64: string): string | undefined {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(b64)) return undefined;
  const blob = Buffer.from(b64, 'base64');
  if (blob.length < 4) return undefined;
  const len = blob.readUInt32BE(0);
  if (len > blob.length - 4) return undefined;
  return blob.subarray(4, 4 + len).toString('latin1');
}

/**
 * The `ssh-known-hosts` text: the input itself, or — when it is an absolute path — the file it names.
 * A large cluster's known_hosts does not fit in one input (the runner passes inputs as environment
 * variables, at most 128 KiB each: about 1,300 nodes), so a step before can write it to a file.
 * known_hosts lines never start with "/", so the two forms cannot be confused.
 */
export function knownHostsText(value: string): string {
  const v = value.trim();
  if (!v.startsWith('/') || v.includes('\n')) return value;
  try {
    return readFileSync(v, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'unreadable';
    throw new InputError('ssh-known-hosts', `the file ${v} cannot be read (${code})`, KNOWN_HOSTS_FORM);
  }
}

/**
 * Checks known_hosts text line by line. Returns the lines that carry keys (comments and blank lines
 * dropped), or undefined when there are none.
 */
export function parseKnownHosts(text: string): string | undefined {
  const kept: string[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const where = `line ${i + 1}`;
    const fields = line.split(/\s+/);
    if (fields[0]?.startsWith('@')) {
      if (fields[0] !== '@cert-authority' && fields[0] !== '@revoked') {
        throw new InputError(
          'ssh-known-hosts',
          `${where} starts with unknown marker "${fields[0]}"`,
          KNOWN_HOSTS_FORM,
        );
      }
      fields.shift();
    }
    const [hosts, type, key] = fields;
    if (!hosts || !type || !key) {
      throw new InputError(
        'ssh-known-hosts',
        `${where} does not have a host list, a key type and a key`,
        KNOWN_HOSTS_FORM,
      );
    }
    for (const h of hosts.split(',')) {
      const hashed = h.startsWith('|1|') && /^\|1\|[A-Za-z0-9+/=]+\|[A-Za-z0-9+/=]+$/.test(h);
      if (h === '' || (h.startsWith('|') && !hashed)) {
        throw new InputError(
          'ssh-known-hosts',
          `${where} has an invalid host pattern "${h}"`,
          KNOWN_HOSTS_FORM,
        );
      }
    }
    if (!isKeyType(type)) {
      throw new InputError('ssh-known-hosts', `${where} has unknown key type "${type}"`, KNOWN_HOSTS_FORM);
    }
    const inner = blobType(key);
    if (inner !== type) {
      throw new InputError(
        'ssh-known-hosts',
        inner === undefined
          ? `${where} has a key that is not base64 SSH key data`
          : `${where} declares "${type}" but its key is "${inner}"`,
        KNOWN_HOSTS_FORM,
      );
    }
    kept.push(line);
  });
  return kept.length ? kept.join('\n') + '\n' : undefined;
}
