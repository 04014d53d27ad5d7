import { describe, expect, it } from 'vitest';
import { gitPrn, gitSqrti, skipAwayIndex, stepsLeft } from '../../../src/bisect/engine/git-rules.js';

// Expected values come from git's own get_prn, sqrti, skip_away index formula and
// estimate_bisect_steps (bisect.c), compiled with gcc -fwrapv and run for counts 1..70000; the
// TypeScript matched on every one. These rows are a sample of that run.
const table: [count: number, prn: number, index: number, steps: number][] = [
  [1, 16838, 0, 0], [2, 908, 0, 0], [3, 17747, 0, 1], [4, 1817, 0, 1], [5, 18655, 1, 1],
  [6, 2726, 0, 2], [7, 19564, 3, 2], [8, 3634, 0, 2], [9, 20472, 3, 2], [10, 4543, 0, 2],
  [11, 21381, 5, 3], [12, 5451, 0, 3], [100, 12662, 23, 6], [1000, 28322, 801, 9],
  [4097, 9901, 676, 11], [65536, 20077, 31280, 15], [65537, 4147, 2932, 15], [70000, 16484, 24902, 15],
]; // prettier-ignore

describe("git's bisect arithmetic", () => {
  it.each(table)('count %i: prn %i, skip_away index %i, roughly %i steps', (count, prn, index, steps) => {
    expect(gitPrn(count)).toBe(prn);
    expect(skipAwayIndex(count)).toBe(index);
    expect(stepsLeft(count)).toBe(steps);
  });

  it('computes the integer square root in single precision, truncated, as git does', () => {
    const roots: [number, number][] = [
      [0, 0], [1, 1], [2, 1], [3, 1], [4, 2], [8, 2], [9, 3], [15, 3], [35, 5], [99, 9], [32767, 181], [32768, 181],
    ]; // prettier-ignore
    for (const [val, root] of roots) expect(gitSqrti(val)).toBe(root);
  });

  it('keeps the skip_away index inside the list for every count a bisection can have', () => {
    const outside: number[] = [];
    for (let count = 1; count <= 65536; count++) {
      const i = skipAwayIndex(count);
      if (i < 0 || i >= count) outside.push(count);
    }
    expect(outside).toEqual([]);
  });
});
