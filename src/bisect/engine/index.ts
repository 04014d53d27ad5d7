// The pure bisect engine: given a linear history and the verdicts so far, what to test next.
// No I/O, no clock, no randomness but git's own deterministic one.
export { ContradictoryVerdicts, type Contradiction } from './contradictory-verdicts.js';
export { stepsLeft } from './git-rules.js';
export { inferredVerdicts, lookahead, nextStep, status, testsAhead } from './next-step.js';
export type {
  AmbiguousNext,
  BisectStatus,
  DoneNext,
  EngineCommit,
  EngineInput,
  Lookahead,
  Next,
  TestNext,
  Verdict,
} from './types.js';
