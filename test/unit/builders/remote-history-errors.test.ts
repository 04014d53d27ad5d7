import { describe, expect, it } from 'vitest';
import { describeCommit, NotAncestor } from '../../../src/builders/remote-history-errors.js';
import { commitObjectUrl, isChecksum, refUrl } from '../../../src/builders/repo-url.js';

const a = 'a'.repeat(64);
const b = 'b'.repeat(64);
const older = { checksum: a, version: '44.0001', timestamp: new Date('2025-01-06T01:00:00Z') };
const newer = { checksum: b, version: '44.0009', timestamp: new Date('2025-01-06T09:00:00Z') };

describe('NotAncestor', () => {
  it('says good is newer when it is', () => {
    expect(new NotAncestor(newer, older, 'root', 2).message).toBe(
      'good bbbbbbbbbbbb (44.0009, 2025-01-06 09:00:00 UTC) is not an ancestor of ' +
        'bad aaaaaaaaaaaa (44.0001, 2025-01-06 01:00:00 UTC); good is newer than bad: were they given the other way round?',
    );
  });

  it('says the branches differ, or the limit was reached, when good is older', () => {
    expect(new NotAncestor(older, newer, 'root', 7).message).toMatch(
      /ends at a root commit after 7 commits without reaching good: they are on different branches\.$/,
    );
    expect(new NotAncestor(older, newer, 'limit', 100).message).toMatch(
      /good was not within 100 commits of bad: pick a newer good commit or raise the limit\.$/,
    );
  });

  it('leaves out what is not known', () => {
    expect(describeCommit('good', { checksum: a })).toBe('good aaaaaaaaaaaa');
    expect(describeCommit('bad', { checksum: a, version: null, timestamp: older.timestamp })).toBe(
      'bad aaaaaaaaaaaa (2025-01-06 01:00:00 UTC)',
    );
  });
});

describe('repository URLs', () => {
  it('place commit objects and refs as an archive repository does', () => {
    expect(commitObjectUrl('http://h/repo/', a)).toBe(`http://h/repo/objects/aa/${'a'.repeat(62)}.commit`);
    expect(refUrl('http://h/repo', 'fedora/rawhide/x86_64/silverblue')).toBe(
      'http://h/repo/refs/heads/fedora/rawhide/x86_64/silverblue',
    );
    expect(refUrl('http://h', 'a b')).toBe('http://h/refs/heads/a%20b');
  });

  it('recognise full checksums only', () => {
    expect(isChecksum(a)).toBe(true);
    expect(isChecksum(a.slice(1))).toBe(false);
    expect(isChecksum(a.toUpperCase())).toBe(false);
  });
});
