import { describe, expect, it } from 'vitest';
import { contentChecksum, parseRawLog, parseRawShow } from '../../../src/ostree/parse-commit.js';

// `ostree log --raw test/main` on ostree 2022.7 (captured here): two commits, the second with a
// pkglist, a body with a newline, and `@ay []` as its parent.
const LOG_RAW = `commit 1d49f0e0d1428e300f076ebb1b763eb0689f2e33bd004ba177cbca68434f429e
({'version': <'1.1'>, 'count': <uint64 360287970189639680>, 'flag': <true>, 'ostree.ref-binding': <['test/main']>}, [byte 0xd6, 0xf4, 0x60, 0x55, 0x4b, 0x4f, 0xb0, 0xf1, 0x6d, 0x0f, 0xe7, 0xa0, 0xba, 0x01, 0x15, 0xf3, 0x29, 0x82, 0xde, 0x33, 0x3a, 0xf0, 0xeb, 0xf2, 0x40, 0xb7, 0xee, 0x0a, 0x9f, 0x75, 0x63, 0x62], @a(say) [], 'Second', '', uint64 1795821719, [byte 0xdc, 0xe6, 0x8d, 0x0a, 0xf2, 0x57, 0xcc, 0x8c, 0xf2, 0x8d, 0xfe, 0xe5, 0x0a, 0x5e, 0xa5, 0xd9, 0xf8, 0x5d, 0xda, 0x91, 0x91, 0x61, 0x62, 0xf3, 0x07, 0x7c, 0x74, 0x37, 0xee, 0x00, 0x04, 0x0e], [byte 0x44, 0x6a, 0x0e, 0xf1, 0x1b, 0x7c, 0xc1, 0x67, 0xf3, 0xb6, 0x03, 0xe5, 0x85, 0xc7, 0xee, 0xee, 0xb6, 0x75, 0xfa, 0xa4, 0x12, 0xd5, 0xec, 0x73, 0xf6, 0x29, 0x88, 0xeb, 0x0b, 0x6c, 0x54, 0x88])
commit d6f460554b4fb0f16d0fe7a0ba0115f32982de333af0ebf240b7ee0a9f756362
({'ostree.linux': <'6.1.0'>, 'version': <'1.0'>, 'ostree.bootable': <true>, 'rpmostree.rpmdb.pkglist': <[('mesa-dri-drivers', '0', '24.2.3', '1.fc41', 'x86_64'), ('bash', '0', '5.2', '1', 'x86_64')]>, 'ostree.ref-binding': <['test/main']>}, @ay [], @a(say) [], 'First "commit"', 'Body line 1\\nline 2', uint64 1795821719, [byte 0x6a, 0xc3, 0xb9, 0xf8, 0xd4, 0x08, 0xac, 0x69, 0x26, 0x37, 0xdf, 0xd2, 0xb1, 0xe4, 0xd7, 0xbc, 0x0b, 0xed, 0xb0, 0x07, 0x4a, 0xd9, 0x42, 0x52, 0x05, 0x99, 0xb2, 0xc7, 0xf0, 0xe7, 0x0c, 0xbe], [byte 0x44, 0x6a, 0x0e, 0xf1, 0x1b, 0x7c, 0xc1, 0x67, 0xf3, 0xb6, 0x03, 0xe5, 0x85, 0xc7, 0xee, 0xee, 0xb6, 0x75, 0xfa, 0xa4, 0x12, 0xd5, 0xec, 0x73, 0xf6, 0x29, 0x88, 0xeb, 0x0b, 0x6c, 0x54, 0x88])
`;

// The last lines of `ostree log --raw test/main` in a repo pulled with --commit-metadata-only
// --depth=-1 from a server where the parent d6f46055… had been pruned (captured here, 2022.7).
const LOG_RAW_TRUNCATED_TAIL = `commit 1d49f0e0d1428e300f076ebb1b763eb0689f2e33bd004ba177cbca68434f429e
({'version': <'1.1'>, 'count': <uint64 360287970189639680>, 'flag': <true>, 'ostree.ref-binding': <['test/main']>}, [byte 0xd6, 0xf4, 0x60, 0x55, 0x4b, 0x4f, 0xb0, 0xf1, 0x6d, 0x0f, 0xe7, 0xa0, 0xba, 0x01, 0x15, 0xf3, 0x29, 0x82, 0xde, 0x33, 0x3a, 0xf0, 0xeb, 0xf2, 0x40, 0xb7, 0xee, 0x0a, 0x9f, 0x75, 0x63, 0x62], @a(say) [], 'Second', '', uint64 1795821719, [byte 0xdc, 0xe6, 0x8d, 0x0a, 0xf2, 0x57, 0xcc, 0x8c, 0xf2, 0x8d, 0xfe, 0xe5, 0x0a, 0x5e, 0xa5, 0xd9, 0xf8, 0x5d, 0xda, 0x91, 0x91, 0x61, 0x62, 0xf3, 0x07, 0x7c, 0x74, 0x37, 0xee, 0x00, 0x04, 0x0e], [byte 0x44, 0x6a, 0x0e, 0xf1, 0x1b, 0x7c, 0xc1, 0x67, 0xf3, 0xb6, 0x03, 0xe5, 0x85, 0xc7, 0xee, 0xee, 0xb6, 0x75, 0xfa, 0xa4, 0x12, 0xd5, 0xec, 0x73, 0xf6, 0x29, 0x88, 0xeb, 0x0b, 0x6c, 0x54, 0x88])
<< History beyond this commit not fetched >>
`;

// `ostree show --raw` of a commit made with `--timestamp='2020-01-02 03:04:05 +0000'` and an
// apostrophe + tab + backslash in the subject (captured here, 2022.7).
const SHOW_RAW = `commit 59f0c6c8f0abc1c3ee2420928cab2504fffb5e1ea4cbe360d6a660a4f935b932
({'weird': <"a\\"b'c\\\\nd">, 'rpmostree.rpmdb.pkglist': <@a(sssss) []>, 'n': <-100663297>, 'd': <1.5493898653581492e-320>, 'dict': <{'a': <16777216>}>, 'm': <(16777216, 'x', [true, false])>, 'ostree.ref-binding': <['test/other']>}, @ay [], @a(say) [], "it's ünïcode\\ttab \\\\ back", '', uint64 1577934245, [byte 0xdc, 0xe6, 0x8d, 0x0a, 0xf2, 0x57, 0xcc, 0x8c, 0xf2, 0x8d, 0xfe, 0xe5, 0x0a, 0x5e, 0xa5, 0xd9, 0xf8, 0x5d, 0xda, 0x91, 0x91, 0x61, 0x62, 0xf3, 0x07, 0x7c, 0x74, 0x37, 0xee, 0x00, 0x04, 0x0e], [byte 0x44, 0x6a, 0x0e, 0xf1, 0x1b, 0x7c, 0xc1, 0x67, 0xf3, 0xb6, 0x03, 0xe5, 0x85, 0xc7, 0xee, 0xee, 0xb6, 0x75, 0xfa, 0xa4, 0x12, 0xd5, 0xec, 0x73, 0xf6, 0x29, 0x88, 0xeb, 0x0b, 0x6c, 0x54, 0x88])
`;

describe('parseRawLog', () => {
  it('reads every commit, newest first, with parent, dates and root trees', () => {
    const { commits, truncated } = parseRawLog(LOG_RAW);
    expect(truncated).toBe(false);
    expect(commits.map((c) => c.checksum)).toEqual([
      '1d49f0e0d1428e300f076ebb1b763eb0689f2e33bd004ba177cbca68434f429e',
      'd6f460554b4fb0f16d0fe7a0ba0115f32982de333af0ebf240b7ee0a9f756362',
    ]);
    const [second, first] = commits;
    expect(second).toMatchObject({
      parent: 'd6f460554b4fb0f16d0fe7a0ba0115f32982de333af0ebf240b7ee0a9f756362',
      subject: 'Second',
      body: '',
      version: '1.1',
      rootTree: 'dce68d0af257cc8cf28dfee50a5ea5d9f85dda91916162f3077c7437ee00040e',
      rootMeta: '446a0ef11b7cc167f3b603e585c7eeeeb675faa412d5ec73f62988eb0b6c5488',
      // `ostree show` printed "ContentChecksum:  1a7d364f…" for this commit.
      contentChecksum: '1a7d364f3295547e5b68a5b586960d1a92e4ba47de6582fc65bc88bca8e344f0',
    });
    // `ostree show` printed "Date:  2026-11-27 23:21:59 +0000" (this machine's clock).
    expect(second!.timestamp.toISOString()).toBe('2026-11-27T23:21:59.000Z');
    expect(first).toMatchObject({
      parent: null,
      subject: 'First "commit"',
      body: 'Body line 1\nline 2',
      version: '1.0',
      contentChecksum: '8a72ac6b21dc5bf931815a8467f646b7711be3bda0ed86ff40edd97d3d916968',
    });
    expect(first!.metadata?.['ostree.bootable']).toBe(true);
  });

  it('notices history that was not fetched', () => {
    const { commits, truncated } = parseRawLog(LOG_RAW_TRUNCATED_TAIL);
    expect(truncated).toBe(true);
    expect(commits).toHaveLength(1);
    // The parent is named although the repo does not have it.
    expect(commits[0]!.parent).toBe('d6f460554b4fb0f16d0fe7a0ba0115f32982de333af0ebf240b7ee0a9f756362');
  });

  it('fails loudly on text it does not know', () => {
    expect(() => parseRawLog('commit abc\nsomething else\n')).toThrow(/Unexpected line/);
  });
});

describe('parseRawShow', () => {
  it('reads a commit with quotes, tabs and a typed empty pkglist', () => {
    const c = parseRawShow(SHOW_RAW);
    expect(c.subject).toBe("it's ünïcode\ttab \\ back");
    expect(c.timestamp.toISOString()).toBe('2020-01-02T03:04:05.000Z');
    expect(c.parent).toBeNull();
    expect(c.metadata?.['rpmostree.rpmdb.pkglist']).toEqual([]);
    expect(c.metadata?.['weird']).toBe(`a"b'c\\nd`);
    // Same tree as "Second" above, so the same content checksum.
    expect(c.contentChecksum).toBe('1a7d364f3295547e5b68a5b586960d1a92e4ba47de6582fc65bc88bca8e344f0');
  });

  it('wants exactly one commit', () => {
    expect(() => parseRawShow(LOG_RAW)).toThrow(/one commit/);
  });
});

describe('contentChecksum', () => {
  it('is sha256 over the binary root tree and root meta checksums', () => {
    expect(
      contentChecksum(
        '6ac3b9f8d408ac692637dfd2b1e4d7bc0bedb0074ad942520599b2c7f0e70cbe',
        '446a0ef11b7cc167f3b603e585c7eeeeb675faa412d5ec73f62988eb0b6c5488',
      ),
    ).toBe('8a72ac6b21dc5bf931815a8467f646b7711be3bda0ed86ff40edd97d3d916968');
  });
});
