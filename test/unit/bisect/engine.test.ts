import { describe, expect, it } from 'vitest';
import { UserError } from '../../../src/errors.js';
import {
  ContradictoryVerdicts,
  inferredVerdicts,
  lookahead,
  nextStep,
  status,
  testsAhead,
  type EngineCommit,
  type Verdict,
} from '../../../src/bisect/engine/index.js';

/** Commits c0..c{n-1}; c0 is the known-good end, the last the known-bad end. */
const linear = (n: number): EngineCommit[] => Array.from({ length: n }, (_, i) => ({ id: `c${i}` }));
const judge = (pairs: Record<number, Verdict>): Record<string, Verdict> =>
  Object.fromEntries(Object.entries(pairs).map(([i, v]) => [`c${i}`, v]));

describe('nextStep on a plain linear history', () => {
  it('is done at once when good and bad are adjacent (no candidates)', () => {
    expect(nextStep({ commits: linear(2), verdicts: {} })).toEqual({
      kind: 'done',
      firstBad: 1,
      id: 'c1',
      lastGood: 0,
    });
  });

  it('tests the single candidate, then names the first bad', () => {
    expect(nextStep({ commits: linear(3), verdicts: {} })).toMatchObject({
      kind: 'test',
      index: 1,
      remaining: 2,
    });
    expect(nextStep({ commits: linear(3), verdicts: judge({ 1: 'good' }) })).toMatchObject({
      kind: 'done',
      firstBad: 2,
      lastGood: 1,
    });
    expect(nextStep({ commits: linear(3), verdicts: judge({ 1: 'bad' }) })).toMatchObject({
      kind: 'done',
      firstBad: 1,
      lastGood: 0,
    });
  });

  it("with two candidates takes the newer one, as git's approx_halfway does", () => {
    expect(nextStep({ commits: linear(4), verdicts: {} })).toMatchObject({ kind: 'test', index: 2 });
  });

  it('halves what remains and reports it the way git words it', () => {
    // 11 candidates + the bad commit = 12 possible answers; git: "5 revisions left ... (roughly 3 steps)".
    expect(nextStep({ commits: linear(13), verdicts: {} })).toEqual({
      kind: 'test',
      index: 6,
      id: 'c6',
      remaining: 12,
      stepsLeft: 3,
      leftAfterThis: 5,
    });
  });

  it('narrows to the commits after the newest good and up to the oldest bad', () => {
    const s = status({
      commits: linear(20),
      verdicts: judge({ 4: 'good', 2: 'good', 12: 'bad', 15: 'bad' }),
    });
    expect(s).toMatchObject({ lastGood: 4, firstBad: 12, remaining: 8, skipped: [] });
    expect(s.possibleFirstBad).toEqual([5, 6, 7, 8, 9, 10, 11, 12]);
    expect(s.next).toMatchObject({ kind: 'test', index: 8 });
  });

  it('ignores verdicts on ids it does not know', () => {
    expect(nextStep({ commits: linear(3), verdicts: { nope: 'bad' } })).toMatchObject({
      kind: 'test',
      index: 1,
    });
  });
});

describe('skipped commits', () => {
  it("steps away from a skipped midpoint to where git's skip_away lands", () => {
    // 9 answers, best is c4 (skipped). Non-skipped in git's order: c5 c3 c6 c2 c7 c1 c8 c9 (ids
    // break distance ties); count 8 -> skip_away index 0 -> c5.
    const next = nextStep({ commits: linear(10), verdicts: judge({ 4: 'skip' }) });
    expect(next).toMatchObject({ kind: 'test', index: 5 });
  });

  it('does not step away when the best commit is testable', () => {
    expect(nextStep({ commits: linear(10), verdicts: judge({ 7: 'skip' }) })).toMatchObject({ index: 4 });
  });

  it('gives up like git when only skipped commits are left, listing them and the first bad', () => {
    const next = nextStep({
      commits: linear(6),
      verdicts: judge({ 1: 'skip', 2: 'skip', 3: 'skip', 4: 'skip' }),
    });
    expect(next).toEqual({
      kind: 'ambiguous',
      candidates: [1, 2, 3, 4, 5],
      ids: ['c1', 'c2', 'c3', 'c4', 'c5'],
      lastGood: 0,
      firstBad: 5,
    });
  });

  it('lists only the skipped commits between the last good and the first bad', () => {
    const verdicts = judge({ 2: 'good', 3: 'skip', 4: 'skip', 5: 'bad', 6: 'skip' });
    const next = nextStep({ commits: linear(9), verdicts });
    expect(next).toMatchObject({ kind: 'ambiguous', candidates: [3, 4, 5] });
    expect(status({ commits: linear(9), verdicts }).skipped).toEqual([3, 4]);
  });
});

describe('identical root trees', () => {
  // contents: A A | B B B | C | D D  (c0..c7), c0 good, c7 bad
  const trees = ['A', 'A', 'B', 'B', 'B', 'C', 'D', 'D'];
  const commits: EngineCommit[] = trees.map((t, i) => ({ id: `c${i}`, rootTree: t }));

  it('share a verdict, including with the ends', () => {
    expect(inferredVerdicts({ commits, verdicts: judge({ 3: 'good' }) })).toEqual({
      c0: 'good',
      c1: 'good',
      c2: 'good',
      c3: 'good',
      c4: 'good',
      c5: undefined,
      c6: 'bad',
      c7: 'bad',
    });
  });

  it('only ever proposes the first commit of a content nobody judged', () => {
    // Answers: c2 (B), c5 (C), c6 (D, known bad). Weights 1..3: git takes weight 2.
    expect(nextStep({ commits, verdicts: {} })).toMatchObject({ kind: 'test', index: 5, remaining: 5 });
    expect(nextStep({ commits, verdicts: judge({ 5: 'bad' }) })).toMatchObject({ kind: 'test', index: 2 });
  });

  it('names the commit that introduced the bad content', () => {
    expect(nextStep({ commits, verdicts: judge({ 4: 'bad' }) })).toMatchObject({
      kind: 'done',
      firstBad: 2,
      lastGood: 1,
    });
  });

  it('treats null and missing trees as distinct contents', () => {
    const mixed: EngineCommit[] = [
      { id: 'c0', rootTree: null },
      { id: 'c1', rootTree: null },
      { id: 'c2' },
      { id: 'c3' },
    ];
    expect(status({ commits: mixed, verdicts: {} }).possibleFirstBad).toEqual([1, 2, 3]);
  });

  it('refuses a content judged both good and bad', () => {
    const err = catchError(() => nextStep({ commits, verdicts: judge({ 2: 'good', 4: 'bad' }) }));
    expect(err).toBeInstanceOf(ContradictoryVerdicts);
    expect(err).toMatchObject({ reason: 'same-content', commitId: 'c2', otherId: 'c4' });
    expect(err?.message).toContain(
      'commit c2 was marked good but has the same content (root tree B) as bad commit c4',
    );
  });
});

describe('package filter (eligible)', () => {
  // eligible: c3, c6 only; c0 good, c9 bad
  const commits: EngineCommit[] = linear(10).map((c, i) => ({ ...c, eligible: i === 3 || i === 6 }));

  it('proposes only eligible commits', () => {
    // Answers c3, c6, c9 (weights 1..3). c1 is excluded (TREESAME to git), so c3's weight of 1 is
    // checked for being halfway, and wins; with c1 eligible git would take weight 2 instead.
    expect(nextStep({ commits, verdicts: {} })).toMatchObject({ kind: 'test', index: 3 });
    expect(nextStep({ commits, verdicts: judge({ 3: 'good' }) })).toMatchObject({ kind: 'test', index: 6 });
  });

  it('reports the first bad eligible commit and the excluded commits the regression may be in', () => {
    expect(nextStep({ commits, verdicts: judge({ 6: 'bad', 3: 'good' }) })).toEqual({
      kind: 'done',
      firstBad: 6,
      id: 'c6',
      lastGood: 3,
      unfilteredRange: { from: 4, to: 5 },
    });
  });

  it('falls back to the known-bad end, and honours verdicts on excluded commits', () => {
    expect(nextStep({ commits, verdicts: judge({ 6: 'good' }) })).toMatchObject({
      kind: 'done',
      firstBad: 9,
      lastGood: 6,
      unfilteredRange: { from: 7, to: 8 },
    });
    expect(nextStep({ commits, verdicts: judge({ 5: 'bad', 2: 'good' }) })).toMatchObject({
      kind: 'test',
      index: 3,
    });
    expect(nextStep({ commits, verdicts: judge({ 5: 'bad', 3: 'good', 4: 'good' }) })).toEqual({
      kind: 'done',
      firstBad: 5,
      id: 'c5',
      lastGood: 4,
    });
  });
});

describe('contradictory verdicts', () => {
  it('refuse a good commit newer than a bad one, with a message the session can show', () => {
    const err = catchError(() => nextStep({ commits: linear(10), verdicts: judge({ 3: 'bad', 7: 'good' }) }));
    expect(err).toBeInstanceOf(ContradictoryVerdicts);
    expect(err).toBeInstanceOf(UserError);
    expect(err).toMatchObject({ reason: 'good-after-bad', commitId: 'c7', otherId: 'c3' });
    expect(err?.message).toMatch(/^commit c7 was marked good but is newer than bad commit c3\. /);
  });

  it('refuse verdicts that contradict the ends', () => {
    expect(catchError(() => nextStep({ commits: linear(4), verdicts: judge({ 0: 'bad' }) }))).toMatchObject({
      reason: 'endpoint',
      commitId: 'c0',
      message: expect.stringContaining(
        'commit c0 is the known-good end of this bisection but was marked bad',
      ),
    });
    expect(catchError(() => nextStep({ commits: linear(4), verdicts: judge({ 3: 'skip' }) }))).toMatchObject({
      reason: 'endpoint',
      commitId: 'c3',
    });
    expect(
      catchError(() => nextStep({ commits: linear(4), verdicts: judge({ 2: 'good' }) })),
    ).toBeUndefined();
  });

  it('are not confused with malformed input, which is a bug in the caller', () => {
    expect(() => nextStep({ commits: linear(1), verdicts: {} })).toThrow(/needs a good and a bad commit/);
    const dup = [...linear(3), { id: 'c1' }];
    const err = catchError(() => nextStep({ commits: dup, verdicts: {} }));
    expect(err).toBeInstanceOf(Error);
    expect(err).not.toBeInstanceOf(UserError);
  });
});

describe('lookahead', () => {
  const commits = linear(17);

  it('gives the next candidate after each verdict, and the level after at depth 2', () => {
    const tree = lookahead({ commits, verdicts: {} }, 2);
    expect(tree.next).toMatchObject({ index: 8 });
    expect(tree.ifGood?.next).toEqual(nextStep({ commits, verdicts: judge({ 8: 'good' }) }));
    expect(tree.ifBad?.next).toEqual(nextStep({ commits, verdicts: judge({ 8: 'bad' }) }));
    expect(tree.ifSkip?.next).toEqual(nextStep({ commits, verdicts: judge({ 8: 'skip' }) }));
    expect(tree.ifGood?.ifBad?.next).toEqual(
      nextStep({ commits, verdicts: judge({ 8: 'good', 12: 'bad' }) }),
    );
    expect(tree.ifGood?.ifBad?.ifGood).toBeUndefined();
    expect(testsAhead(tree).map((t) => t.index)).toEqual([12, 4, 14, 10, 6, 2]);
  });

  it('stops at a conclusion', () => {
    expect(lookahead({ commits: linear(2), verdicts: {} }, 3)).toEqual({
      next: nextStep({ commits: linear(2), verdicts: {} }),
    });
  });
});

function catchError(f: () => unknown): Error | undefined {
  try {
    f();
  } catch (e) {
    return e as Error;
  }
  return undefined;
}
