import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Command } from 'commander';
import { findStore } from '../bisect/find-state.js';
import { announcePrefetch } from '../bisect/prefetch.js';
import { planPrefetch } from '../bisect/prefetch-plan.js';
import { closeSourceBuilds } from '../bisect/source-candidates.js';
import { spawnDetached } from '../process/run.js';
import type { BisectEnv } from '../bisect/bisect-env.js';
import type { BisectState, StateStore } from '../bisect/state.js';
import { createHttpClient } from '../http/index.js';
import { sysrootLockPath } from '../state/paths.js';
import { withSysrootLock } from '../state/sysroot-lock.js';
import { openContext, type CliContext } from './context.js';
import { progressPrinter } from './render/progress.js';

export interface BisectCli {
  ctx: CliContext;
  env: BisectEnv;
  /** Runs fn holding the sysroot's lock (every command that changes the system). */
  locked<T>(fn: () => Promise<T>): Promise<T>;
}

/**
 * `buildAhead`: 'in-process' for a command that goes on testing (bisect run builds the next
 * candidates of a source bisection in its own queue); 'background' (default) for commands that
 * end after the deploy, whose build-ahead the detached prefetch process does.
 */
export async function openBisect(
  cmd: Command,
  opts: { buildAhead?: 'in-process' | 'background' } = {},
): Promise<BisectCli> {
  const buildAhead = opts.buildAhead ?? 'background';
  const ctx = await openContext(cmd);
  const env: BisectEnv = {
    ostree: ctx.ostree,
    sysroot: ctx.sysroot,
    machine: ctx.machine,
    http: createHttpClient(),
    emit: progressPrinter(),
    prefetch: (current) => startPrefetchProcess(ctx.sysroot, buildAhead, current),
    buildAhead,
  };
  return {
    ctx,
    env,
    // Builds a source bisection started ahead stop with the command: the next command starts
    // what it needs, and nothing writes to the repository once the lock is released.
    locked: (fn) =>
      withSysrootLock(sysrootLockPath(ctx.sysroot), () => fn().finally(() => closeSourceBuilds(ctx.sysroot))),
  };
}

/** `current`: the state as the caller just saved it (saves reading it again). */
export async function startPrefetchProcess(
  sysroot: string,
  buildAhead: 'in-process' | 'background' = 'background',
  current?: { store: StateStore; state: BisectState },
): Promise<void> {
  if (process.env.GROVE_NO_PREFETCH === '1') return;
  const store = current?.store ?? (await findStore(sysroot));
  const state = current?.state ?? (store ? await store.load() : null);
  // A source bisection whose command builds ahead itself needs no background process.
  if (!store || !state || (state.source && buildAhead === 'in-process')) return;
  await mkdir(store.dir, { recursive: true });
  const pid = await spawnDetached(
    // This same grove (bundle or not): the script node is running.
    [process.execPath, process.argv[1]!, '--sysroot', sysroot, 'bisect', 'prefetch'],
    join(store.dir, 'prefetch.log'),
  );
  // Say what it will pull before it has started, so that a verdict given right away waits for
  // it instead of pulling the same commit twice.
  await announcePrefetch(store.dir, pid, planPrefetch(state).batches);
}
