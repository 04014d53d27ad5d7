import type { Command } from 'commander';
import { resetBisect } from '../../bisect/reset.js';
import { openBisect } from '../bisect-env.js';
import { prefetchUnitDeps, unitDeps } from './bisect-run.js';
import { addGlobalOptions } from '../global-options.js';

export function registerBisectReset(bisect: Command): void {
  addGlobalOptions(
    bisect
      .command('reset')
      .description('end the bisection: the tree you started from boots next, candidates are removed')
      .option('--keep', 'keep the candidate trees as ordinary deployments'),
  ).action(async function (this: Command, flags: { keep?: boolean }) {
    const b = await openBisect(this);
    const units = await unitDeps();
    const prefetchUnits = await prefetchUnitDeps();
    const r = await b.locked(() => resetBisect(b.env, { keep: flags.keep, units, prefetchUnits }));
    const o = r.original;
    b.ctx.out.result(
      () =>
        [
          r.originalGone
            ? `The tree you started from, ${o.version ?? ''} (${o.checksum.slice(0, 10)}), is no longer deployed; ${r.nextBoot ? `${r.nextBoot.version ?? ''} (${r.nextBoot.checksum.slice(0, 10)}.${r.nextBoot.serial}) boots next` : 'no tree is left to boot'}. Deploy it again: grove trees add ${o.checksum}`
            : `${o.version ?? ''} (${o.checksum.slice(0, 10)}.${o.serial}) is the default tree again.`.trim(),
          r.removed.length ? `Removed ${r.removed.length} candidate tree(s).` : '',
          r.kept.length ? `Kept ${r.kept.length} candidate tree(s) as ordinary trees.` : '',
          r.deferred.length
            ? `The running candidate stays until you reboot; the next 'grove bisect reset' removes it.`
            : '',
          r.cleanedUp.length ? `Removed ${r.cleanedUp.length} candidate(s) left by the last reset.` : '',
        ]
          .filter(Boolean)
          .join('\n'),
      () => r,
    );
  });
}
