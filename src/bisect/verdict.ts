// `grove bisect good|bad|skip [TREE]`: a verdict for the tree that booted (checked against the
// candidate grove deployed), or for a tree named explicitly.
import { UsageError, UserError } from '../errors.js';
import { sameDeployment } from '../trees/tree-roles.js';
import { listTrees } from '../trees/list-trees.js';
import { resolveTreeSpec } from '../trees/tree-spec.js';
import { advance, type Advance } from './advance.js';
import { appendLog, dropFromLog } from './bisect-log.js';
import type { BisectEnv } from './bisect-env.js';
import { nextStep } from './engine/index.js';
import { engineInput, termToVerdict, verdictToTerm } from './engine-input.js';
import { loadState } from './find-state.js';
import {
  deployedId,
  type BisectState,
  type RecordedVerdict,
  type StateStore,
  type StoredCommit,
  type Verdict,
} from './state.js';

export interface VerdictOptions {
  /** The verb the user typed: good/bad/skip, old/new, or the custom terms. */
  term: string;
  /** An explicit tree (spec); default: the booted one. */
  tree?: string;
  source?: RecordedVerdict['source'];
  /** Extra words for the log comment (e.g. the test's exit code). */
  note?: string;
}

export interface VerdictOutcome {
  /** The commit the verdict went to, or null when the machine booted something else. */
  judged: StoredCommit | null;
  verdict: Verdict;
  /** Set when the expected candidate did not boot: it got `did-not-boot` instead. */
  didNotBoot: { candidate: StoredCommit; booted: string | null; recordedAs: Verdict } | null;
  advance: Advance;
  /** The bisection's words for good and bad (for rendering). */
  terms: BisectState['terms'];
}

export async function recordVerdict(env: BisectEnv, opts: VerdictOptions): Promise<VerdictOutcome> {
  const { store, state } = await loadState(env.sysroot);
  return { ...(await recordOn(env, store, state, opts)), terms: state.terms };
}

async function recordOn(
  env: BisectEnv,
  store: StateStore,
  state: BisectState,
  opts: VerdictOptions,
): Promise<Omit<VerdictOutcome, 'terms'>> {
  const verdict = termToVerdict(state.terms, opts.term);
  if (!verdict) {
    throw new UsageError(
      `'${opts.term}' is not a verdict of this bisection: use ${state.terms.old}, ${state.terms.new} or skip.`,
    );
  }
  if (opts.tree !== undefined) {
    const target = await resolveInRange(env, state, opts.tree);
    return judge(env, store, state, target, verdict, opts);
  }
  const expected = state.expected;
  if (expected && expected.serial < 0) {
    // A deploy was interrupted (killed process): finish it; the verdict cannot belong to that tree.
    env.emit({
      kind: 'note',
      message: 'the last deploy was interrupted; finishing it. Your verdict was not recorded.',
    });
    return { judged: null, verdict, didNotBoot: null, advance: await advance(env, store, state) };
  }
  const booted = await env.machine.booted();
  if (expected) {
    const bootId = await env.machine.bootId();
    const candidate = commitOf(state, expected.checksum);
    if (bootId !== null && bootId === expected.bootIdAtDeploy) {
      throw new UserError(
        `this machine has not rebooted since grove deployed ${label(candidate)} for the next boot. Reboot to test it${env.machine.kind === 'sandbox' ? ' (grove machine reboot)' : ''}, or name the tree you judged: grove bisect ${opts.term} <tree>`,
      );
    }
    if (booted && sameDeployment(deployedId(expected), booted))
      return judge(env, store, state, candidate, verdict, opts);
    const dnb = await recordDidNotBoot(env, store, state, booted);
    return { judged: null, verdict, didNotBoot: dnb.didNotBoot, advance: dnb.advance };
  }
  // Nothing is expected (finished, or between steps): the booted tree, if it is in the range.
  const inRange = booted
    ? state.commits.find((c) => c.checksum === booted.checksum || c.built === booted.checksum)
    : undefined;
  if (!inRange) {
    throw new UserError(
      `the booted tree is not one of this bisection's commits. Name the tree you judged: grove bisect ${opts.term} <tree>`,
    );
  }
  return judge(env, store, state, inRange, verdict, opts);
}

async function judge(
  env: BisectEnv,
  store: StateStore,
  state: BisectState,
  target: StoredCommit,
  verdict: Verdict,
  opts: VerdictOptions,
): Promise<Omit<VerdictOutcome, 'terms'>> {
  applyVerdict(state, target, verdict, opts.source ?? 'user', opts.note);
  if (state.expected?.checksum === target.checksum) state.expected = null;
  await store.save(state);
  await appendLog(store.logFile, [
    `# ${verdictToTerm(state.terms, verdict)}: ${label(target)}${opts.note ? ` (${opts.note})` : ''}`,
    `grove bisect ${verdictToTerm(state.terms, verdict)} ${target.checksum}`,
  ]);
  return { judged: target, verdict, didNotBoot: null, advance: await advance(env, store, state) };
}

async function resolveInRange(env: BisectEnv, state: BisectState, spec: string): Promise<StoredCommit> {
  const trees = await listTrees(env);
  const r = resolveTreeSpec(spec, trees, state.commits);
  const c = state.commits.find((x) => x.checksum === r.checksum);
  if (!c) {
    throw new UserError(
      `${spec} (${r.checksum.slice(0, 10)}) is not between ${state.terms.old} and ${state.terms.new} of this bisection. See them with: grove bisect view`,
    );
  }
  return c;
}

/** Records a verdict in the state (in memory) after checking it fits the others. */
export function applyVerdict(
  state: BisectState,
  target: StoredCommit,
  verdict: Verdict,
  source: RecordedVerdict['source'],
  note?: string,
): void {
  // Contradictions throw here, before anything is written.
  nextStep(engineInput(state, { [target.checksum]: verdict }));
  state.step += 1;
  state.verdicts[target.checksum] = {
    verdict,
    source,
    at: new Date().toISOString(),
    step: state.step,
    ...(note ? { note } : {}),
  };
}

/**
 * The candidate grove deployed did not boot (the boot fell back, or someone picked another
 * entry). Never give a verdict to the wrong tree: record that the candidate did not boot, and go on.
 */
export async function recordDidNotBoot(
  env: BisectEnv,
  store: StateStore,
  state: BisectState,
  booted: { checksum: string } | null,
): Promise<{ didNotBoot: NonNullable<VerdictOutcome['didNotBoot']>; advance: Advance }> {
  const candidate = commitOf(state, state.expected!.checksum);
  const recordedAs: Verdict = state.didNotBoot;
  state.step += 1;
  state.verdicts[candidate.checksum] = {
    verdict: recordedAs,
    source: 'did-not-boot',
    at: new Date().toISOString(),
    step: state.step,
    note: `booted ${booted ? booted.checksum : 'nothing'} instead`,
  };
  state.expected = null;
  env.emit({
    kind: 'did-not-boot',
    expected: candidate.checksum,
    expectedVersion: candidate.version,
    booted: booted?.checksum ?? null,
  });
  await store.save(state);
  await appendLog(store.logFile, [
    `# did-not-boot: ${label(candidate)}; booted ${booted ? booted.checksum : 'nothing'} instead`,
    `grove bisect ${verdictToTerm(state.terms, recordedAs)} ${candidate.checksum}`,
  ]);
  return {
    didNotBoot: { candidate, booted: booted?.checksum ?? null, recordedAs },
    advance: await advance(env, store, state),
  };
}

function commitOf(state: BisectState, checksum: string): StoredCommit {
  const c = state.commits.find((x) => x.checksum === checksum);
  if (!c) throw new Error(`bisect state names ${checksum}, which is not in its history`);
  return c;
}

export function label(c: StoredCommit): string {
  return `${c.version ?? '(no version)'} (${c.checksum.slice(0, 10)})`;
}

/** Undo the last verdict (and what was inferred from it); the candidate it judged is tested again. */
export async function undoLastVerdict(env: BisectEnv): Promise<{ undone: StoredCommit[]; advance: Advance }> {
  const { store, state } = await loadState(env.sysroot);
  if (state.step === 0) throw new UserError('no verdict to take back yet.');
  const step = state.step;
  const undone: StoredCommit[] = [];
  for (const [id, v] of Object.entries(state.verdicts)) {
    if (v.step === step) {
      delete state.verdicts[id];
      const c = state.commits.find((x) => x.checksum === id);
      if (c) undone.push(c);
    }
  }
  state.step -= 1;
  state.result = null;
  state.ambiguous = null;
  await store.save(state);
  await dropFromLog(
    store.logFile,
    undone.map((c) => c.checksum),
  );
  return { undone, advance: await advance(env, store, state) };
}
