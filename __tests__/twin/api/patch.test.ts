// The patch formats and selectors on their own, where edge cases are cheap to pin down.
import { describe, expect, it } from 'vitest';
import { jsonPatch, mergePatch } from './patch.ts';
import { fieldValue, parseLabelSelector } from './selectors.ts';
import { ApiError } from './status.ts';

describe('mergePatch (RFC 7386)', () => {
  it('merges objects, deletes on null, replaces arrays and drops strategic-merge directives', () => {
    const doc = { a: { b: 1, c: 2 }, list: [1, 2], keep: 'x' };
    const out = mergePatch(doc, { a: { b: null, d: 3 }, list: [3], $retainKeys: ['a'], 'other/$x': 1 });
    expect(out).toEqual({ a: { c: 2, d: 3 }, list: [3], keep: 'x', 'other/$x': 1 });
    expect(doc).toEqual({ a: { b: 1, c: 2 }, list: [1, 2], keep: 'x' });
  });
});

describe('jsonPatch (RFC 6902)', () => {
  const doc = { metadata: { annotations: { 'a/b': '1' } }, spec: { list: ['x', 'y'] } };

  it('applies add (incl. "-"), remove, replace, move, copy and test, with ~1 escapes', () => {
    const out = jsonPatch(doc, [
      { op: 'add', path: '/spec/list/-', value: 'z' },
      { op: 'add', path: '/spec/list/0', value: 'w' },
      { op: 'remove', path: '/metadata/annotations/a~1b' },
      { op: 'replace', path: '/spec/list/1', value: 'X' },
      { op: 'copy', from: '/spec/list', path: '/spec/copy' },
      { op: 'move', from: '/spec/copy', path: '/spec/moved' },
      { op: 'test', path: '/spec/moved/3', value: 'z' },
    ]);
    expect(out).toEqual({
      metadata: { annotations: {} },
      spec: { list: ['w', 'X', 'y', 'z'], moved: ['w', 'X', 'y', 'z'] },
    });
    expect(doc.spec.list).toEqual(['x', 'y']);
  });

  it('fails a test, a missing path and a replace of a missing key with 422', () => {
    for (const ops of [
      [{ op: 'test', path: '/spec/list/0', value: 'nope' }],
      [{ op: 'remove', path: '/spec/missing' }],
      [{ op: 'replace', path: '/spec/missing', value: 1 }],
      [{ op: 'add', path: '/nowhere/deep', value: 1 }],
    ]) {
      let err: unknown;
      try {
        jsonPatch(doc, ops);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(ApiError);
      expect((err as ApiError).status.code).toBe(422);
    }
  });
});

describe('selectors', () => {
  it('parses set-based and equality label requirements', () => {
    expect(parseLabelSelector('a in (x, y),b!=z,!c,d,e==f')).toEqual([
      { key: 'a', op: 'in', values: ['x', 'y'] },
      { key: 'b', op: 'neq', value: 'z' },
      { key: 'c', op: 'notexists' },
      { key: 'd', op: 'exists' },
      { key: 'e', op: 'eq', value: 'f' },
    ]);
  });

  it('reads dotted field paths with missing values as empty', () => {
    const o = { involvedObject: { kind: 'Node', namespace: undefined }, spec: { n: 3, b: false } };
    expect(fieldValue(o, 'involvedObject.kind')).toBe('Node');
    expect(fieldValue(o, 'involvedObject.namespace')).toBe('');
    expect(fieldValue(o, 'spec.n')).toBe('3');
    expect(fieldValue(o, 'spec.b')).toBe('false');
  });
});
