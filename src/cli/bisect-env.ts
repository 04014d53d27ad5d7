import type { Command } from 'commander';
import type { BisectEnv } from '../bisect/bisect-env.js';
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

export async function openBisect(cmd: Command): Promise<BisectCli> {
  const ctx = await openContext(cmd);
  const env: BisectEnv = {
    ostree: ctx.ostree,
    sysroot: ctx.sysroot,
    machine: ctx.machine,
    http: createHttpClient(),
    emit: progressPrinter(),
  };
  return { ctx, env, locked: (fn) => withSysrootLock(sysrootLockPath(ctx.sysroot), fn) };
}
