import { describe, expect, it } from 'vitest';
import { deploymentIndex, positional } from '../../../src/ostree/check-arguments.js';
import { parseDiff } from '../../../src/ostree/parse-diff.js';
import { parsePrune } from '../../../src/ostree/parse-prune.js';
import { parseRemoteList } from '../../../src/ostree/parse-remote-list.js';
import { parseFormattedSize } from '../../../src/ostree/parse-size.js';
import { UserError } from '../../../src/errors.js';

// All outputs below were captured from ostree 2022.7 here.
describe('parsePrune', () => {
  it('reads deleted objects and a freed size below 1000 bytes', () => {
    expect(parsePrune('Total objects: 22\nDeleted 8 objects, 989 bytes freed\n')).toEqual({
      totalObjects: 22,
      deletedObjects: 8,
      freedBytes: 989,
    });
  });

  it('reads a g_format_size size with its no-break space', () => {
    expect(parsePrune('Total objects: 32\nDeleted 9 objects, 308.8\u00a0kB freed\n')).toEqual({
      totalObjects: 32,
      deletedObjects: 9,
      freedBytes: 308800,
    });
    expect(parsePrune('Total objects: 32\nWould delete: 9 objects, freeing 308.8\u00a0kB\n').freedBytes).toBe(
      308800,
    );
  });

  it('reads "No unreachable objects"', () => {
    expect(parsePrune('Total objects: 14\nNo unreachable objects\n')).toEqual({
      totalObjects: 14,
      deletedObjects: 0,
      freedBytes: 0,
    });
  });

  it('fails on unknown output', () => {
    expect(() => parsePrune('huh')).toThrow(/prune/);
  });
});

describe('parseFormattedSize', () => {
  it('knows SI, IEC and byte forms', () => {
    expect(parseFormattedSize('1 byte')).toBe(1);
    expect(parseFormattedSize('921.7\u00a0kB')).toBe(921700);
    expect(parseFormattedSize('1.5 MiB')).toBe(1572864);
    expect(parseFormattedSize('2,5 GB')).toBe(2_500_000_000);
    expect(parseFormattedSize('many')).toBeNull();
  });
});

describe('parseDiff', () => {
  it('reads kinds and paths, keeping spaces in paths', () => {
    expect(
      parseDiff('M    /usr/lib/modules/6.1.0/vmlinuz\nD    /usr/hello\nA    /usr/hello2\nA    /a b\n'),
    ).toEqual([
      { kind: 'M', path: '/usr/lib/modules/6.1.0/vmlinuz' },
      { kind: 'D', path: '/usr/hello' },
      { kind: 'A', path: '/usr/hello2' },
      { kind: 'A', path: '/a b' },
    ]);
    expect(parseDiff('')).toEqual([]);
    expect(() => parseDiff('X    /what')).toThrow(/diff/);
  });
});

describe('parseRemoteList', () => {
  it('reads padded names and URLs', () => {
    expect(
      parseRemoteList('a                 file:///tmp/x\nfedora-long-name  https://example.org/repo/\n'),
    ).toEqual([
      { name: 'a', url: 'file:///tmp/x' },
      { name: 'fedora-long-name', url: 'https://example.org/repo/' },
    ]);
    expect(parseRemoteList('')).toEqual([]);
  });
});

describe('argument checks', () => {
  it('accepts only non-negative safe integers as deployment indexes', () => {
    expect(deploymentIndex(0)).toBe('0');
    expect(deploymentIndex(12)).toBe('12');
    for (const bad of [-1, 1.5, NaN, Infinity, Number.MAX_SAFE_INTEGER + 1, '1' as unknown as number]) {
      expect(() => deploymentIndex(bad)).toThrow(UserError);
    }
  });

  it('refuses positional values that GOption would read as options', () => {
    expect(positional('ref', 'fedora/41')).toBe('fedora/41');
    expect(() => positional('ref', '--help')).toThrow(/ref/);
    expect(() => positional('ref', '')).toThrow(UserError);
  });
});
