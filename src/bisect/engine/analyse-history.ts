import { ContradictoryVerdicts } from './contradictory-verdicts.js';
import type { EngineCommit, EngineInput, Verdict } from './types.js';

/** What the verdicts say about a linear history, after identical trees have shared theirs. */
export interface History {
  readonly input: EngineInput;
  /** The verdict of every position: judged, by definition (the ends), or shared with an identical tree. */
  readonly verdictAt: readonly (Verdict | undefined)[];
  /** The newest commit known good (the last commit of its content). */
  readonly lastGood: number;
  /** The oldest commit known bad (the first commit of its content). */
  readonly firstBad: number;
  /**
   * The commits that could be the first bad one, oldest first: the first commit of each eligible
   * content strictly between lastGood and firstBad (none of them judged good or bad, some maybe
   * skipped), then firstBad itself, which is always a possible answer whatever its eligibility.
   * These are git's "tree-changing" commits: everything else in the range is TREESAME to git.
   */
  readonly answers: readonly number[];
  /** Parallel to answers: whether that content was skipped. The last (firstBad) never is. */
  readonly skipped: readonly boolean[];
  /** Whether any commit was skipped at all: git then sorts candidates by distance (FIND_BISECTION_ALL). */
  readonly anySkip: boolean;
}

/**
 * One pass over the history: group consecutive identical root trees into contents, give each
 * content the verdict of any of its commits, check that the verdicts agree with one regression,
 * and list what can still be the first bad commit. O(n).
 */
export function analyseHistory(input: EngineInput): History {
  const { commits, verdicts } = input;
  const n = commits.length;
  if (n < 2) throw new Error(`bisect engine needs a good and a bad commit, got ${n} commit(s)`);
  const position = positionsOf(commits);
  // Verdicts by position, looked up once per verdict rather than once per commit.
  const judgedAt: (Verdict | undefined)[] = new Array<Verdict | undefined>(n);
  for (const [commitId, verdict] of Object.entries(verdicts)) {
    const i = position.get(commitId);
    if (i !== undefined) judgedAt[i] = verdict;
  }
  const id = (i: number): string => commits[i]!.id;
  const tree = (i: number): string | null => commits[i]!.rootTree ?? null;
  const judged = (i: number): Verdict | undefined => judgedAt[i];

  const goodEnd = judged(0);
  if (goodEnd !== undefined && goodEnd !== 'good') {
    throw new ContradictoryVerdicts(
      'endpoint',
      id(0),
      undefined,
      `commit ${id(0)} is the known-good end of this bisection but was marked ${goodEnd}`,
    );
  }
  const badEnd = judged(n - 1);
  if (badEnd !== undefined && badEnd !== 'bad') {
    throw new ContradictoryVerdicts(
      'endpoint',
      id(n - 1),
      undefined,
      `commit ${id(n - 1)} is the known-bad end of this bisection but was marked ${badEnd}`,
    );
  }
  const verdictOf = (i: number): Verdict | undefined => (i === 0 ? 'good' : i === n - 1 ? 'bad' : judged(i));
  const goodWord = (i: number) => (i === 0 ? 'is the known-good end' : 'was marked good');
  const badName = (i: number) => (i === n - 1 ? `the known-bad end ${id(i)}` : `bad commit ${id(i)}`);

  const verdictAt: (Verdict | undefined)[] = new Array<Verdict | undefined>(n);
  const contentStart: boolean[] = new Array<boolean>(n).fill(false);
  let lastGood = -1;
  let lastGoodSource = -1;
  let firstBad = -1;
  let firstBadSource = -1;
  let anySkip = false;

  for (let start = 0; start < n;) {
    let end = start;
    const t = tree(start);
    if (t !== null) while (end + 1 < n && tree(end + 1) === t) end++;
    contentStart[start] = true;

    let goodSource = -1;
    let badSource = -1;
    let skipped = false;
    for (let i = start; i <= end; i++) {
      const v = verdictOf(i);
      if (v === 'good' && goodSource < 0) goodSource = i;
      else if (v === 'bad' && badSource < 0) badSource = i;
      else if (v === 'skip') skipped = true;
    }
    if (skipped) anySkip = true;
    if (goodSource >= 0 && badSource >= 0) {
      throw new ContradictoryVerdicts(
        'same-content',
        id(goodSource),
        id(badSource),
        `commit ${id(goodSource)} ${goodWord(goodSource)} but has the same content (root tree ${t}) ` +
          `as ${badName(badSource)}`,
      );
    }
    const v: Verdict | undefined =
      goodSource >= 0 ? 'good' : badSource >= 0 ? 'bad' : skipped ? 'skip' : undefined;
    verdictAt.fill(v, start, end + 1);
    if (v === 'good') {
      lastGood = end;
      lastGoodSource = goodSource;
    } else if (v === 'bad' && firstBad < 0) {
      firstBad = start;
      firstBadSource = badSource;
    }
    start = end + 1;
  }

  if (lastGood > firstBad) {
    throw new ContradictoryVerdicts(
      'good-after-bad',
      id(lastGoodSource),
      id(firstBadSource),
      `commit ${id(lastGoodSource)} ${goodWord(lastGoodSource)} but is newer than ${badName(firstBadSource)}`,
    );
  }

  const answers: number[] = [];
  const skipped: boolean[] = [];
  for (let i = lastGood + 1; i < firstBad; i++) {
    if (contentStart[i] && commits[i]!.eligible !== false) {
      answers.push(i);
      skipped.push(verdictAt[i] === 'skip');
    }
  }
  answers.push(firstBad);
  skipped.push(false);
  return { input, verdictAt, lastGood, firstBad, answers, skipped, anySkip };
}

// The id -> position index is the costliest part of an analysis (hashing every id), and a session
// asks many questions of one commits array (lookahead alone asks 13 at depth 2). Memoised per
// array; the engine never mutates it, and EngineInput declares it readonly for callers.
const positionCache = new WeakMap<readonly EngineCommit[], ReadonlyMap<string, number>>();

function positionsOf(commits: readonly EngineCommit[]): ReadonlyMap<string, number> {
  let position = positionCache.get(commits);
  if (position === undefined) {
    const index = new Map<string, number>();
    commits.forEach((c, i) => {
      if (index.has(c.id)) throw new Error(`bisect engine: commit ${c.id} is listed twice`);
      index.set(c.id, i);
    });
    positionCache.set(commits, (position = index));
  }
  return position;
}
