// The store copies as little as it can (one copy per read-modify-write): these pin what must not
// change with that — nobody gets the store's own object, a no-op write stays a no-op, and the copy
// and the diff give what structuredClone and the timeline always gave.
import { describe, expect, it } from 'vitest';
import { VirtualClock } from './clock.ts';
import { findType } from './resources.ts';
import { copyObject, diffObjects, type KObject, Store } from './store.ts';
import { Timeline } from './timeline.ts';

const CM = findType('', 'configmaps')!;

function fixture() {
  const clock = new VirtualClock(1);
  const timeline = new Timeline(clock);
  const store = new Store(clock, timeline);
  store.create(
    {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'c', namespace: 'ns', labels: { a: '1' } },
      data: { k: 'v', list: ['x'] },
    },
    'test',
  );
  return { store, timeline, get: () => store.get(CM, 'ns', 'c')! };
}

describe('store copies', () => {
  it('hands out copies: changing what get, list, update or create returned changes nothing stored', () => {
    const { store, get } = fixture();
    const got = get();
    (got.data as { k: string }).k = 'changed';
    store.list(CM, 'ns')[0].metadata.labels!.a = 'changed';
    const input = get();
    (input.data as { k: string }).k = 'w';
    const updated = store.update(input, 'test');
    (input.data as { list: string[] }).list.push('after');
    (updated.data as { list: string[] }).list.push('returned');
    expect(get().data).toEqual({ k: 'w', list: ['x'] });
    expect(get().metadata.labels).toEqual({ a: '1' });
  });

  it('mutate stores the change once, hands nothing out, and a no-op mutate bumps nothing', () => {
    const { store, timeline, get } = fixture();
    const before = get().metadata.resourceVersion;
    expect(store.mutate(CM, 'ns', 'c', 'kubelet', (o) => ((o.data as { k: string }).k = 'm'))).toBe(true);
    const after = get();
    expect(after.data).toEqual({ k: 'm', list: ['x'] });
    expect(Number(after.metadata.resourceVersion)).toBe(Number(before) + 1);
    expect(timeline.entries.at(-1)).toMatchObject({
      actor: 'kubelet',
      verb: 'update',
      object: 'ConfigMap/ns/c',
      change: 'data.k: "v" → "m"',
    });
    const entries = timeline.entries.length;
    expect(store.mutate(CM, 'ns', 'c', 'kubelet', (o) => ((o.data as { k: string }).k = 'm'))).toBe(true);
    expect(get().metadata.resourceVersion).toBe(after.metadata.resourceVersion);
    expect(timeline.entries.length).toBe(entries);
    expect(store.mutate(CM, 'ns', 'missing', 'kubelet', () => {})).toBe(false);
  });

  it('copyObject gives what structuredClone gives, sharing nothing with its input', () => {
    const date = new Date(0);
    const tree = {
      a: [1, 'two', null, { b: [true, { c: undefined }] }],
      d: Object.assign(Object.create(null) as object, { e: 1 }),
      f: date,
    };
    const copy = copyObject(tree);
    expect(copy).toStrictEqual(structuredClone(tree));
    expect(copy.a[3]).not.toBe(tree.a[3]);
    expect(copy.f).not.toBe(date);
    expect(copy.f.getTime()).toBe(0);
  });

  it('diffObjects names changed leaves in key order, without resourceVersion or generation', () => {
    const before = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'c', resourceVersion: '1', generation: 1, labels: { a: '1' } },
      data: { k: 'v', n: [1] },
    } as KObject;
    const after = copyObject(before);
    after.metadata.resourceVersion = '2';
    after.metadata.generation = 2;
    delete after.metadata.labels!.a;
    after.metadata.labels!.b = '';
    (after.data as { n: number[] }).n.push(2);
    expect(diffObjects(before, after)).toBe(
      'metadata.labels.a: "1" → (none); metadata.labels.b: (none) → ""; data.n: [1] → [1,2]',
    );
    expect(diffObjects(before, after, 1)).toBe('metadata.labels.a: "1" → (none); … 1 more');
    expect(diffObjects(before, copyObject(before))).toBe('');
  });
});
