// What the user gets at the end: the first bad commit, what changed in its packages, and a
// short file diff against its parent.
import type { DoneNext, AmbiguousNext } from './engine/index.js';
import type { BisectEnv } from './bisect-env.js';
import { ensurePulled } from './deploy-candidate.js';
import { diffPackages, type PackageChange } from './package-diff.js';
import { computeSourceResult } from './source-result.js';
import type { BisectState, StoredCommit } from './state.js';

export interface FileChange {
  kind: 'A' | 'D' | 'M';
  path: string;
}

export interface BisectResult {
  firstBad: StoredCommit;
  /** The commit before it in the history (its parent on the server). */
  parent: StoredCommit | null;
  lastGood: StoredCommit;
  packages: PackageChange[];
  files: FileChange[];
  /** Files left out of `files` to keep it short. */
  moreFiles: number;
  /** With --package: the regression lies after lastGood and at or before firstBad. */
  packageGlobs: string[];
  unfilteredRange: { from: StoredCommit; to: StoredCommit } | null;
  /** The server pruned history just after good: the regression may be in what is missing. */
  gapAfterGood: boolean;
}

export const MAX_FILES = 20;

export async function computeResult(
  env: BisectEnv,
  state: BisectState,
  done: DoneNext,
): Promise<BisectResult> {
  if (state.source) return computeSourceResult(env, state, done);
  const firstBad = state.commits[done.firstBad]!;
  const parent = done.firstBad > 0 ? state.commits[done.firstBad - 1]! : null;
  const packages = diffPackages(parent?.packages ?? null, firstBad.packages);
  let files: FileChange[] = [];
  if (parent) {
    // Both contents are needed locally for a file diff; candidates already are, others are pulled.
    await ensurePulled(env, state, parent);
    await ensurePulled(env, state, firstBad);
    files = await env.ostree.sysroot(env.sysroot).repo().diff(parent.checksum, firstBad.checksum);
  }
  return {
    firstBad,
    parent,
    lastGood: state.commits[done.lastGood]!,
    packages,
    files: files.slice(0, MAX_FILES),
    moreFiles: Math.max(0, files.length - MAX_FILES),
    packageGlobs: state.packageGlobs,
    unfilteredRange: done.unfilteredRange
      ? { from: state.commits[done.unfilteredRange.from]!, to: state.commits[done.unfilteredRange.to]! }
      : null,
    gapAfterGood: state.gapAfterGood && done.lastGood === 0,
  };
}

export interface AmbiguousResult {
  candidates: StoredCommit[];
}

export function ambiguousResult(state: BisectState, a: AmbiguousNext): AmbiguousResult {
  return { candidates: a.candidates.map((i) => state.commits[i]!) };
}
