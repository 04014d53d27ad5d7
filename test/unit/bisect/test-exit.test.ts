import { describe, expect, it } from 'vitest';
import { classifyExit } from '../../../src/bisect/test-exit.js';

const exit = (exitCode: number | null, extra: { signal?: string; timedOut?: boolean } = {}) => ({
  exitCode,
  signal: extra.signal ?? null,
  timedOut: extra.timedOut ?? false,
});

describe('classifyExit (git bisect run rules)', () => {
  it.each([
    [0, 'good'],
    [1, 'bad'],
    [2, 'bad'],
    [124, 'bad'],
    [125, 'skip'],
    [126, 'bad'],
    [127, 'bad'],
  ])('exit %i is %s once the test has run before', (code, verdict) => {
    expect(classifyExit(exit(code), false)).toMatchObject({ kind: 'verdict', verdict });
  });

  it('treats 126/127 on the very first run as a command that cannot run', () => {
    expect(classifyExit(exit(127), true).kind).toBe('cannot-run');
    expect(classifyExit(exit(126), true).kind).toBe('cannot-run');
    expect(classifyExit(exit(1), true)).toMatchObject({ kind: 'verdict', verdict: 'bad' });
  });

  it('aborts on 128 and above or a signal; a timeout is a skip', () => {
    expect(classifyExit(exit(128), false).kind).toBe('abort');
    expect(classifyExit(exit(255), false).kind).toBe('abort');
    expect(classifyExit(exit(null, { signal: 'SIGKILL' }), false).kind).toBe('abort');
    expect(classifyExit(exit(null, { signal: 'SIGTERM', timedOut: true }), false)).toMatchObject({
      kind: 'verdict',
      verdict: 'skip',
      why: 'timed out',
    });
  });
});
