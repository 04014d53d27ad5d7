// The answer of a source bisection: the first bad git commit, and what its build changes in the
// tree against the build of the commit before it.
import type { BisectEnv } from './bisect-env.js';
import type { DoneNext } from './engine/index.js';
import { MAX_FILES, type BisectResult, type FileChange } from './result.js';
import { closeSourceBuilds, lookupOrBuild } from './source-candidates.js';
import type { BisectState, StoredCommit } from './state.js';

export async function computeSourceResult(
  env: BisectEnv,
  state: BisectState,
  done: DoneNext,
): Promise<BisectResult> {
  const firstBad = state.commits[done.firstBad]!;
  const parent = done.firstBad > 0 ? state.commits[done.firstBad - 1]! : null;
  let files: FileChange[] = [];
  if (parent) {
    // The ends were never tested, so they may not be built yet: build them now (cached after).
    const a = await builtTree(env, state, parent);
    const b = await builtTree(env, state, firstBad);
    if (a && b) files = await env.ostree.sysroot(env.sysroot).repo().diff(a, b);
  }
  // The bisection is over: whatever was being built ahead is of no use.
  closeSourceBuilds(env.sysroot);
  return {
    firstBad,
    parent,
    lastGood: state.commits[done.lastGood]!,
    packages: [],
    files: files.slice(0, MAX_FILES),
    moreFiles: Math.max(0, files.length - MAX_FILES),
    packageGlobs: [],
    unfilteredRange: null,
    gapAfterGood: false,
  };
}

async function builtTree(env: BisectEnv, state: BisectState, c: StoredCommit): Promise<string | null> {
  if (c.built) return c.built;
  const o = await lookupOrBuild(env, state, c);
  if (o.kind !== 'built') return null;
  c.built = o.checksum;
  return o.checksum;
}
