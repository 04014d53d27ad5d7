// Background pulls of the next candidates. One detached process per sysroot (`grove bisect
// prefetch`), started after each deploy; it records what it pulls in prefetch.json so that a
// verdict command can wait for a pull in flight instead of starting it again, or stop a
// prefetch that is pulling what is no longer needed.
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { readJsonFile, writeJsonDurably } from '../state/atomic-file.js';
import type { BisectEnv } from './bisect-env.js';
import { UserError } from '../errors.js';
import { sysrootLockPath } from '../state/paths.js';
import { withSysrootLock } from '../state/sysroot-lock.js';
import { candidateRef, dropStaleCandidates } from './deploy-candidate.js';
import { deployAhead } from './deploy-ahead.js';
import { deployedId, type BisectState, type StateStore } from './state.js';
import { loadState } from './find-state.js';
import { planPrefetch } from './prefetch-plan.js';
import { closeSourceBuilds, lookupOrBuild } from './source-candidates.js';

export interface PrefetchRecord {
  schema: 1;
  pid: number;
  startedAt: string;
  batches: string[][];
  /** Checksums fully pulled and protected by a ref. */
  done: string[];
  /** Of those, the ones deployed ahead (see deploy-ahead.ts). */
  deployedAhead?: string[];
  failed: Array<{ checksum: string; error: string }>;
  finished: boolean;
}

export function prefetchFile(bisectDirPath: string): string {
  return join(bisectDirPath, 'prefetch.json');
}

/** The body of `grove bisect prefetch`: pull what the plan says, batch by batch. */
export async function runPrefetch(env: BisectEnv, budget?: number): Promise<PrefetchRecord> {
  const { store, state } = await loadState(env.sysroot);
  // Pull what the starter announced for this process: by the time it has loaded, a fast verdict
  // may already have moved the bisection on, and a plan made now would be for the wrong step.
  const announced = await readRecord(store.dir);
  const batches = announced?.pid === process.pid ? announced.batches : planPrefetch(state, budget).batches;
  const record: PrefetchRecord = {
    schema: 1,
    pid: process.pid,
    startedAt: new Date().toISOString(),
    batches,
    done: [],
    failed: [],
    finished: false,
  };
  const file = prefetchFile(store.dir);
  await writeJsonDurably(file, record);
  if (state.source) {
    await buildAhead(env, state, batches, record, file);
    await underLockInBackground(env, (store, state) => dropStale(env, store, state));
  } else {
    // Both candidates that can come next first; once they are in, the stale candidates go and
    // those two are deployed ahead (a verdict then only reorders); then the level after.
    const [next, ...later] = batches;
    await pullAhead(env, state.remote, next ? [next] : [], record, file);
    await underLockInBackground(env, async (store, state) => {
      await dropStale(env, store, state);
      const made = await deployAhead(env, store, state, record.done);
      record.deployedAhead = made.map((d) => d.checksum);
    });
    await pullAhead(env, state.remote, later, record, file);
  }
  record.finished = true;
  await writeJsonDurably(file, record);
  return record;
}

/** A server bisection's prefetch: pull each batch in one `ostree pull`, protect it with refs. */
async function pullAhead(
  env: BisectEnv,
  remote: string,
  batches: string[][],
  record: PrefetchRecord,
  file: string,
): Promise<void> {
  const repo = env.ostree.sysroot(env.sysroot).repo();
  for (const batch of batches) {
    const wanted: string[] = [];
    for (const c of batch) {
      const have = await repo.hasCommit(c);
      if (have.present && !have.partial) record.done.push(c);
      else wanted.push(c);
    }
    if (wanted.length > 0) {
      try {
        // One pull for the batch: ostree fetches the objects of both candidates in parallel.
        await repo.pull(remote, wanted);
        for (const c of wanted) {
          await repo.refCreate(candidateRef(c), c, { force: true });
          record.done.push(c);
        }
      } catch (e) {
        for (const c of wanted) record.failed.push({ checksum: c, error: (e as Error).message });
      }
    }
    await writeJsonDurably(file, record);
  }
}

/**
 * A source bisection's prefetch: build the candidates that can come next (the build queue runs
 * up to --jobs at once), so that a verdict given by hand finds its next build ready.
 */
async function buildAhead(
  env: BisectEnv,
  state: BisectState,
  batches: string[][],
  record: PrefetchRecord,
  file: string,
): Promise<void> {
  const byId = new Map(state.commits.map((c) => [c.checksum, c]));
  try {
    for (const batch of batches) {
      await Promise.all(
        batch.map(async (id) => {
          const c = byId.get(id);
          if (!c) return;
          const outcome = await lookupOrBuild(env, state, c).catch((e: unknown) => ({
            kind: 'error' as const,
            message: (e as Error).message,
          }));
          if (outcome.kind === 'built') record.done.push(id);
          else
            record.failed.push({
              checksum: id,
              error: outcome.kind === 'error' ? outcome.message : 'does not build',
            });
          await writeJsonDurably(file, record);
        }),
      );
    }
  } finally {
    closeSourceBuilds(env.sysroot);
  }
}

/** The candidates the last deploy left behind (the tree to boot next is kept). */
async function dropStale(env: BisectEnv, store: StateStore, state: BisectState): Promise<void> {
  const keep = state.expected && state.expected.serial >= 0 ? deployedId(state.expected) : null;
  await dropStaleCandidates(env, store, state, keep);
}

/**
 * Work on the system from the background, under the sysroot lock (the verdict that started us
 * may still hold it for a moment; a command started meanwhile waits for us), on the state as it
 * is then.
 */
async function underLockInBackground(
  env: BisectEnv,
  fn: (store: StateStore, state: BisectState) => Promise<void>,
): Promise<void> {
  try {
    await withSysrootLock(
      sysrootLockPath(env.sysroot),
      async () => {
        const { store, state } = await loadState(env.sysroot);
        await fn(store, state);
      },
      2,
    );
  } catch (e) {
    // Busy (a bisect run holds the lock for its whole loop, and cleans up when it ends) or gone
    // (reset): the next background run, the end of the bisection or reset removes them.
    if (!(e instanceof UserError)) throw e;
  }
}

/** Written by the starter right after spawning, before the child has loaded. */
export async function announcePrefetch(dir: string, pid: number, batches: string[][]): Promise<void> {
  const record: PrefetchRecord = {
    schema: 1,
    pid,
    startedAt: new Date().toISOString(),
    batches,
    done: [],
    failed: [],
    finished: batches.length === 0,
  };
  await writeJsonDurably(prefetchFile(dir), record);
}

/** Whether a process (or, with -PGID, any process of a group) exists. */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export async function readRecord(dir: string): Promise<PrefetchRecord | null> {
  try {
    return await readJsonFile<PrefetchRecord>(prefetchFile(dir), 'prefetch record');
  } catch {
    return null; // a torn or foreign file only means no prefetch to wait for
  }
}

/**
 * Before pulling `checksum` in the foreground: if a prefetch is pulling it, wait for that pull
 * (returns the seconds waited); if a prefetch is busy with something else, stop it.
 */
export async function settlePrefetch(
  dir: string,
  checksum: string,
  opts: { stopWhenReady?: boolean; timeoutMs?: number } = {},
): Promise<{ waited: number } | null> {
  const timeoutMs = opts.timeoutMs ?? 30 * 60_000;
  const started = Date.now();
  let rec = await readRecord(dir);
  if (!rec || rec.finished || !isAlive(rec.pid)) return null;
  if (!rec.batches.some((b) => b.includes(checksum))) {
    stopPrefetch(rec);
    return null;
  }
  while (
    rec &&
    !rec.finished &&
    isAlive(rec.pid) &&
    !rec.done.includes(checksum) &&
    Date.now() - started < timeoutMs
  ) {
    if (rec.failed.some((f) => f.checksum === checksum)) break;
    await sleep(50);
    rec = await readRecord(dir);
  }
  // What the prefetch still pulls would compete with the deploy the user waits for, and a new
  // prefetch, planned from the verdict just given, starts right after it.
  if (opts.stopWhenReady && rec && !rec.finished && isAlive(rec.pid)) stopPrefetch(rec);
  return { waited: (Date.now() - started) / 1000 };
}

export function stopPrefetch(rec: Pick<PrefetchRecord, 'pid'>): void {
  if (rec.pid === process.pid) return;
  try {
    // The prefetch runs in its own process group (detached): end it and its ostree child.
    process.kill(-rec.pid, 'SIGTERM');
  } catch {
    try {
      process.kill(rec.pid, 'SIGTERM');
    } catch {
      /* already gone */
    }
  }
}

/** Stops any prefetch of this bisection (reset, or a new one is about to start). */
export async function stopAnyPrefetch(dir: string, opts: { waitGone?: boolean } = {}): Promise<void> {
  const rec = await readRecord(dir);
  if (!rec || rec.finished || !isAlive(rec.pid)) return;
  stopPrefetch(rec);
  // Its builds, pulls and deploys write into the sysroot: whoever takes over (or removes it)
  // waits until the whole process group, ostree children included, has stopped.
  for (let i = 0; opts.waitGone && i < 200 && (isAlive(rec.pid) || isAlive(-rec.pid)); i++) await sleep(50);
}

/** Starts the background prefetch unless one is running or has finished for this step. */
export async function ensurePrefetchRunning(env: BisectEnv, dir: string): Promise<void> {
  if (!env.prefetch) return;
  const rec = await readRecord(dir);
  if (rec && (rec.finished || isAlive(rec.pid))) return;
  await env.prefetch();
}
