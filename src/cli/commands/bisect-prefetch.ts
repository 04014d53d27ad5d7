import type { Command } from 'commander';
import { runPrefetch } from '../../bisect/prefetch.js';
import { openBisect } from '../bisect-env.js';
import { addGlobalOptions } from '../global-options.js';

/**
 * Hidden: the background process grove starts after each deploy to pull the candidates that
 * can come next. It takes no lock: it only adds objects and grove/bisect/ refs.
 */
export function registerBisectPrefetch(bisect: Command): void {
  addGlobalOptions(
    bisect.command('prefetch', { hidden: true }).option('--budget <n>', 'most candidates to pull', '6'),
  ).action(async function (this: Command, flags: { budget: string }) {
    const b = await openBisect(this);
    const rec = await runPrefetch(b.env, Number(flags.budget));
    b.ctx.out.note(
      `prefetched ${rec.done.length} candidate(s)${rec.failed.length ? `, ${rec.failed.length} failed: ${rec.failed[0]!.error}` : ''}`,
    );
  });
}
