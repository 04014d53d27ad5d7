import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ContradictoryVerdicts,
  inferredVerdicts,
  lookahead,
  nextStep,
  type EngineCommit,
  type Next,
  type Verdict,
} from '../../../src/bisect/engine/index.js';
import { gitReference } from './git-reference.js';

const log2ceil = (x: number) => Math.ceil(Math.log2(x));
const range = (from: number, to: number) =>
  Array.from({ length: Math.max(0, to - from + 1) }, (_, i) => from + i);

/**
 * Drives the engine with an oracle until it concludes. Checks on every step that the proposed
 * commit has no verdict yet, not even one shared from an identical tree, so no commit and no
 * content is ever tested twice. `reference`, when given, must agree with every step.
 */
function drive(
  commits: EngineCommit[],
  answer: (index: number) => Verdict,
  reference?: (verdicts: Record<string, Verdict>) => void,
): { end: Exclude<Next, { kind: 'test' }>; tested: number[]; verdicts: Record<string, Verdict> } {
  const verdicts: Record<string, Verdict> = {};
  const tested: number[] = [];
  for (;;) {
    const next = nextStep({ commits, verdicts });
    reference?.(verdicts);
    if (next.kind !== 'test') return { end: next, tested, verdicts };
    expect(inferredVerdicts({ commits, verdicts })[next.id]).toBeUndefined();
    expect(tested.length).toBeLessThan(commits.length); // terminates
    tested.push(next.index);
    verdicts[next.id] = answer(next.index);
  }
}

/** Distinct hex-like ids in random order, so git's id tie-break is not positional. */
const idsOf = (n: number) =>
  fc
    .uniqueArray(fc.integer({ min: 0, max: 0xfffffff }), { minLength: n, maxLength: n })
    .map((xs) => xs.map((x) => x.toString(16).padStart(8, '0')));

const asReference = (ids: string[], eligible: boolean[]) => (verdicts: Record<string, Verdict>) => {
  const ours = nextStep({ commits: ids.map((id, i) => ({ id, eligible: eligible[i]! })), verdicts });
  const git = gitReference(ids, eligible, verdicts);
  expect(
    ours.kind === 'test'
      ? { kind: 'test', index: ours.index }
      : ours.kind === 'done'
        ? { kind: 'done', index: ours.firstBad }
        : { kind: 'ambiguous', indices: ours.candidates },
  ).toEqual(git);
};

describe('without skips', () => {
  // n counts the commits after the good one up to and including the bad one: the possible answers.
  // There are n of them, so no strategy can guarantee fewer than ⌈log2 n⌉ verdicts; with c
  // candidates strictly between good and bad this is ⌈log2(c + 1)⌉ (⌈log2 c⌉ is impossible: c = 1
  // still needs one verdict).
  it('finds the first bad commit in at most ⌈log2 n⌉ verdicts for n commits in (good, bad]', () => {
    fc.assert(
      fc.property(
        fc
          .integer({ min: 2, max: 2001 })
          .chain((total) => fc.tuple(fc.constant(total), fc.integer({ min: 1, max: total - 1 }))),
        ([total, firstBad]) => {
          const commits = range(0, total - 1).map((i) => ({ id: `c${i}` }));
          const { end, tested } = drive(commits, (i) => (i >= firstBad ? 'bad' : 'good'));
          expect(end).toMatchObject({ kind: 'done', firstBad, lastGood: firstBad - 1 });
          expect(end).not.toHaveProperty('unfilteredRange');
          expect(tested.length).toBeLessThanOrEqual(log2ceil(total - 1));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('needs exactly ⌈log2 n⌉ verdicts in the worst case (the bound is tight, the engine optimal)', () => {
    for (let n = 1; n <= 70; n++) {
      const commits = range(0, n).map((i) => ({ id: `c${i}` }));
      const worst = Math.max(
        ...range(1, n).map((f) => drive(commits, (i) => (i >= f ? 'bad' : 'good')).tested.length),
      );
      expect([n, worst]).toEqual([n, log2ceil(n)]);
    }
  });

  it('proposes what git proposes at every step', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 120 }).chain((n) => fc.tuple(idsOf(n), fc.integer({ min: 1, max: n - 1 }))),
        ([ids, firstBad]) => {
          const eligible = ids.map(() => true);
          drive(
            ids.map((id) => ({ id })),
            (i) => (i >= firstBad ? 'bad' : 'good'),
            asReference(ids, eligible),
          );
        },
      ),
    );
  });
});

describe('with untestable commits (answered skip)', () => {
  const history = fc.integer({ min: 2, max: 150 }).chain((n) =>
    fc.record({
      ids: idsOf(n),
      firstBad: fc.integer({ min: 1, max: n - 1 }),
      untestable: fc.subarray(range(1, n - 2)),
    }),
  );

  it("finds the first bad exactly, or lists exactly git's 'could be any of' set, which contains it", () => {
    fc.assert(
      fc.property(history, ({ ids, firstBad, untestable }) => {
        const n = ids.length;
        const skip = new Set(untestable);
        const commits = ids.map((id) => ({ id }));
        const { end, verdicts } = drive(commits, (i) =>
          skip.has(i) ? 'skip' : i >= firstBad ? 'bad' : 'good',
        );
        const judged = (v: Verdict) => range(0, n - 1).filter((i) => verdicts[ids[i]!] === v);
        const lastGood = Math.max(0, ...judged('good'));
        const oldestBad = Math.min(n - 1, ...judged('bad'));
        if (end.kind === 'done') {
          expect(end.firstBad).toBe(firstBad);
        } else {
          expect(end.kind).toBe('ambiguous');
          if (end.kind !== 'ambiguous') return;
          // git: every commit between the last good and the first bad was skipped; it lists them and the bad one.
          const expected = range(lastGood + 1, oldestBad);
          expect(end.candidates).toEqual(expected);
          expect(end.ids).toEqual(expected.map((i) => ids[i]));
          for (const i of expected.slice(0, -1)) expect(verdicts[ids[i]!]).toBe('skip');
          expect(expected).toContain(firstBad);
          expect(end.candidates.length).toBeGreaterThan(1);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('steps away from skipped commits exactly as git does, at every step', () => {
    fc.assert(
      fc.property(history, ({ ids, firstBad, untestable }) => {
        const skip = new Set(untestable);
        const eligible = ids.map(() => true);
        drive(
          ids.map((id) => ({ id })),
          (i) => (skip.has(i) ? 'skip' : i >= firstBad ? 'bad' : 'good'),
          asReference(ids, eligible),
        );
      }),
      { numRuns: 300 },
    );
  });
});

describe('identical root trees', () => {
  // Contents as runs of consecutive commits; a run with tree null is that many distinct contents.
  const runs = fc.array(fc.record({ length: fc.integer({ min: 1, max: 5 }), nullTree: fc.boolean() }), {
    minLength: 2,
    maxLength: 120,
  });

  it('need at most ⌈log2(D - 1)⌉ verdicts for D distinct contents, never test a content twice, and name the commit that introduced the bad one', () => {
    fc.assert(
      fc.property(runs, fc.nat(), fc.subarray(range(0, 600)), (rs, pick, skipPick) => {
        const commits: EngineCommit[] = [];
        const contentOf: number[] = [];
        let content = -1;
        rs.forEach((r, k) => {
          if (!r.nullTree) content++;
          for (let j = 0; j < r.length; j++) {
            if (r.nullTree) content++;
            commits.push({ id: `c${commits.length}`, rootTree: r.nullTree ? null : `tree${k}` });
            contentOf.push(content);
          }
        });
        const distinct = content + 1;
        if (distinct < 2) return;
        const badContent = 1 + (pick % (distinct - 1));
        const introduced = contentOf.indexOf(badContent);
        const oracle = (i: number) => (contentOf[i]! >= badContent ? 'bad' : 'good');

        const { end, tested } = drive(commits, oracle);
        expect(end).toMatchObject({ kind: 'done', firstBad: introduced });
        expect(end).toMatchObject({ lastGood: introduced - 1 });
        expect(tested.length).toBeLessThanOrEqual(log2ceil(distinct - 1));
        const testedContents = tested.map((i) => contentOf[i]);
        expect(new Set(testedContents).size).toBe(tested.length);
        for (const i of tested) expect(contentOf[i - 1]).not.toBe(contentOf[i]); // the first commit of its content

        // With some contents untestable: still never a content twice, and any answer is right.
        const untestable = new Set(
          skipPick.map((x) => x % distinct).filter((c) => c > 0 && c < distinct - 1),
        );
        const withSkips = drive(commits, (i) => (untestable.has(contentOf[i]!) ? 'skip' : oracle(i)));
        expect(new Set(withSkips.tested.map((i) => contentOf[i])).size).toBe(withSkips.tested.length);
        if (withSkips.end.kind === 'done') expect(withSkips.end.firstBad).toBe(introduced);
        else expect(withSkips.end.candidates).toContain(introduced);
      }),
      { numRuns: 300 },
    );
  });
});

describe('package filter', () => {
  const filtered = fc.integer({ min: 2, max: 250 }).chain((n) =>
    fc.record({
      ids: idsOf(n),
      eligible: fc.array(fc.boolean(), { minLength: n, maxLength: n }),
      firstBad: fc.integer({ min: 1, max: n - 1 }),
    }),
  );

  it('tests only eligible commits, needs at most ⌈log2(E + 1)⌉ verdicts for E eligible candidates, and reports the range', () => {
    fc.assert(
      fc.property(filtered, ({ ids, eligible, firstBad }) => {
        const n = ids.length;
        const commits = ids.map((id, i) => ({ id, eligible: eligible[i]! }));
        const middle = range(1, n - 2).filter((i) => eligible[i]);
        const { end, tested } = drive(commits, (i) => (i >= firstBad ? 'bad' : 'good'));
        for (const i of tested) expect(eligible[i]).toBe(true);
        expect(tested.length).toBeLessThanOrEqual(log2ceil(middle.length + 1));

        const reported = middle.find((i) => i >= firstBad) ?? n - 1;
        const lastGood = Math.max(0, ...middle.filter((i) => i < firstBad));
        expect(end).toMatchObject({ kind: 'done', firstBad: reported, lastGood });
        if (end.kind !== 'done') return;
        // The real first bad lies after lastGood and at or before the reported one.
        expect(firstBad).toBeGreaterThan(end.lastGood);
        expect(firstBad).toBeLessThanOrEqual(end.firstBad);
        if (reported - lastGood > 1)
          expect(end.unfilteredRange).toEqual({ from: lastGood + 1, to: reported - 1 });
        else expect(end).not.toHaveProperty('unfilteredRange');
      }),
      { numRuns: 300 },
    );
  });

  it("matches git's path-limited bisect (excluded commits are TREESAME), with skips too", () => {
    fc.assert(
      fc.property(filtered, fc.subarray(range(1, 248)), ({ ids, eligible, firstBad }, untestable) => {
        eligible[ids.length - 1] = true; // git ignores a TREESAME bad commit; grove always counts it
        const skip = new Set(untestable);
        drive(
          ids.map((id, i) => ({ id, eligible: eligible[i]! })),
          (i) => (skip.has(i) ? 'skip' : i >= firstBad ? 'bad' : 'good'),
          asReference(ids, eligible),
        );
      }),
      { numRuns: 300 },
    );
  });
});

describe('contradictory verdicts', () => {
  it('are refused exactly when no single regression explains them', () => {
    const verdict = fc.constantFrom<Verdict | undefined>('good', 'bad', 'skip', undefined, undefined);
    fc.assert(
      fc.property(
        fc.array(fc.record({ verdict, tree: fc.constantFrom('A', 'B', null) }), {
          minLength: 2,
          maxLength: 25,
        }),
        (cs) => {
          const n = cs.length;
          const commits = cs.map((c, i) => ({ id: `c${i}`, rootTree: c.tree }));
          const verdicts: Record<string, Verdict> = {};
          cs.forEach((c, i) => c.verdict && (verdicts[`c${i}`] = c.verdict));
          // Brute force: the ends agree with their definition, and some split point t puts every
          // content with a good commit (or the good end) before t and every content with a bad
          // commit (or the bad end) at or after t.
          const runOf = (i: number) => {
            let [s, e] = [i, i];
            if (cs[i]!.tree !== null) {
              while (s > 0 && cs[s - 1]!.tree === cs[i]!.tree) s--;
              while (e < n - 1 && cs[e + 1]!.tree === cs[i]!.tree) e++;
            }
            return [s, e] as const;
          };
          const v = (i: number) => (i === 0 ? 'good' : i === n - 1 ? 'bad' : cs[i]!.verdict);
          const endsOk =
            [undefined, 'good'].includes(cs[0]!.verdict) && [undefined, 'bad'].includes(cs[n - 1]!.verdict);
          const consistent =
            endsOk &&
            range(1, n - 1).some((t) =>
              range(0, n - 1).every((i) => {
                const [s, e] = runOf(i);
                return (v(i) !== 'good' || e < t) && (v(i) !== 'bad' || s >= t);
              }),
            );
          let thrown: unknown;
          try {
            nextStep({ commits, verdicts });
          } catch (e) {
            thrown = e;
          }
          if (consistent) expect(thrown).toBeUndefined();
          else expect(thrown).toBeInstanceOf(ContradictoryVerdicts);
        },
      ),
      { numRuns: 1000 },
    );
  });
});

describe('lookahead', () => {
  it('predicts exactly the step that follows each verdict, two levels deep', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 60 }).chain((n) => fc.tuple(fc.constant(n), fc.subarray(range(1, n - 2)))),
        ([n, skips]) => {
          const commits = range(0, n - 1).map((i) => ({ id: `c${i}` }));
          const verdicts: Record<string, Verdict> = Object.fromEntries(
            skips.map((i) => [`c${i}`, 'skip' as const]),
          );
          const tree = lookahead({ commits, verdicts }, 2);
          expect(tree.next).toEqual(nextStep({ commits, verdicts }));
          if (tree.next.kind !== 'test') return;
          const id = tree.next.id;
          for (const v of ['good', 'bad', 'skip'] as const) {
            const child = v === 'good' ? tree.ifGood : v === 'bad' ? tree.ifBad : tree.ifSkip;
            const after = { ...verdicts, [id]: v };
            expect(child?.next).toEqual(nextStep({ commits, verdicts: after }));
            if (child?.next.kind === 'test') {
              expect(child.ifBad?.next).toEqual(
                nextStep({ commits, verdicts: { ...after, [child.next.id]: 'bad' } }),
              );
            }
          }
        },
      ),
    );
  });
});

describe('speed', () => {
  it('bisects 200,000 commits with skips in linear time per step', () => {
    const n = 200_000;
    // Pairs of commits share a content; every 7th content is untestable; content 61731 went bad.
    const content = (i: number) => i >> 1;
    const commits = range(0, n - 1).map((i) => ({
      id: i.toString(16).padStart(8, '0'),
      rootTree: `t${content(i)}`,
    }));
    const oracle = (i: number): Verdict =>
      content(i) % 7 === 3 ? 'skip' : content(i) >= 61_731 ? 'bad' : 'good';
    const verdicts: Record<string, Verdict> = {};
    const started = performance.now();
    let next = nextStep({ commits, verdicts });
    let steps = 0;
    for (; next.kind === 'test' && steps < 100; steps++) {
      verdicts[next.id] = oracle(next.index);
      next = nextStep({ commits, verdicts });
    }
    const elapsed = performance.now() - started;
    expect(next).toMatchObject({ kind: 'done', firstBad: 123_462, lastGood: 123_461 });
    expect(steps).toBeLessThan(40);
    expect(elapsed).toBeLessThan(10_000); // measured ~1 s; an O(n²) step would take hours
  });
});
