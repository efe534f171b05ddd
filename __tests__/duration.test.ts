import { describe, expect, it } from 'vitest';
import { MAX_DURATION_MS, parseDuration } from '../src/inputs/duration.ts';

describe('parseDuration', () => {
  it.each([
    ['30s', 30_000],
    ['15m', 900_000],
    ['2h', 7_200_000],
    ['1h30m', 5_400_000],
    ['2m30s', 150_000],
    ['1h0m5s', 3_605_000],
    ['1.5h', 5_400_000],
    ['90', 90_000],
    ['  20m ', 1_200_000],
    ['20M', 1_200_000],
    ['24h', MAX_DURATION_MS],
  ])('%s is %d ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each([
    ['', /empty/],
    ['abc', /not a duration/],
    ['10 m', /not a duration/],
    ['-5m', /not a duration/],
    ['5d', /unknown unit "d"/],
    ['5ms', /unknown unit "ms"/],
    ['30m1h', /misorders/],
    ['1m1m', /repeats/],
    ['0', /not positive/],
    ['0h0m', /not positive/],
    ['25h', /maximum of 24h/],
    ['1h30', /not a duration/],
  ])('rejects %j', (text, message) => {
    expect(() => parseDuration(text)).toThrow(message);
  });
});
