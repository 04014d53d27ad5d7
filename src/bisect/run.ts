// `grove bisect run -- CMD` on a machine grove can boot itself (a sandbox): deploy, reboot, run
// CMD on the booted tree, record, next — until the bisection ends.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { UserError } from '../errors.js';
import type { Advance } from './advance.js';
import type { BisectEnv } from './bisect-env.js';
import { verdictToTerm } from './engine-input.js';
import { loadState } from './find-state.js';
import { bisectDir, type StoredCommit } from './state.js';
import { classifyExit, type TestOutcome } from './test-exit.js';
import { recordVerdict } from './verdict.js';

export interface RunOptions {
  argv: string[];
  /** Seconds; a test that takes longer is a skip. */
  timeout?: number;
  /** Run the test up to N times; the first failure makes the tree bad. */
  times?: number;
  /** Called around each step (the CLI prints progress, the demo shows output). */
  onStep?: (e: RunStepEvent) => void;
}

export type RunStepEvent =
  | { kind: 'boot'; step: number; candidate: StoredCommit; stepsLeft: number; remaining: number }
  | { kind: 'booted'; step: number; candidate: StoredCommit; ok: boolean; fellBack: number }
  | {
      kind: 'tested';
      step: number;
      candidate: StoredCommit;
      outcome: TestOutcome;
      runs: number;
      output: string;
      seconds: number;
    };

export interface RunResult {
  advance: Advance;
  steps: number;
  reboots: number;
}

export async function runBisection(env: BisectEnv, opts: RunOptions): Promise<RunResult> {
  if (opts.argv.length === 0)
    throw new UserError('bisect run needs a command: grove bisect run -- CMD [ARGS...]');
  let { state } = await loadState(env.sysroot);
  let reboots = 0;
  let steps = 0;
  let last: Advance | null = null;
  let firstRun = Object.values(state.verdicts).every((v) => v.source !== 'run');
  while (state.expected) {
    const candidate = state.commits.find((c) => c.checksum === state.expected!.checksum)!;
    const stepNo = state.step + 1;
    opts.onStep?.({ kind: 'boot', step: stepNo, candidate, stepsLeft: 0, remaining: 0 });
    const boot = await env.machine.reboot();
    reboots++;
    const ok = boot.booted.checksum === candidate.checksum;
    opts.onStep?.({ kind: 'booted', step: stepNo, candidate, ok, fellBack: boot.fellBack.length });
    if (!ok) {
      // recordVerdict notices the wrong tree booted and records did-not-boot instead of a verdict.
      last = (await recordVerdict(env, { term: 'skip', source: 'run' })).advance;
      steps++;
      ({ state } = await loadState(env.sysroot));
      continue;
    }
    const started = Date.now();
    const { outcome, runs, output } = await testTree(env, opts, candidate, stepNo, firstRun);
    const seconds = (Date.now() - started) / 1000;
    await writeStepLog(env, state.stateroot, stepNo, candidate, {
      outcome,
      runs,
      output,
      seconds,
      argv: opts.argv,
    });
    opts.onStep?.({ kind: 'tested', step: stepNo, candidate, outcome, runs, output, seconds });
    if (outcome.kind === 'cannot-run') {
      throw new UserError(
        `the test could not be run on the booted tree: ${outcome.why}. Check the command: ${opts.argv.join(' ')}`,
      );
    }
    if (outcome.kind === 'abort') {
      throw new UserError(
        `the test asked to stop the bisection (${outcome.why}); no verdict was recorded for ${candidate.version ?? candidate.checksum.slice(0, 10)}. Run it again to go on.`,
      );
    }
    firstRun = false;
    last = (
      await recordVerdict(env, {
        term: verdictToTerm(state.terms, outcome.verdict),
        source: 'run',
        note: `${outcome.why}${runs > 1 ? `, ${runs} runs` : ''}`,
      })
    ).advance;
    steps++;
    ({ state } = await loadState(env.sysroot));
  }
  if (!last) {
    throw new UserError(
      state.result || state.ambiguous
        ? 'this bisection has already ended: see grove bisect status, or grove bisect reset.'
        : 'nothing is deployed to test. Give a verdict by hand or reset.',
    );
  }
  return { advance: last, steps, reboots };
}

async function testTree(
  env: BisectEnv,
  opts: RunOptions,
  candidate: StoredCommit,
  step: number,
  firstRun: boolean,
): Promise<{ outcome: TestOutcome; runs: number; output: string }> {
  const times = Math.max(1, opts.times ?? 1);
  let output = '';
  let outcome: TestOutcome = { kind: 'verdict', verdict: 'good', why: 'exit 0' };
  let runs = 0;
  for (let i = 0; i < times; i++) {
    runs++;
    const r = await env.machine.exec(opts.argv, {
      timeout: opts.timeout ? opts.timeout * 1000 : undefined,
      env: {
        GROVE_CHECKSUM: candidate.checksum,
        GROVE_VERSION: candidate.version ?? '',
        GROVE_STEP: String(step),
      },
    });
    output += r.stdout + r.stderr;
    outcome = classifyExit(r, firstRun && i === 0);
    // The first failure decides; a good run is repeated to catch flaky failures.
    if (outcome.kind !== 'verdict' || outcome.verdict !== 'good') break;
  }
  return { outcome, runs, output };
}

async function writeStepLog(
  env: BisectEnv,
  stateroot: string,
  step: number,
  c: StoredCommit,
  data: { outcome: TestOutcome; runs: number; output: string; seconds: number; argv: string[] },
): Promise<void> {
  const dir = join(bisectDir(env.sysroot, stateroot), 'steps', `${step}-${c.checksum.slice(0, 10)}`);
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'test.out'), data.output);
  await writeFile(
    join(dir, 'result.json'),
    JSON.stringify({ checksum: c.checksum, version: c.version, ...data, output: undefined }, null, 2) + '\n',
  );
}
