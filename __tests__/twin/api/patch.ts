// The patch formats clients send: JSON merge patch (RFC 7386, also used for strategic merge patch,
// whose list-merge semantics none of the twin's objects need) and JSON patch (RFC 6902).
import { isDeepStrictEqual } from 'node:util';
import { apiError } from './status.ts';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** RFC 7386. `$`-prefixed keys (strategic-merge directives such as `$setElementOrder/...`) are dropped. */
export function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isObject(patch)) return structuredClone(patch);
  const out: Record<string, unknown> = isObject(target) ? { ...target } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (k.startsWith('$')) continue;
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v);
  }
  return out;
}

export interface JsonPatchOp {
  op: string;
  path: string;
  from?: string;
  value?: unknown;
}

function pointer(p: string): string[] {
  if (p === '') return [];
  if (!p.startsWith('/'))
    throw apiError(
      422,
      `the server rejected our request due to an error in our request: invalid JSON pointer "${p}"`,
    );
  return p
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function parentOf(
  doc: unknown,
  parts: string[],
  path: string,
): { parent: Record<string, unknown> | unknown[]; key: string } {
  let cur: unknown = doc;
  for (const part of parts.slice(0, -1)) {
    if (Array.isArray(cur)) cur = cur[Number(part)];
    else if (isObject(cur)) cur = cur[part];
    else cur = undefined;
    if (cur === undefined) throw missing(path);
  }
  if (!Array.isArray(cur) && !isObject(cur)) throw missing(path);
  return { parent: cur, key: parts[parts.length - 1] };
}

function missing(path: string) {
  return apiError(
    422,
    `the server rejected our request due to an error in our request: doc is missing path: "${path}"`,
  );
}

function arrayIndex(arr: unknown[], key: string, path: string, forAdd: boolean): number {
  if (forAdd && key === '-') return arr.length;
  if (!/^(0|[1-9]\d*)$/.test(key)) throw missing(path);
  const i = Number(key);
  if (i > arr.length || (!forAdd && i >= arr.length)) throw missing(path);
  return i;
}

function getAt(doc: unknown, path: string): unknown {
  let cur: unknown = doc;
  for (const part of pointer(path)) {
    if (Array.isArray(cur)) cur = cur[arrayIndex(cur, part, path, false)];
    else if (isObject(cur) && Object.hasOwn(cur, part)) cur = cur[part];
    else throw missing(path);
  }
  return cur;
}

function removeAt(doc: unknown, path: string): unknown {
  const parts = pointer(path);
  if (!parts.length) throw missing(path);
  const { parent, key } = parentOf(doc, parts, path);
  if (Array.isArray(parent)) return parent.splice(arrayIndex(parent, key, path, false), 1)[0];
  if (!Object.hasOwn(parent, key)) throw missing(path);
  const v = parent[key];
  delete parent[key];
  return v;
}

function addAt(doc: unknown, path: string, value: unknown): unknown {
  const parts = pointer(path);
  if (!parts.length) return value;
  const { parent, key } = parentOf(doc, parts, path);
  if (Array.isArray(parent)) parent.splice(arrayIndex(parent, key, path, true), 0, value);
  else parent[key] = value;
  return doc;
}

/** RFC 6902 on a copy of `doc`; failures are 422 Invalid as on the real API server. */
export function jsonPatch(doc: unknown, ops: unknown): unknown {
  if (!Array.isArray(ops)) throw apiError(400, 'json patch must be a JSON array of operations');
  let out: unknown = structuredClone(doc);
  for (const raw of ops as JsonPatchOp[]) {
    if (!isObject(raw) || typeof raw.path !== 'string')
      throw apiError(400, `invalid json patch operation ${JSON.stringify(raw)}`);
    switch (raw.op) {
      case 'add':
        out = addAt(out, raw.path, structuredClone(raw.value as Json));
        break;
      case 'remove':
        removeAt(out, raw.path);
        break;
      case 'replace':
        getAt(out, raw.path);
        if (raw.path === '') out = structuredClone(raw.value as Json);
        else {
          removeAt(out, raw.path);
          out = addAt(out, raw.path, structuredClone(raw.value as Json));
        }
        break;
      case 'test':
        if (!isDeepStrictEqual(getAt(out, raw.path), raw.value))
          throw apiError(
            422,
            `the server rejected our request due to an error in our request: testing value ${raw.path} failed`,
          );
        break;
      case 'move': {
        if (typeof raw.from !== 'string') throw apiError(400, 'json patch move needs "from"');
        const v = removeAt(out, raw.from);
        out = addAt(out, raw.path, v);
        break;
      }
      case 'copy': {
        if (typeof raw.from !== 'string') throw apiError(400, 'json patch copy needs "from"');
        out = addAt(out, raw.path, structuredClone(getAt(out, raw.from) as Json));
        break;
      }
      default:
        throw apiError(400, `Unexpected kind: ${String(raw.op)}`);
    }
  }
  return out;
}
