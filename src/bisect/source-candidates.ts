// Source bisection inside the session: a candidate is a git commit (its StoredCommit.checksum is
// the git hash, the engine's id) and the tree that boots is its build layered onto the base,
// made on demand. While one candidate is tested, the candidates the engine could ask for next
// are built ahead, up to --jobs at once (an in-process queue, per sysroot: `bisect run` keeps
// one process for the whole bisection).
import { BuildCancelled, SourceBuilder, type BuildOutcome } from '../builders/source-build.js';
import { BuildQueue } from '../builders/source-queue.js';
import { UserError } from '../errors.js';
import { GitRepo, type GitCommit } from '../git/index.js';
import { appendLog } from './bisect-log.js';
import type { BisectEnv } from './bisect-env.js';
import { lookahead, testsAhead } from './engine/index.js';
import { engineInput } from './engine-input.js';
import { settlePrefetch } from './prefetch.js';
import { bisectDir, type BisectState, type StateStore, type StoredCommit } from './state.js';

/** What a source bisection keeps in its state (BisectState.source). */
export interface SourceConfig {
  /** Top directory of the user's git checkout. */
  repo: string;
  /** The build command, as given: shell code run with `sh -c` in each candidate's worktree. */
  recipe: string;
  recipeHash: string;
  /** OSTree checksum of the tree builds are layered onto. */
  base: string;
  firstParent: boolean;
  /** Builds at once (build-ahead when > 1). */
  jobs: number;
}

interface Session {
  key: string;
  git: GitRepo;
  builder: SourceBuilder;
  queue: BuildQueue;
  /** The env of the command being served: build events go to its emit. */
  env: BisectEnv;
}

// One per sysroot: bisect run wraps its env per step, so an env object does not last a bisection.
const sessions = new Map<string, Session>();

async function sessionFor(env: BisectEnv, state: BisectState): Promise<Session> {
  const src = state.source!;
  const key = JSON.stringify([src.repo, src.recipe, src.base, src.jobs, state.stateroot]);
  const known = sessions.get(env.sysroot);
  if (known && known.key === key) {
    known.env = env;
    return known;
  }
  known?.queue.close();
  const git = await GitRepo.open(src.repo);
  const emit: Session['env']['emit'] = (e) => session.env.emit(e);
  const builder = new SourceBuilder({
    ostree: env.ostree,
    sysroot: env.sysroot,
    stateroot: state.stateroot,
    source: git,
    command: src.recipe,
    base: src.base,
    emit: (event) => emit({ kind: 'source-build', event }),
  });
  const queue = new BuildQueue(builder, {
    jobs: src.jobs,
    // A verdict drops the queued builds of the branch not taken, so nothing starts that the
    // bisection cannot use; the ones already running finish (they are about as far along as the
    // one that was needed) and stay cached, so that running the bisection again builds nothing.
    // Measured with bench/source.ts: the same wall time as killing them.
    unwantedRunning: 'finish',
    emit: (event) => emit({ kind: 'source-build', event }),
  });
  const session: Session = { key, git, builder, queue, env };
  sessions.set(env.sysroot, session);
  return session;
}

/** Stops the builds of a sysroot's source bisection (reset, or the end of a command). */
export function closeSourceBuilds(sysroot: string): void {
  sessions.get(sysroot)?.queue.close();
  sessions.delete(sysroot);
}

/** Waits for the builds still running ahead (a command that ends lets them finish for the next). */
export async function sourceBuildsIdle(sysroot: string): Promise<void> {
  await sessions.get(sysroot)?.queue.idle();
}

export function gitCommitOf(c: StoredCommit): GitCommit {
  const s = c.sourceCommit;
  return {
    hash: c.checksum,
    author: s?.author ?? '',
    date: s?.date ?? c.timestamp,
    subject: s?.subject ?? c.subject,
    parents: c.parent ? [c.parent] : [],
  };
}

/**
 * Before `candidate` is deployed: have its build (from the cache, the queue, or built now), and
 * queue the builds of the candidates that can come after it. When it does not build, record a
 * skip (source `build-failed`) and return true: the caller asks the engine again.
 */
export async function buildOrSkip(
  env: BisectEnv,
  store: StateStore,
  state: BisectState,
  candidate: StoredCommit,
): Promise<boolean> {
  // A background build-ahead may be building this very commit: wait for it rather than
  // building it twice.
  await settlePrefetch(bisectDir(env.sysroot, state.stateroot), candidate.checksum);
  const session = await sessionFor(env, state);
  const ahead = env.buildAhead === 'background' ? [] : aheadOf(state, candidate);
  session.queue.want([gitCommitOf(candidate), ...ahead]);
  const outcome = await requestUntilSettled(session, candidate);
  if (outcome.kind === 'built') {
    candidate.built = outcome.checksum;
    await store.save(state);
    return false;
  }
  state.step += 1;
  state.verdicts[candidate.checksum] = {
    verdict: 'skip',
    source: 'build-failed',
    at: new Date().toISOString(),
    step: state.step,
    note: `${outcome.failure.reason}; log: ${outcome.failure.log}`,
  };
  await store.save(state);
  await appendLog(store.logFile, [
    `# build-failed: ${candidate.version ?? ''} ${candidate.checksum} (${outcome.failure.reason}; log: ${outcome.failure.log})`,
    `grove bisect skip ${candidate.checksum}`,
  ]);
  env.emit({
    kind: 'note',
    message: `${candidate.version ?? candidate.checksum.slice(0, 10)} does not build (${outcome.failure.reason}): skipped. Log: ${outcome.failure.log}`,
  });
  return true;
}

/** The build a source candidate deploys: its layered OSTree commit, built if need be. */
export async function ensureBuilt(
  env: BisectEnv,
  state: BisectState,
  candidate: StoredCommit,
): Promise<string> {
  const repo = env.ostree.sysroot(env.sysroot).repo();
  if (candidate.built) {
    const have = await repo.hasCommit(candidate.built);
    if (have.present && !have.partial) return candidate.built;
  }
  const session = await sessionFor(env, state);
  const outcome = await requestUntilSettled(session, candidate);
  if (outcome.kind !== 'built') {
    throw new UserError(
      `${candidate.checksum.slice(0, 10)} does not build (${outcome.failure.reason}); see ${outcome.failure.log}. Skip it: grove bisect skip`,
    );
  }
  candidate.built = outcome.checksum;
  return outcome.checksum;
}

/** The outcome of a build that may have no queue at all (the bisection ended), or none now. */
export async function lookupOrBuild(
  env: BisectEnv,
  state: BisectState,
  candidate: StoredCommit,
): Promise<BuildOutcome> {
  const session = await sessionFor(env, state);
  return requestUntilSettled(session, candidate);
}

/** A request that a want() of a concurrent caller cancelled is asked again, urgently. */
async function requestUntilSettled(session: Session, candidate: StoredCommit): Promise<BuildOutcome> {
  for (;;) {
    try {
      return await session.queue.request(gitCommitOf(candidate), { urgent: true });
    } catch (e) {
      if (!(e instanceof BuildCancelled)) throw e;
    }
  }
}

/**
 * The candidates that can come after `candidate` whatever its verdict, nearest first, as many as
 * builds can run at once: with --jobs 2, the next candidate if it is good and if it is bad.
 */
function aheadOf(state: BisectState, candidate: StoredCommit): GitCommit[] {
  const jobs = state.source?.jobs ?? 1;
  if (jobs <= 1) return [];
  const depth = Math.min(4, 1 + Math.floor(Math.log2(jobs)));
  const tree = lookahead(engineInput(state), depth);
  if (tree.next.kind !== 'test' || tree.next.id !== candidate.checksum) return [];
  const byId = new Map(state.commits.map((c) => [c.checksum, c]));
  return testsAhead(tree)
    .map((t) => byId.get(t.id))
    .filter((c): c is StoredCommit => c !== undefined && state.verdicts[c.checksum] === undefined)
    .slice(0, jobs)
    .map(gitCommitOf);
}
