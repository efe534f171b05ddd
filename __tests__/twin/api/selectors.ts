// Label and field selectors as the API server reads them from `labelSelector` / `fieldSelector`.
// Field selectors work on any dotted path of the object (the real server supports a fixed set per
// type; the twin is more permissive so every selector a client may send is honoured).
import type { KObject } from '../store.ts';
import { apiError } from './status.ts';

export type LabelRequirement =
  | { key: string; op: 'exists' | 'notexists' }
  | { key: string; op: 'eq' | 'neq'; value: string }
  | { key: string; op: 'in' | 'notin'; values: string[] };

export interface FieldRequirement {
  path: string;
  op: 'eq' | 'neq';
  value: string;
}

/** Splits on commas outside parentheses (so `env in (a,b),tier` is two terms). */
function splitTerms(s: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === '\\' && i + 1 < s.length) {
      cur += c + s[++i];
      continue;
    }
    if (c === '(') depth++;
    if (c === ')') depth--;
    if (c === ',' && depth === 0) {
      out.push(cur);
      cur = '';
    } else cur += c;
  }
  out.push(cur);
  return out.map((t) => t.trim()).filter((t) => t !== '');
}

export function parseLabelSelector(s: string | null): LabelRequirement[] {
  if (!s) return [];
  return splitTerms(s).map((term) => {
    let m = /^([^\s!=(),]+)\s+(in|notin)\s+\(([^)]*)\)$/.exec(term);
    if (m) {
      const values = m[3]
        .split(',')
        .map((v) => v.trim())
        .filter((v) => v !== '');
      return { key: m[1], op: m[2] as 'in' | 'notin', values };
    }
    m = /^([^\s!=(),]+)\s*(==|=|!=)\s*([^\s!=(),]*)$/.exec(term);
    if (m) return { key: m[1], op: m[2] === '!=' ? 'neq' : 'eq', value: m[3] };
    m = /^(!?)\s*([^\s!=(),]+)$/.exec(term);
    if (m) return { key: m[2], op: m[1] ? 'notexists' : 'exists' };
    throw apiError(400, `unable to parse requirement: invalid label selector term "${term}"`);
  });
}

export function matchesLabels(reqs: LabelRequirement[], labels: Record<string, string> | undefined): boolean {
  const l = labels ?? {};
  return reqs.every((r) => {
    const has = Object.hasOwn(l, r.key);
    switch (r.op) {
      case 'exists':
        return has;
      case 'notexists':
        return !has;
      case 'eq':
        return has && l[r.key] === r.value;
      case 'neq':
        return !has || l[r.key] !== r.value;
      case 'in':
        return has && r.values.includes(l[r.key]);
      case 'notin':
        return !has || !r.values.includes(l[r.key]);
    }
  });
}

function unescape(v: string): string {
  return v.replace(/\\(.)/g, '$1');
}

export function parseFieldSelector(s: string | null): FieldRequirement[] {
  if (!s) return [];
  return splitTerms(s).map((term) => {
    const m = /^([^=!]+?)\s*(==|=|!=)\s*(.*)$/.exec(term);
    if (!m) throw apiError(400, `invalid selector: '${term}'; can't understand '${term}'`);
    return { path: m[1].trim(), op: m[2] === '!=' ? 'neq' : 'eq', value: unescape(m[3].trim()) };
  });
}

/** The value at a dotted path as a field selector compares it: missing is '', scalars as text. */
export function fieldValue(obj: unknown, path: string): string {
  let cur: unknown = obj;
  for (const part of path.split('.')) {
    if (cur === null || typeof cur !== 'object') return '';
    cur = (cur as Record<string, unknown>)[part];
  }
  if (cur === undefined || cur === null) return '';
  return typeof cur === 'object' ? JSON.stringify(cur) : String(cur as string | number | boolean);
}

export function matchesFields(reqs: FieldRequirement[], obj: KObject): boolean {
  return reqs.every((r) => (fieldValue(obj, r.path) === r.value) === (r.op === 'eq'));
}

/** Both selectors of a request, as one predicate. */
export function objectFilter(
  labelSelector: string | null,
  fieldSelector: string | null,
): (o: KObject) => boolean {
  const labels = parseLabelSelector(labelSelector);
  const fields = parseFieldSelector(fieldSelector);
  return (o) => matchesLabels(labels, o.metadata.labels) && matchesFields(fields, o);
}
