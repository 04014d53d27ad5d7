// What a test command's exit means, as git bisect run defines it.
import type { Verdict } from './state.js';

export type TestOutcome =
  | { kind: 'verdict'; verdict: Verdict; why: string }
  | { kind: 'abort'; why: string }
  | { kind: 'cannot-run'; why: string };

export interface TestExit {
  exitCode: number | null;
  signal: string | null;
  timedOut: boolean;
}

/**
 * 0 good; 125 skip; 1–127 bad; 128 and above, or killed by a signal, abort without a verdict.
 * A timeout is a skip. 126/127 on the very first run mean the command could not be run at all
 * (not executable, not found), which says nothing about the tree.
 */
export function classifyExit(e: TestExit, firstRunOfBisection: boolean): TestOutcome {
  if (e.timedOut) return { kind: 'verdict', verdict: 'skip', why: 'timed out' };
  if (e.signal) return { kind: 'abort', why: `killed by ${e.signal}` };
  const code = e.exitCode ?? 255;
  if (code === 0) return { kind: 'verdict', verdict: 'good', why: 'exit 0' };
  if (code === 125) return { kind: 'verdict', verdict: 'skip', why: 'exit 125' };
  if ((code === 126 || code === 127) && firstRunOfBisection) {
    return {
      kind: 'cannot-run',
      why: code === 127 ? 'command not found (exit 127)' : 'command not executable (exit 126)',
    };
  }
  if (code >= 1 && code <= 127) return { kind: 'verdict', verdict: 'bad', why: `exit ${code}` };
  return { kind: 'abort', why: `exit ${code}` };
}
