// OpenSSH known_hosts, as the ssh-known-hosts input carries it: plain and hashed host patterns,
// `[host]:port` for non-default ports, wildcards and negations, and `@revoked` keys. Matching follows
// OpenSSH: an entry for the host with the same key is a match; an entry for the host with another key
// of the same type (or a revoked key) is a mismatch; no entry for the host with that key type is
// unknown. `@cert-authority` lines are refused: the action does not verify host certificates.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

export interface KnownHostEntry {
  /** 1-based line number in the input, for messages. */
  line: number;
  revoked: boolean;
  /** Plain patterns (lowercase), or undefined for a hashed entry. */
  patterns?: string[];
  hashed?: { salt: Buffer; hash: Buffer };
  keyType: string;
  key: Buffer;
}

export type HostKeyVerdict = 'match' | 'mismatch' | 'unknown';

function readSshString(blob: Buffer, offset: number): { value: Buffer; next: number } | undefined {
  if (offset + 4 > blob.length) return undefined;
  const len = blob.readUInt32BE(offset);
  if (offset + 4 + len > blob.length) return undefined;
  return { value: blob.subarray(offset + 4, offset + 4 + len), next: offset + 4 + len };
}

/** The key type written inside an SSH public key blob ("ssh-ed25519", "ssh-rsa", ...). */
export function keyTypeOf(keyBlob: Buffer): string | undefined {
  return readSshString(keyBlob, 0)?.value.toString('latin1');
}

export function fingerprintOf(keyBlob: Buffer): string {
  return `SHA256:${createHash('sha256').update(keyBlob).digest('base64').replace(/=+$/, '')}`;
}

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

export function parseKnownHosts(text: string): KnownHostEntry[] {
  const entries: KnownHostEntry[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const lineNo = i + 1;
    const line = lines[i].trim();
    if (!line || line.startsWith('#')) continue;
    const fields = line.split(/\s+/);
    let revoked = false;
    if (fields[0].startsWith('@')) {
      const marker = fields.shift()!;
      if (marker === '@revoked') revoked = true;
      else if (marker === '@cert-authority')
        throw new Error(
          `ssh-known-hosts line ${lineNo}: @cert-authority entries are not supported — list each node's host key instead`,
        );
      else throw new Error(`ssh-known-hosts line ${lineNo}: unknown marker ${marker}`);
    }
    if (fields.length < 3)
      throw new Error(
        `ssh-known-hosts line ${lineNo}: expected "<hosts> <key-type> <base64 key>", found ${fields.length} field(s)`,
      );
    const [hosts, keyType, b64] = fields;
    if (!BASE64.test(b64)) throw new Error(`ssh-known-hosts line ${lineNo}: the key is not base64`);
    const key = Buffer.from(b64, 'base64');
    const inner = keyTypeOf(key);
    if (inner !== keyType)
      throw new Error(
        `ssh-known-hosts line ${lineNo}: the key is ${inner ? `a ${inner} key` : 'not an SSH public key'} but the line says ${keyType}`,
      );
    const entry: KnownHostEntry = { line: lineNo, revoked, keyType, key };
    if (hosts.startsWith('|1|')) {
      const [, , salt, hash] = hosts.split('|');
      if (!salt || !hash || !BASE64.test(salt) || !BASE64.test(hash))
        throw new Error(`ssh-known-hosts line ${lineNo}: malformed hashed host entry`);
      entry.hashed = { salt: Buffer.from(salt, 'base64'), hash: Buffer.from(hash, 'base64') };
    } else {
      entry.patterns = hosts.toLowerCase().split(',').filter(Boolean);
    }
    entries.push(entry);
  }
  return entries;
}

/** How known_hosts names a host: `host` on port 22, `[host]:port` elsewhere. */
function hostString(host: string, port: number): string {
  return port === 22 ? host : `[${host}]:${port}`;
}

// Compiled wildcard patterns: a known_hosts file for 1,000 nodes is consulted thousands of times
// during a fan-out, and building a RegExp per entry per lookup was most of its CPU time.
const globCache = new Map<string, RegExp>();

function globMatches(pattern: string, value: string): boolean {
  if (!pattern.includes('*') && !pattern.includes('?')) return pattern === value;
  let re = globCache.get(pattern);
  if (!re) {
    const source = pattern
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.');
    re = new RegExp(`^${source}$`);
    globCache.set(pattern, re);
  }
  return re.test(value);
}

function entryNamesHost(entry: KnownHostEntry, host: string, port: number): boolean {
  const name = hostString(host.toLowerCase(), port);
  if (entry.hashed) {
    const digest = createHmac('sha1', entry.hashed.salt).update(name).digest();
    return digest.length === entry.hashed.hash.length && timingSafeEqual(digest, entry.hashed.hash);
  }
  let matched = false;
  for (const p of entry.patterns ?? []) {
    const negated = p.startsWith('!');
    if (globMatches(negated ? p.slice(1) : p, name)) {
      if (negated) return false;
      matched = true;
    }
  }
  return matched;
}

// Entries by the exact host names they list, so that a lookup for one node does not walk every line
// of a 1,000-node file (twice per name, per connection: O(nodes²) in a fan-out). Entries that cannot be
// indexed — hashed names, wildcards, negations — and revoked keys are walked as before. Built once per
// parsed list (the list is not changed after parsing).
interface EntryIndex {
  exact: Map<string, KnownHostEntry[]>;
  walk: KnownHostEntry[];
}
const indexes = new WeakMap<KnownHostEntry[], EntryIndex>();

function indexOf(entries: KnownHostEntry[]): EntryIndex {
  let index = indexes.get(entries);
  if (index) return index;
  index = { exact: new Map(), walk: [] };
  for (const e of entries) {
    const plain = !e.revoked && e.patterns?.every((p) => !/[*?!]/.test(p));
    if (!plain) {
      index.walk.push(e);
      continue;
    }
    for (const p of new Set(e.patterns)) {
      const list = index.exact.get(p) ?? [];
      list.push(e);
      index.exact.set(p, list);
    }
  }
  indexes.set(entries, index);
  return index;
}

/** The entries that may name this host (every revoked one included), in file order. */
function candidates(entries: KnownHostEntry[], host: string, port: number): KnownHostEntry[] {
  const index = indexOf(entries);
  const exact = index.exact.get(hostString(host.toLowerCase(), port)) ?? [];
  if (!index.walk.length) return exact;
  const set = new Set([...exact, ...index.walk]);
  return entries.filter((e) => set.has(e));
}

export function hostKeyMatches(
  entries: KnownHostEntry[],
  host: string,
  port: number,
  keyType: string,
  keyBlob: Buffer,
): HostKeyVerdict {
  let verdict: HostKeyVerdict = 'unknown';
  for (const e of candidates(entries, host, port)) {
    const sameKey = e.key.equals(keyBlob);
    // A revoked key is refused for every host, listed or not.
    if (e.revoked) {
      if (sameKey) return 'mismatch';
      continue;
    }
    if (!entryNamesHost(e, host, port)) continue;
    if (sameKey) verdict = 'match';
    else if (e.keyType === keyType && verdict === 'unknown') verdict = 'mismatch';
  }
  return verdict;
}

/** Key types listed for a host, to ask the server for those host key algorithms first. */
export function keyTypesFor(entries: KnownHostEntry[], host: string, port: number): string[] {
  const types = new Set<string>();
  for (const e of candidates(entries, host, port))
    if (!e.revoked && entryNamesHost(e, host, port)) types.add(e.keyType);
  return [...types];
}

/** A host key as recorded from a connection (see NodeShell.hostKeys). */
export interface HostKeyLine {
  address: string;
  port: number;
  keyType: string;
  /** base64 key blob */
  key: string;
}

/**
 * known_hosts lines for recorded keys, one per address, sorted, in the form ssh-keyscan writes
 * (`addr` on port 22, `[addr]:port` elsewhere): what the plan job hands to the migrate job.
 */
export function knownHostsLines(keys: Iterable<HostKeyLine>): string {
  const lines = [...keys].map((k) => `${hostString(k.address.toLowerCase(), k.port)} ${k.keyType} ${k.key}`);
  return [...new Set(lines)].sort().join('\n') + (lines.length ? '\n' : '');
}
