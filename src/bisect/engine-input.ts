import type { EngineInput, Verdict } from './engine/index.js';
import type { BisectState } from './state.js';

/** The engine's view of a state: the stored history and the verdicts recorded so far. */
export function engineInput(state: BisectState, extra: Record<string, Verdict> = {}): EngineInput {
  const verdicts: Record<string, Verdict> = {};
  for (const [id, v] of Object.entries(state.verdicts)) verdicts[id] = v.verdict;
  return {
    commits: state.commits.map((c) => ({ id: c.checksum, rootTree: c.rootTree, eligible: c.eligible })),
    verdicts: { ...verdicts, ...extra },
  };
}

/**
 * Maps a verb to the engine's verdict: the terms in use (good/bad by default), old/new always,
 * and skip. Like git, good/bad are refused when other terms were chosen.
 */
export function termToVerdict(terms: { old: string; new: string }, word: string): Verdict | null {
  if (word === 'skip') return 'skip';
  if (word === terms.old || word === 'old') return 'good';
  if (word === terms.new || word === 'new') return 'bad';
  return null;
}

export function verdictToTerm(terms: { old: string; new: string }, v: Verdict): string {
  return v === 'good' ? terms.old : v === 'bad' ? terms.new : 'skip';
}
