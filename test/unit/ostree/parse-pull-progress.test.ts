import { describe, expect, it } from 'vitest';
import {
  parsePullProgressLine,
  pullStatusTexts,
  PullProgressTracker,
} from '../../../src/ostree/parse-pull-progress.js';

// Captured here from ostree 2022.7 pulling 11 metadata + 10 content objects over HTTP from a
// loopback server with 300 ms per request. U+00A0 (NO-BREAK SPACE) is what GLib puts before units.
const FINAL_HTTP =
  '11 metadata, 10 content objects fetched; 902 KiB transferred in 3 seconds; 921.7\u00a0kB content written';
const FINAL_FILE = '9 metadata, 10 content objects imported; 921.7\u00a0kB content written';
const FINAL_FILE_METADATA_ONLY = '4 metadata, 0 content objects imported; 0 bytes content written';
// Same pull under `script` (a TTY): ESC 7 / ESC 8 around padded redraws, no newline between them.
const TTY_OUTPUT =
  '\x1b7\x1b8Receiving metadata objects: 3/(estimating) 828 bytes/s 828 bytes                ' +
  '\x1b8Receiving metadata objects: 8/(estimating) 461.8\u00a0kB/s 923.7\u00a0kB                ' +
  '\x1b8' +
  FINAL_HTTP +
  '\r\n';
// `ostree pull -v` stderr lines (2022.7), captured in the same run.
const VERBOSE = [
  'OT: starting fetch of 38a76054e7f19dfd1d0521a9dab485664e84539ac6e1b9cdc3a958edd8e85725.commit',
  'OT: fetch of 38a76054e7f19dfd1d0521a9dab485664e84539ac6e1b9cdc3a958edd8e85725.commit complete',
  'OT: write of 38a76054e7f19dfd1d0521a9dab485664e84539ac6e1b9cdc3a958edd8e85725.commit complete',
  'OT: write of 446a0ef11b7cc167f3b603e585c7eeeeb675faa412d5ec73f62988eb0b6c5488.dirmeta complete',
  'OT: _ostree_fetcher_should_retry_request: error: unset, n_retries_remaining: 5',
  'OT: write of eda5bcb81018d4acffc95760555b19713a5025071fb6e8680520f114916dda4f.file complete',
];

describe('parsePullProgressLine', () => {
  it('reads the final line of an HTTP pull', () => {
    expect(parsePullProgressLine(FINAL_HTTP)).toEqual({
      fetchedObjects: 21,
      totalObjects: 21,
      bytes: 902 * 1024,
      metadataObjects: 11,
      done: true,
      line: FINAL_HTTP.replace('\u00a0', ' '),
    });
  });

  it('reads the final line of a file:// pull, which imports and transfers nothing', () => {
    expect(parsePullProgressLine(FINAL_FILE)).toMatchObject({
      fetchedObjects: 19,
      bytes: 921700,
      done: true,
    });
    expect(parsePullProgressLine(FINAL_FILE_METADATA_ONLY)).toMatchObject({
      fetchedObjects: 4,
      metadataObjects: 4,
      bytes: 0,
    });
  });

  it('reads TTY status lines, padded', () => {
    expect(
      parsePullProgressLine('Receiving metadata objects: 3/(estimating) 828 bytes/s 828 bytes    '),
    ).toEqual({
      fetchedObjects: 3,
      totalObjects: null,
      bytes: 828,
      metadataObjects: 3,
      done: false,
      line: 'Receiving metadata objects: 3/(estimating) 828 bytes/s 828 bytes',
    });
    // Format from ostree_repo_pull_default_console_progress_changed() (2022.7).
    expect(parsePullProgressLine('Receiving objects: 45% (9/20) 1.2\u00a0MB/s 3.4\u00a0MB  ')).toMatchObject({
      fetchedObjects: 9,
      totalObjects: 20,
      bytes: 3_400_000,
    });
    expect(
      parsePullProgressLine(
        'Receiving delta parts: 1/4 5.0\u00a0MB/20.0\u00a0MB 1.0\u00a0MB/s 15 seconds remaining',
      ),
    ).toMatchObject({ fetchedObjects: 1, totalObjects: 4, bytes: 5_000_000 });
  });

  it('ignores lines without progress', () => {
    expect(parsePullProgressLine('Scanning metadata: 4')).toBeNull();
    expect(parsePullProgressLine('error: Server returned HTTP 404')).toBeNull();
  });
});

describe('pullStatusTexts', () => {
  it('splits TTY redraws on ESC 8 and \\r', () => {
    expect(pullStatusTexts(TTY_OUTPUT)).toHaveLength(3);
  });
});

describe('PullProgressTracker', () => {
  it('counts verbose object writes, then takes the final line', () => {
    const t = new PullProgressTracker();
    const seen = VERBOSE.flatMap((l) => t.feed(l));
    expect(seen.map((p) => [p.fetchedObjects, p.metadataObjects])).toEqual([
      [1, 1],
      [2, 2],
      [3, 2],
    ]);
    const [last] = t.feed(FINAL_HTTP);
    expect(last).toMatchObject({ fetchedObjects: 21, metadataObjects: 11, done: true });
  });

  it('never goes backwards on TTY output', () => {
    const t = new PullProgressTracker();
    const seen = t.feed(TTY_OUTPUT);
    expect(seen.map((p) => [p.fetchedObjects, p.done])).toEqual([
      [3, false],
      [8, false],
      [21, true],
    ]);
    expect(seen[1]!.bytes).toBe(923700);
  });
});
