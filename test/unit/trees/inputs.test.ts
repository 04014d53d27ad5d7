import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../src/errors.js';
import { parseRemoteOption } from '../../../src/trees/add-tree.js';
import { parseCount, parseDuration } from '../../../src/trees/duration.js';

describe('parseDuration', () => {
  it.each([
    ['30d', 30 * 86_400_000],
    ['12h', 12 * 3_600_000],
    ['2w', 14 * 86_400_000],
    ['1d12h', 36 * 3_600_000],
    ['90m', 90 * 60_000],
    ['45s', 45_000],
  ])('%s', (text, ms) => expect(parseDuration(text)).toBe(ms));

  it.each(['', '3x', '30', 'd', '1.5d', '-1d', '1d 2h'])(
    'rejects %j with a usage error naming it',
    (text) => {
      expect(() => parseDuration(text)).toThrow(UsageError);
      expect(() => parseDuration(text)).toThrow(`--older-than '${text}' is not a duration`);
    },
  );
});

describe('parseCount', () => {
  it('takes whole numbers only', () => {
    expect(parseCount('3', '--keep')).toBe(3);
    expect(parseCount('0', '--keep')).toBe(0);
    for (const bad of ['-1', 'three', '2.5', '']) expect(() => parseCount(bad, '--keep')).toThrow(UsageError);
  });
});

describe('parseRemoteOption', () => {
  it('splits NAME=URL at the first =', () => {
    expect(parseRemoteOption('rawhide=https://example.org/repo?a=b')).toEqual({
      name: 'rawhide',
      url: 'https://example.org/repo?a=b',
    });
    expect(parseRemoteOption('fedora')).toEqual({ name: 'fedora', url: null });
  });
  it('rejects bad names and URLs', () => {
    expect(() => parseRemoteOption('=http://x')).toThrow(UsageError);
    expect(() => parseRemoteOption('-x=http://x')).toThrow(UsageError);
    expect(() => parseRemoteOption('r=ftp://x')).toThrow(
      /'ftp:\/\/x' is not an http\(s\):\/\/ or file:\/\/ URL/,
    );
    expect(() => parseRemoteOption('r=not a url')).toThrow(UsageError);
  });
});
