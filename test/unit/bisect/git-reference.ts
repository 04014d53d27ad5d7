// A deliberately literal transliteration of git's bisect.c for a linear history, written for the
// tests only and independent of the engine's structure: find_bisection's weights handed out pass
// by pass, approx_halfway, best_bisection, best_bisection_sorted with a real comparator sort,
// filter_skipped and skip_away over linked-list-like arrays, and bisect_next_all's conclusions.
// `eligible[i] === false` plays git's TREESAME (path-limited bisect). Only git's arithmetic
// (skipAwayIndex) is shared; it is checked against git's C separately.
import { skipAwayIndex } from '../../../src/bisect/engine/git-rules.js';
import type { Verdict } from '../../../src/bisect/engine/index.js';

export type GitOutcome =
  | { kind: 'test'; index: number }
  | { kind: 'done'; index: number }
  | { kind: 'ambiguous'; indices: number[] };

export function gitReference(
  ids: string[],
  eligible: boolean[],
  verdicts: Record<string, Verdict>,
): GitOutcome {
  const n = ids.length;
  const at = (v: Verdict) => ids.flatMap((id, i) => (verdicts[id] === v ? [i] : []));
  const good = Math.max(0, ...at('good'));
  const bad = Math.min(n - 1, ...at('bad'));
  const skippedRevs = new Set(at('skip'));
  const findAll = skippedRevs.size > 0;
  const treesame = (p: number) => eligible[p] === false;

  const list: number[] = [];
  for (let p = good + 1; p <= bad; p++) list.push(p); // rev-list bad --not good, reversed: oldest first
  const nr = list.filter((p) => !treesame(p)).length;
  const weight = new Map<number, number>();
  let counted = 0;
  for (const p of list) {
    if (p === good + 1) {
      if (!treesame(p)) {
        weight.set(p, 1);
        counted++;
      } else weight.set(p, 0);
    } else weight.set(p, -1);
  }
  let best: number | undefined;
  passes: while (counted < nr) {
    for (const p of list) {
      if (weight.get(p)! >= 0) continue;
      const q = weight.get(p - 1);
      if (q === undefined || q < 0) continue;
      if (!treesame(p)) {
        weight.set(p, q + 1);
        counted++;
      } else weight.set(p, q);
      const w = weight.get(p)!;
      if (!findAll && !treesame(p) && Math.abs(2 * w - nr) <= 1) {
        best = p;
        break passes;
      }
    }
  }
  const distance = (p: number) => Math.min(weight.get(p)!, nr - weight.get(p)!);
  let sorted: number[];
  if (best !== undefined) sorted = [best];
  else if (!findAll) {
    let bestDistance = -1;
    for (const p of list) {
      if (treesame(p)) continue;
      if (distance(p) > bestDistance) [best, bestDistance] = [p, distance(p)];
    }
    sorted = [best!];
  } else {
    sorted = list
      .filter((p) => !treesame(p))
      .sort((a, b) => distance(b) - distance(a) || (ids[a]! < ids[b]! ? -1 : ids[a]! > ids[b]! ? 1 : 0));
  }

  // managed_skipped
  let chosen: number;
  let tried: number[] = [];
  if (!skippedRevs.has(sorted[0]!)) chosen = sorted[0]!;
  else {
    tried = sorted.filter((p) => skippedRevs.has(p));
    const filtered = sorted.filter((p) => !skippedRevs.has(p));
    const index = skipAwayIndex(filtered.length);
    chosen = filtered[0]!;
    for (let i = 0, previous: number | undefined; i < filtered.length; previous = filtered[i], i++) {
      if (i === index) {
        chosen = filtered[i] !== bad ? filtered[i]! : (previous ?? filtered[0]!);
        break;
      }
    }
  }
  if (chosen !== bad) return { kind: 'test', index: chosen };
  if (tried.length > 0) return { kind: 'ambiguous', indices: [...tried, bad].sort((a, b) => a - b) };
  return { kind: 'done', index: bad };
}
