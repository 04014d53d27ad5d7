import { describe, expect, it } from 'vitest';
import { parseDuration } from '../../../src/builders/source-duration.js';
import { UsageError } from '../../../src/errors.js';

describe('parseDuration', () => {
  it('reads units and sums', () => {
    expect(parseDuration('90s')).toBe(90_000);
    expect(parseDuration('7d')).toBe(7 * 86_400_000);
    expect(parseDuration('1d12h')).toBe(36 * 3_600_000);
    expect(parseDuration('2w')).toBe(14 * 86_400_000);
  });
  it('refuses what is not a duration, naming it', () => {
    for (const bad of ['', '7', 'd', '7x', '7d junk', '-1d']) {
      expect(() => parseDuration(bad)).toThrow(UsageError);
    }
    expect(() => parseDuration('7x')).toThrow(/'7x' is not a duration/);
  });
});
