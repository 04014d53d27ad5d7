// The arithmetic of git's bisect.c, reproduced so that grove proposes the same commit git would
// for the same linear history. Nothing here knows about commits; next-step.ts applies it.

const PRN_MODULO = 32768;

/**
 * git's `get_prn`: one step of the "man 3 rand" LCG, seeded with `count` (unsigned 32-bit
 * arithmetic, as in C). git calls it with the number of non-skipped commits, so the "random"
 * offset is a pure function of how many candidates remain.
 */
export function gitPrn(count: number): number {
  const state = (Math.imul(count >>> 0, 1103515245) + 12345) >>> 0;
  return Math.floor(state / 65536) % PRN_MODULO;
}

/** git's `sqrti`: Newton's method in single-precision floats, stopped when a step is < 0.5, truncated. */
export function gitSqrti(val: number): number {
  if (val === 0) return 0;
  const f = Math.fround;
  const v = f(val);
  let x = v;
  let d: number;
  do {
    const y = f(f(x + f(v / x)) / 2);
    d = f(y > x ? y - x : x - y);
    x = y;
  } while (d >= 0.5);
  return Math.trunc(x);
}

/**
 * The position git's `skip_away` steps to in the list of non-skipped commits (sorted best first)
 * when the best one is skipped: `(count * prn / PRN_MODULO) * sqrti(prn) / sqrti(PRN_MODULO)` in
 * C int arithmetic. The offset grows with both prn and sqrt(prn), so it is biased towards the good
 * candidates at the front of the list while still jumping clear of a cluster of skipped commits.
 * The result may be outside [0, count) only for counts past 65536, where C's int product wraps;
 * git then keeps the head of the list, and so does the caller.
 */
export function skipAwayIndex(count: number): number {
  const prn = gitPrn(count);
  const scaled = Math.trunc(Math.imul(count, prn) / PRN_MODULO);
  return Math.trunc(Math.imul(scaled, gitSqrti(prn)) / gitSqrti(PRN_MODULO));
}

/**
 * git's `estimate_bisect_steps(all)`: roughly how many more verdicts are needed *after* the one
 * being asked for, when `all` commits could still be the first bad one. This is the "(roughly N
 * steps)" in git's "Bisecting: 5 revisions left to test after this (roughly 3 steps)".
 */
export function stepsLeft(all: number): number {
  if (all < 3) return 0;
  const n = Math.floor(Math.log2(all));
  const e = 2 ** n;
  const x = all - e;
  return e < 3 * x ? n : n - 1;
}
