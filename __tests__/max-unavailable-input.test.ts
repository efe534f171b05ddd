// Input max-unavailable: a node count or a percentage, as MachineConfigPool spec.maxUnavailable takes
// it; anything else is an InputError naming the input before any cluster contact.
import { describe, expect, it } from 'vitest';
import { nodesAtOnce, parseMaxUnavailable } from '../src/inputs/max-unavailable.ts';

describe('parseMaxUnavailable', () => {
  it('empty leaves the pools; counts are numbers; percentages stay "N%"', () => {
    expect(parseMaxUnavailable('')).toBeUndefined();
    expect(parseMaxUnavailable('  ')).toBeUndefined();
    expect(parseMaxUnavailable('10')).toBe(10);
    expect(parseMaxUnavailable(' 20% ')).toBe('20%');
    expect(parseMaxUnavailable('100%')).toBe('100%');
    expect(parseMaxUnavailable('007%')).toBe('7%');
  });

  it.each(['0', '0%', '101%', '-1', '1.5', '20 %', 'ten', '1e3', '50%%'])('refuses %j', (v) => {
    expect(() => parseMaxUnavailable(v)).toThrow(
      /Input "max-unavailable": .* Accepted: a whole number of nodes/,
    );
  });
});

describe('nodesAtOnce', () => {
  it('rounds a percentage down, at least one node; reads counts as given', () => {
    expect(nodesAtOnce('20%', 197)).toBe(39);
    expect(nodesAtOnce('20%', 3)).toBe(1);
    expect(nodesAtOnce(5, 3)).toBe(5);
    expect(nodesAtOnce('4', 10)).toBe(4);
    expect(nodesAtOnce(null, 10)).toBe(1);
  });
});
