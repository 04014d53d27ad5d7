// `grove bisect run -- CMD` on a machine grove can boot itself (a sandbox): deploy, reboot, run
// CMD on the booted tree, record, next — until the bisection ends. One step (judge what booted,
// record, deploy the next candidate) is shared with the host path, run-continue.ts, where each
// step runs in a new process after a real reboot.
import { UserError } from '../errors.js';
import type { BootAttempt } from '../machine/machine.js';
import { sameDeployment } from '../trees/tree-roles.js';
import type { Advance } from './advance.js';
import type { BisectEnv } from './bisect-env.js';
import { status } from './engine/index.js';
import { engineInput, verdictToTerm } from './engine-input.js';
import { loadState } from './find-state.js';
import { deploySection, readStepLog, recordingEnv, updateStepLog, type StepTestRun } from './run-step-log.js';
import type { BisectRunConfig, BisectState, StoredCommit } from './state.js';
import { bisectDir, deployedId } from './state.js';
import { ensurePrefetchRunning, stopAnyPrefetch } from './prefetch.js';
import { classifyExit, type TestOutcome } from './test-exit.js';
import { recordVerdict } from './verdict.js';

export interface RunOptions extends BisectRunConfig {
  /** Called around each step (the CLI prints progress, the demo shows output). */
  onStep?: (e: RunStepEvent) => void;
}

export type RunStepEvent =
  | {
      kind: 'boot';
      step: number;
      candidate: StoredCommit;
      /** git's estimate of the verdicts still needed after this one. */
      stepsLeft: number;
      /** Commits that could still be the first bad one. */
      remaining: number;
    }
  | { kind: 'booted'; step: number; candidate: StoredCommit; ok: boolean; fellBack: number }
  | {
      kind: 'tested';
      step: number;
      candidate: StoredCommit;
      outcome: TestOutcome;
      runs: number;
      output: string;
      seconds: number;
      /** Where the step's logs are. */
      logDir: string;
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
  // A source bisection's run builds ahead in its own queue: a background builder left by the
  // command that deployed the first candidate would build the same commits in the same places.
  if (state.source && env.buildAhead !== 'background') {
    await stopAnyPrefetch(bisectDir(env.sysroot, state.stateroot), { waitGone: true });
  }
  let reboots = 0;
  let steps = 0;
  let last: Advance | null = null;
  let firstRun = isFirstRun(state);
  while (state.expected) {
    await announceStep(env, state, opts);
    const boot = await env.machine.reboot();
    reboots++;
    const r = await judgeBootedStep(env, opts, boot.fellBack, firstRun);
    if (r.kind === 'stopped') throw stoppedError(r.candidate, r.outcome, opts.argv);
    if (r.tested) firstRun = false;
    last = r.advance;
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

/** True until a test run of this bisection has given a verdict (126/127 mean "cannot run" then). */
export function isFirstRun(state: BisectState): boolean {
  return Object.values(state.verdicts).every((v) => v.source !== 'run');
}

/**
 * Before a reboot into the expected candidate: make sure its step log says how it was deployed
 * (start or a verdict by hand deploy without a run watching), and report the step with git's
 * estimate of what is left.
 */
export async function announceStep(
  env: BisectEnv,
  state: BisectState,
  opts: Pick<RunOptions, 'onStep'>,
): Promise<{ candidate: StoredCommit; step: number }> {
  const candidate = expectedCommit(state);
  const step = state.step + 1;
  const log = await readStepLog(env.sysroot, state.stateroot, step, candidate.checksum);
  if (!log?.deployed) {
    const deployed = deploySection(state, 'earlier', [], null);
    if (deployed) await updateStepLog(env.sysroot, state.stateroot, step, candidate, { deployed });
  }
  const s = status(engineInput(state));
  opts.onStep?.({ kind: 'boot', step, candidate, stepsLeft: s.stepsLeft, remaining: s.remaining });
  return { candidate, step };
}

export type StepResult =
  | { kind: 'recorded'; candidate: StoredCommit; advance: Advance; tested: boolean }
  | { kind: 'stopped'; candidate: StoredCommit; outcome: TestOutcome };

/**
 * One step on a machine that has just booted: check that the expected candidate is what booted,
 * run the test there, keep the step's logs, record the verdict (or did-not-boot) and let the
 * engine deploy the next candidate. A test that cannot run, or asks to abort, stops without a
 * verdict.
 */
export async function judgeBootedStep(
  env: BisectEnv,
  opts: RunOptions,
  fellBack: BootAttempt[],
  firstRun: boolean,
): Promise<StepResult> {
  const { state } = await loadState(env.sysroot);
  const candidate = expectedCommit(state);
  const expected = state.expected!;
  const step = state.step + 1;
  const booted = await env.machine.booted();
  const ok = sameDeployment(deployedId(expected), booted);
  await updateStepLog(env.sysroot, state.stateroot, step, candidate, {
    boot: {
      at: new Date().toISOString(),
      booted: booted
        ? { checksum: booted.checksum, serial: booted.serial, stateroot: booted.stateroot }
        : null,
      ok,
      bootId: await env.machine.bootId(),
      fellBack: fellBack.map((f) => ({ entry: f.entry, failed: f.failed })),
    },
  });
  opts.onStep?.({ kind: 'booted', step, candidate, ok, fellBack: fellBack.length });
  if (!ok) {
    // recordVerdict notices the wrong tree booted and records did-not-boot instead of a verdict.
    const advance = await recordAndDeployNext(env, state, step, candidate, { term: 'skip' });
    return { kind: 'recorded', candidate, advance, tested: false };
  }

  // After a real reboot the prefetch started at deploy time is gone: start it again, so the
  // next candidates arrive while this one is tested.
  await ensurePrefetchRunning(env, bisectDir(env.sysroot, state.stateroot));
  const started = Date.now();
  const test = await testTree(env, opts, candidate, step, firstRun);
  const seconds = (Date.now() - started) / 1000;
  const logDir = await updateStepLog(
    env.sysroot,
    state.stateroot,
    step,
    candidate,
    {
      test: {
        argv: opts.argv,
        env: test.env,
        timeout: opts.timeout ?? null,
        runs: test.runs,
        outcome: test.outcome,
        seconds,
        output: 'test.out',
      },
    },
    test.output,
  );
  const { outcome } = test;
  opts.onStep?.({
    kind: 'tested',
    step,
    candidate,
    outcome,
    runs: test.runs.length,
    output: test.output,
    seconds,
    logDir,
  });
  if (outcome.kind !== 'verdict') return { kind: 'stopped', candidate, outcome };
  const runs = test.runs.length;
  const advance = await recordAndDeployNext(env, state, step, candidate, {
    term: verdictToTerm(state.terms, outcome.verdict),
    note: `${outcome.why}${runs > 1 ? `, ${runs} runs` : ''}`,
  });
  return { kind: 'recorded', candidate, advance, tested: true };
}

/** Records the verdict (the engine then deploys the next candidate) and logs both steps' sides. */
async function recordAndDeployNext(
  env: BisectEnv,
  state: BisectState,
  step: number,
  candidate: StoredCommit,
  v: { term: string; note?: string },
): Promise<Advance> {
  const rec = recordingEnv(env);
  const started = Date.now();
  const out = await recordVerdict(rec.env, {
    term: v.term,
    source: 'run',
    ...(v.note ? { note: v.note } : {}),
  });
  const seconds = (Date.now() - started) / 1000;
  const { state: after } = await loadState(env.sysroot);
  const recorded = after.verdicts[candidate.checksum];
  if (recorded) {
    await updateStepLog(env.sysroot, state.stateroot, step, candidate, {
      verdict: {
        verdict: recorded.verdict,
        source: recorded.source,
        at: recorded.at,
        ...(recorded.note ? { note: recorded.note } : {}),
      },
    });
  }
  if (out.advance.kind === 'testing') {
    const deployed = deploySection(after, 'run', rec.events(), seconds);
    if (deployed)
      await updateStepLog(env.sysroot, after.stateroot, out.advance.step, out.advance.candidate, {
        deployed,
      });
  }
  return out.advance;
}

async function testTree(
  env: BisectEnv,
  opts: BisectRunConfig,
  candidate: StoredCommit,
  step: number,
  firstRun: boolean,
): Promise<{ outcome: TestOutcome; runs: StepTestRun[]; output: string; env: Record<string, string> }> {
  const times = Math.max(1, opts.times ?? 1);
  const testEnv = {
    GROVE_CHECKSUM: candidate.checksum,
    GROVE_VERSION: candidate.version ?? '',
    GROVE_STEP: String(step),
  };
  let output = '';
  let outcome: TestOutcome = { kind: 'verdict', verdict: 'good', why: 'exit 0' };
  const runs: StepTestRun[] = [];
  for (let i = 0; i < times; i++) {
    const started = Date.now();
    const r = await env.machine.exec(opts.argv, {
      timeout: opts.timeout ? opts.timeout * 1000 : undefined,
      env: testEnv,
    });
    runs.push({
      exitCode: r.exitCode,
      signal: r.signal,
      timedOut: r.timedOut,
      seconds: (Date.now() - started) / 1000,
    });
    if (times > 1) output += `--- run ${i + 1} of up to ${times}: exit ${r.exitCode ?? r.signal} ---\n`;
    output += r.stdout + r.stderr;
    outcome = classifyExit(r, firstRun && i === 0);
    // The first failure decides; a good run is repeated to catch flaky failures.
    if (outcome.kind !== 'verdict' || outcome.verdict !== 'good') break;
  }
  return { outcome, runs, output, env: testEnv };
}

export function stoppedError(candidate: StoredCommit, outcome: TestOutcome, argv: string[]): UserError {
  if (outcome.kind === 'cannot-run') {
    return new UserError(
      `the test could not be run on the booted tree: ${outcome.why}. Check the command: ${argv.join(' ')}`,
    );
  }
  return new UserError(
    `the test asked to stop the bisection (${outcome.why}); no verdict was recorded for ${candidate.version ?? candidate.checksum.slice(0, 10)}. Run it again to go on.`,
  );
}

function expectedCommit(state: BisectState): StoredCommit {
  const e = state.expected;
  const c = e ? state.commits.find((x) => x.checksum === e.checksum) : undefined;
  if (!c) throw new Error(`bisect state expects ${e?.checksum ?? 'nothing'}, which is not in its history`);
  return c;
}
