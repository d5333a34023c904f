import { describe, expect, it } from '@jest/globals';
import { IsoTimes } from '../../src/projections/common/iso-times.js';

describe('IsoTimes', () => {
  it('formats every time as toISOString does, in order, out of order and across seconds', () => {
    const times = new IsoTimes();
    const start = Date.UTC(2026, 0, 15, 9, 29, 58, 990);
    const millis: number[] = [];
    for (let i = 0; i < 3_000; i++) millis.push(start + i); // every millisecond over three seconds
    for (let i = 0; i < 3_000; i++) millis.push(start + Math.floor(Math.random() * 400 * 24 * 3600 * 1000) - 200 * 24 * 3600 * 1000);
    millis.push(0, -1, -999, -1000, -1001, 8.64e15, -8.64e15, Date.UTC(9999, 11, 31, 23, 59, 59, 999), Date.UTC(10000, 0, 1));
    for (const ms of millis) expect(times.format(new Date(ms))).toBe(new Date(ms).toISOString());
  });

  it('refuses an invalid date as toISOString does', () => {
    const times = new IsoTimes();
    times.format(new Date(0));
    expect(() => times.format(new Date(Number.NaN))).toThrow(RangeError);
    expect(times.format(new Date(5))).toBe('1970-01-01T00:00:00.005Z');
  });
});
