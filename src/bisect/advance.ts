// After every change of verdicts: ask the engine what is next and make the machine ready for it.
import type { BisectEnv } from './bisect-env.js';
import { deployCandidate, dropStaleCandidates } from './deploy-candidate.js';
import { buildOrSkip } from './source-candidates.js';
import { nextStep, inferredVerdicts } from './engine/index.js';
import { engineInput } from './engine-input.js';
import { stopAnyPrefetch } from './prefetch.js';
import { ambiguousResult, computeResult, type AmbiguousResult, type BisectResult } from './result.js';
import type { BisectState, StateStore, StoredCommit } from './state.js';

export type Advance =
  | {
      kind: 'testing';
      candidate: StoredCommit;
      /** Commits that could still be the first bad one (after the last good, up to the first bad). */
      remaining: number;
      /** git's "N revisions left to test after this". */
      leftAfterThis: number;
      /** git's "roughly N steps" after this one. */
      stepsLeft: number;
      step: number;
    }
  | { kind: 'done'; result: BisectResult }
  | { kind: 'ambiguous'; result: AmbiguousResult };

export async function advance(env: BisectEnv, store: StateStore, state: BisectState): Promise<Advance> {
  const input = engineInput(state);
  announceInferred(env, state);
  const next = nextStep(input);
  if (next.kind === 'test') {
    const candidate = state.commits[next.index]!;
    state.result = null;
    state.ambiguous = null;
    // Source bisection: build the candidate first; one that does not build is skipped.
    if (state.source && (await buildOrSkip(env, store, state, candidate))) return advance(env, store, state);
    await deployCandidate(env, store, state, candidate);
    // While this candidate is tested, pull the ones that can come next.
    await stopAnyPrefetch(store.dir, { waitGone: Boolean(state.source) });
    await env.prefetch?.({ store, state });
    return {
      kind: 'testing',
      candidate,
      remaining: next.remaining,
      leftAfterThis: next.leftAfterThis,
      stepsLeft: next.stepsLeft,
      step: state.step + 1,
    };
  }
  state.expected = null;
  // Nothing comes next: what was deployed ahead is stale, and the background work ends here
  // (waited for: the bisection's end is not a verdict anybody waits on to reboot).
  state.ahead = [];
  await stopAnyPrefetch(store.dir, { waitGone: true });
  if (next.kind === 'done') {
    if (!state.result || state.result.firstBad.checksum !== next.id)
      state.result = await computeResult(env, state, next);
    state.ambiguous = null;
    await store.save(state);
    await dropStaleCandidates(env, store, state, null);
    return { kind: 'done', result: state.result };
  }
  state.ambiguous = ambiguousResult(state, next);
  state.result = null;
  await store.save(state);
  await dropStaleCandidates(env, store, state, null);
  return { kind: 'ambiguous', result: state.ambiguous };
}

/** Says which commits took a verdict from an identical neighbour (once each). */
function announceInferred(env: BisectEnv, state: BisectState): void {
  const all = inferredVerdicts(engineInput(state));
  for (let i = 1; i < state.commits.length - 1; i++) {
    const c = state.commits[i]!;
    const v = all[c.checksum];
    if (!v || state.verdicts[c.checksum]) continue;
    const source = state.commits.find((o) => o.rootTree === c.rootTree && state.verdicts[o.checksum]);
    if (!source) continue;
    state.verdicts[c.checksum] = {
      verdict: v,
      source: 'inferred',
      at: new Date().toISOString(),
      step: state.step,
    };
    env.emit({
      kind: 'inferred',
      checksum: c.checksum,
      version: c.version,
      verdict: v,
      sameAs: source.checksum,
    });
  }
}
