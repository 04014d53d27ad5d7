import { analyseHistory, type History } from './analyse-history.js';
import { skipAwayIndex, stepsLeft } from './git-rules.js';
import type { BisectStatus, EngineInput, Lookahead, Next, Verdict } from './types.js';

// How the next commit is chosen, in git's terms. git's bisection list is every commit reachable
// from the bad one and not from a good one; on a linear history that is (lastGood, firstBad].
// Commits that cannot be the answer (the later commits of an identical-tree run, commits the
// package filter excludes) are git's TREESAME commits: they carry no weight and are never chosen.
// The others, History.answers, get weights 1..nr oldest first (the number of answers each one
// reaches), and a commit of weight w splits the answers into w (if it is bad) and nr - w (if good).

/** The next thing to do: test a commit, or the bisection is over (found, or only skipped ones left). */
export function nextStep(input: EngineInput): Next {
  return decide(analyseHistory(input));
}

/** Everything `status` and `view` show, from one analysis. */
export function status(input: EngineInput): BisectStatus {
  const h = analyseHistory(input);
  const next = decide(h);
  return {
    next,
    lastGood: h.lastGood,
    firstBad: h.firstBad,
    remaining: h.firstBad - h.lastGood,
    possibleFirstBad: h.answers,
    skipped: h.answers.filter((_, i) => h.skipped[i]),
    stepsLeft: next.kind === 'test' ? next.stepsLeft : 0,
  };
}

/**
 * Every commit's verdict as the engine sees it: judged, by definition (the ends), or shared from a
 * commit with the same content. Commits nobody judged are present with `undefined`.
 */
export function inferredVerdicts(input: EngineInput): Record<string, Verdict | undefined> {
  const h = analyseHistory(input);
  const out: Record<string, Verdict | undefined> = {};
  input.commits.forEach((c, i) => (out[c.id] = h.verdictAt[i]));
  return out;
}

/**
 * The next step and, `depth` levels down, the steps that would follow each verdict on it: depth 1
 * gives the candidates to prefetch while the current one is tested, depth 2 the level after.
 * 3^depth analyses of O(n) each.
 */
export function lookahead(input: EngineInput, depth: number): Lookahead {
  const next = nextStep(input);
  if (depth <= 0 || next.kind !== 'test') return { next };
  const after = (v: Verdict) =>
    lookahead({ commits: input.commits, verdicts: { ...input.verdicts, [next.id]: v } }, depth - 1);
  return { next, ifGood: after('good'), ifBad: after('bad'), ifSkip: after('skip') };
}

/**
 * The commits a lookahead would test after its root, nearest level first, each once: what to
 * prefetch. By default only the good and bad branches (a skip is the exception).
 */
export function testsAhead(
  tree: Lookahead,
  branches: readonly Verdict[] = ['good', 'bad'],
): { index: number; id: string }[] {
  const out: { index: number; id: string }[] = [];
  const seen = new Set<string>([tree.next.kind === 'test' ? tree.next.id : '']);
  let level: Lookahead[] = [tree];
  while (level.length > 0) {
    const below: Lookahead[] = [];
    for (const node of level) {
      for (const v of branches) {
        const child = v === 'good' ? node.ifGood : v === 'bad' ? node.ifBad : node.ifSkip;
        if (child === undefined) continue;
        below.push(child);
        if (child.next.kind === 'test' && !seen.has(child.next.id)) {
          seen.add(child.next.id);
          out.push({ index: child.next.index, id: child.next.id });
        }
      }
    }
    level = below;
  }
  return out;
}

function decide(h: History): Next {
  const { answers, lastGood, firstBad } = h;
  const commits = h.input.commits;
  const nr = answers.length;
  if (nr === 1) {
    return {
      kind: 'done',
      firstBad,
      id: commits[firstBad]!.id,
      lastGood,
      ...(firstBad - lastGood > 1 ? { unfilteredRange: { from: lastGood + 1, to: firstBad - 1 } } : {}),
    };
  }
  // git switches to its sorted, skip-aware selection as soon as anything was ever skipped.
  const best = h.anySkip ? bisectionOrder(h)[0]! : halfway(h);
  const chosen = h.skipped[best] ? skipAway(h) : best;
  if (chosen === undefined) {
    return {
      kind: 'ambiguous',
      candidates: answers,
      ids: answers.map((i) => commits[i]!.id),
      lastGood,
      firstBad,
    };
  }
  const index = answers[chosen]!;
  return {
    kind: 'test',
    index,
    id: commits[index]!.id,
    remaining: firstBad - lastGood,
    stepsLeft: stepsLeft(nr),
    // git: all - reaches - 1, where reaches is the weight of the best commit found before skipped
    // ones were stepped away from (find_bisection sets it; managed_skipped does not update it).
    leftAfterThis: nr - (best + 1) - 1,
  };
}

function halfway(h: History): number {
  const nr = h.answers.length;
  const oldestCounted = h.answers[0] === h.lastGood + 1;
  for (let w = oldestCounted ? 2 : 1; w < nr; w++) if (Math.abs(2 * w - nr) <= 1) return w - 1;
  let best = 0;
  for (let w = 1, bestDistance = -1; w <= nr; w++) {
    const distance = Math.min(w, nr - w);
    if (distance > bestDistance) [best, bestDistance] = [w - 1, distance];
  }
  return best;
}

/**
 * git with skipped commits: best_bisection_sorted orders the answers by min(w, nr - w), largest
 * first, equal distances by object id (the two commits at the same distance from either end);
 * firstBad, at distance 0, comes last. When the first one is skipped (filter_skipped), skip_away:
 * from the non-skipped ones in that order, take the one at skipAwayIndex(count), or the one before
 * it if that is firstBad. If firstBad is all that is left, git gives up: "only 'skip'ped commits
 * left" (undefined here). Returns an index into answers.
 */
function skipAway(h: History): number | undefined {
  const testable = bisectionOrder(h).filter((a) => !h.skipped[a]);
  if (testable.length === 1) return undefined;
  const index = skipAwayIndex(testable.length);
  const cur = testable[index];
  if (cur === undefined) return testable[0]!; // past the end: git keeps the head of the list
  return cur !== h.answers.length - 1 ? cur : testable[index - 1]!;
}

/** best_bisection_sorted's order, built in O(nr): distances come in pairs w and nr - w. */
function bisectionOrder(h: History): number[] {
  const nr = h.answers.length;
  const id = (a: number) => h.input.commits[h.answers[a]!]!.id;
  const order: number[] = [];
  for (let d = Math.floor(nr / 2); d >= 1; d--) {
    const older = d - 1;
    const newer = nr - d - 1;
    if (older === newer) order.push(older);
    // oidcmp on the raw hash: for hex checksums of one length, string order is byte order.
    else if (id(newer) < id(older)) order.push(newer, older);
    else order.push(older, newer);
  }
  order.push(nr - 1);
  return order;
}
