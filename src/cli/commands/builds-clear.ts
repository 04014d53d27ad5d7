import type { Command } from 'commander';
import { parseDuration } from '../../trees/duration.js';
import { sysrootLockPath } from '../../state/paths.js';
import { withSysrootLock } from '../../state/sysroot-lock.js';
import { openContext } from '../context.js';
import { addGlobalOptions } from '../global-options.js';
import { formatBytes } from '../render/format.js';
import { openBuildCache } from './builds-cache.js';

export function registerBuildsClear(builds: Command): void {
  addGlobalOptions(
    builds
      .command('clear')
      .description('remove cached source builds and failure records, then prune the repository')
      .option('--older-than <duration>', 'only what was built before this long ago (e.g. 7d, 12h)'),
  ).action(async function (this: Command, flags: { olderThan?: string }) {
    const ctx = await openContext(this);
    const olderThan =
      flags.olderThan === undefined ? undefined : new Date(Date.now() - parseDuration(flags.olderThan));
    const cache = await openBuildCache(ctx);
    const r = await withSysrootLock(sysrootLockPath(ctx.sysroot), () =>
      cache.clear(olderThan ? { olderThan } : {}),
    );
    ctx.out.result(
      () =>
        `Removed ${r.builds} build${r.builds === 1 ? '' : 's'} and ${r.failures} failure record${r.failures === 1 ? '' : 's'}; freed ${formatBytes(r.freedBytes)}.`,
      () => r,
    );
  });
}
