// The build cache a `grove builds` command acts on: the sysroot repo's grove/builds/ refs and the
// failure records of one stateroot (--os, else the booted tree's, else the first).
import { BuildCache } from '../../builders/source-cache.js';
import { stateroots } from '../../bisect/find-state.js';
import { UserError } from '../../errors.js';
import type { CliContext } from '../context.js';

export async function openBuildCache(ctx: CliContext): Promise<BuildCache> {
  const all = await stateroots(ctx.sysroot);
  const booted = await ctx.machine.booted();
  const os = ctx.globals.os ?? booted?.stateroot ?? all[0];
  if (!os || !all.includes(os)) {
    throw new UserError(
      `no stateroot ${os ?? ''} in ${ctx.sysroot} (stateroots: ${all.join(', ') || 'none'}). Pass --os NAME.`,
    );
  }
  return BuildCache.forSysroot(ctx.ostree.sysroot(ctx.sysroot).repo(), ctx.sysroot, os);
}
