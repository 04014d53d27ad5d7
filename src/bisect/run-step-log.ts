// Every step of an unattended bisection keeps its logs in
// /var/lib/grove/bisect/steps/<n>-<short checksum>/: step.json (what was pulled and deployed for
// it, what booted, the test's runs with exit codes, the verdict, timings) and test.out (the test's
// output). A step is written by up to three processes on a host (the one that deploys the
// candidate, and the one that runs after it boots), so step.json is merged section by section.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { readJsonFile, writeJsonDurably } from '../state/atomic-file.js';
import type { BisectEnv } from './bisect-env.js';
import type { BisectEvent } from './events.js';
import { bisectDir, type BisectState, type RecordedVerdict, type StoredCommit } from './state.js';
import type { TestOutcome } from './test-exit.js';

export interface LoggedEvent {
  /** Seconds since the command that emitted it began the step's work. */
  t: number;
  event: BisectEvent;
}

export interface StepDeploySection {
  /** Serial of the deployment made for this step, -1 when it is not known. */
  serial: number;
  stateroot: string;
  /** When the deploy was recorded (ISO 8601). */
  at: string;
  /** Who deployed it: this run, or an earlier command (start, a verdict by hand). */
  by: 'run' | 'earlier';
  /** Whether each commit pulled for the step had to be fetched (waited) or was already there. */
  pulled: Array<{ checksum: string; version: string | null; waited: boolean }>;
  /** Seconds from the verdict on the previous step to this candidate deployed. */
  seconds: number | null;
  /** What the core reported meanwhile (pull progress is reduced to its last report per commit). */
  events: LoggedEvent[];
}

export interface StepBootSection {
  at: string;
  /** What booted (the machine says so, not grove's bookkeeping). */
  booted: { checksum: string; serial: number; stateroot: string } | null;
  ok: boolean;
  bootId: string | null;
  /** Boot entries that failed before the one that booted (sandbox: known; host: not seen). */
  fellBack: Array<{ entry: string; failed: string }>;
}

export interface StepTestRun {
  exitCode: number | null;
  signal: string | null;
  timedOut: boolean;
  seconds: number;
}

export interface StepTestSection {
  argv: string[];
  env: Record<string, string>;
  timeout: number | null;
  runs: StepTestRun[];
  outcome: TestOutcome;
  seconds: number;
  /** File in the step directory with the test's stdout and stderr. */
  output: 'test.out';
}

export interface StepLog {
  step: number;
  checksum: string;
  version: string | null;
  deployed?: StepDeploySection;
  boot?: StepBootSection;
  test?: StepTestSection;
  verdict?: Pick<RecordedVerdict, 'verdict' | 'source' | 'note'> & { at: string };
}

export function stepsDir(sysroot: string, stateroot: string): string {
  return join(bisectDir(sysroot, stateroot), 'steps');
}

export function stepDir(sysroot: string, stateroot: string, step: number, checksum: string): string {
  return join(stepsDir(sysroot, stateroot), `${step}-${checksum.slice(0, 10)}`);
}

/** Merges sections into the step's step.json (creating it). */
export async function updateStepLog(
  sysroot: string,
  stateroot: string,
  step: number,
  c: StoredCommit,
  patch: Partial<Omit<StepLog, 'step' | 'checksum' | 'version'>>,
  testOutput?: string,
): Promise<string> {
  const dir = stepDir(sysroot, stateroot, step, c.checksum);
  await mkdir(dir, { recursive: true });
  const file = join(dir, 'step.json');
  const old = await readJsonFile<StepLog>(file, 'step log');
  const log: StepLog = { ...(old ?? {}), step, checksum: c.checksum, version: c.version, ...patch };
  if (testOutput !== undefined) await writeFile(join(dir, 'test.out'), testOutput);
  await writeJsonDurably(file, log);
  return dir;
}

export async function readStepLog(
  sysroot: string,
  stateroot: string,
  step: number,
  checksum: string,
): Promise<StepLog | null> {
  return readJsonFile<StepLog>(join(stepDir(sysroot, stateroot, step, checksum), 'step.json'), 'step log');
}

/**
 * Wraps env so that what the core reports while it records a verdict and deploys the next
 * candidate is kept for the next step's log. Pull progress keeps only its last report per commit.
 */
export function recordingEnv(env: BisectEnv): { env: BisectEnv; events: () => LoggedEvent[] } {
  const started = Date.now();
  const events: LoggedEvent[] = [];
  const lastPull = new Map<string, number>();
  const emit = (e: BisectEvent) => {
    const entry = { t: (Date.now() - started) / 1000, event: e };
    if (e.kind === 'pull') {
      const i = lastPull.get(e.checksum);
      if (i !== undefined) events[i] = entry;
      else lastPull.set(e.checksum, events.push(entry) - 1);
    } else events.push(entry);
    env.emit(e);
  };
  return { env: { ...env, emit }, events: () => events };
}

/** The deploy section for the candidate a state expects next, from what was recorded meanwhile. */
export function deploySection(
  state: BisectState,
  by: StepDeploySection['by'],
  events: LoggedEvent[],
  seconds: number | null,
): StepDeploySection | null {
  const e = state.expected;
  if (!e) return null;
  const pulled = events.flatMap((l) =>
    l.event.kind === 'pulled'
      ? [{ checksum: l.event.checksum, version: l.event.version, waited: l.event.waited }]
      : [],
  );
  return { serial: e.serial, stateroot: e.stateroot, at: e.deployedAt, by, pulled, seconds, events };
}
