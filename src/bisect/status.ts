// What `grove bisect status` and `view` show, as data.
import type { BisectEnv } from './bisect-env.js';
import { status as engineStatus } from './engine/index.js';
import { engineInput } from './engine-input.js';
import { findStore } from './find-state.js';
import type { BisectResult } from './result.js';
import type { BisectState, StoredCommit, Verdict } from './state.js';

export interface StatusRow {
  commit: StoredCommit;
  verdict: Verdict | null;
  source: string | null;
  /** deployed for the next boot */
  expected: boolean;
  firstBad: boolean;
  possible: boolean;
}

export interface BisectStatusView {
  state: 'none' | 'testing' | 'done';
  sysroot: string;
  terms: { old: string; new: string };
  good: StoredCommit | null;
  bad: StoredCommit | null;
  expected: StoredCommit | null;
  remaining: number;
  stepsLeft: number;
  tested: Array<{ commit: StoredCommit; verdict: Verdict; source: string }>;
  result: BisectResult | null;
  /** The commits that could still be the first bad one. */
  candidates: StoredCommit[];
  rows: StatusRow[];
  missing: BisectState['missing'];
  packageGlobs: string[];
}

export async function bisectStatus(env: Pick<BisectEnv, 'sysroot'>): Promise<BisectStatusView> {
  const store = await findStore(env.sysroot);
  const state = store ? await store.load() : null;
  if (!state) {
    return {
      state: 'none',
      sysroot: env.sysroot,
      terms: { old: 'good', new: 'bad' },
      good: null,
      bad: null,
      expected: null,
      remaining: 0,
      stepsLeft: 0,
      tested: [],
      result: null,
      candidates: [],
      rows: [],
      missing: [],
      packageGlobs: [],
    };
  }
  const s = engineStatus(engineInput(state));
  const expected = state.expected
    ? (state.commits.find((c) => c.checksum === state.expected!.checksum) ?? null)
    : null;
  const possible = new Set(s.possibleFirstBad);
  const firstBadIndex = s.next.kind === 'done' ? s.next.firstBad : -1;
  const rows: StatusRow[] = state.commits.map((commit, i) => {
    const v = state.verdicts[commit.checksum];
    return {
      commit,
      verdict: v?.verdict ?? null,
      source: v?.source ?? null,
      expected: expected?.checksum === commit.checksum,
      firstBad: i === firstBadIndex,
      possible: possible.has(i),
    };
  });
  const tested = state.commits
    .slice(1, -1)
    .filter((c) => state.verdicts[c.checksum])
    .map((c) => ({
      commit: c,
      verdict: state.verdicts[c.checksum]!.verdict,
      source: state.verdicts[c.checksum]!.source,
    }));
  return {
    state: s.next.kind === 'test' ? 'testing' : 'done',
    sysroot: env.sysroot,
    terms: state.terms,
    good: state.commits[0]!,
    bad: state.commits[state.commits.length - 1]!,
    expected,
    remaining: s.remaining,
    stepsLeft: s.next.kind === 'test' ? s.stepsLeft + 1 : 0,
    tested,
    result: state.result,
    candidates: s.possibleFirstBad.map((i) => state.commits[i]!),
    rows,
    missing: state.missing,
    packageGlobs: state.packageGlobs,
  };
}
