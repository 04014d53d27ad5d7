import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { findStore } from '../../bisect/find-state.js';
import { isAlive, readRecord, runPrefetch } from '../../bisect/prefetch.js';
import { openBisect } from '../bisect-env.js';
import { addGlobalOptions } from '../global-options.js';

/**
 * Hidden: the background process grove starts after each deploy to pull (and deploy ahead) the
 * candidates that can come next. With --after-boot it is what the unit of a bisection by hand
 * runs on a host after each boot: it leaves the work to `bisect run --continue` in an unattended
 * run, and to a background process that is already at it.
 */
export function registerBisectPrefetch(bisect: Command): void {
  addGlobalOptions(
    bisect
      .command('prefetch', { hidden: true })
      .option('--budget <n>', 'most candidates to pull', '6')
      .option('--after-boot', 'only if no other grove process does it (the systemd unit)'),
  ).action(async function (this: Command, flags: { budget: string; afterBoot?: boolean }) {
    const b = await openBisect(this);
    if (flags.afterBoot) {
      const store = await findStore(b.env.sysroot);
      const state = store ? await store.load() : null;
      if (!store || !state || state.run || state.expected === null) {
        b.ctx.out.note('nothing to fetch: no bisection by hand is waiting for a verdict');
        return;
      }
      const rec = await readRecord(store.dir);
      // The record may name a pid from before the reboot that another program has now.
      if (rec?.pid && rec.pid !== process.pid && isAlive(rec.pid) && (await isGrovePrefetch(rec.pid))) {
        b.ctx.out.note(`another grove process (${rec.pid}) is fetching already`);
        return;
      }
    }
    const rec = await runPrefetch(b.env, Number(flags.budget));
    b.ctx.out.note(
      `prefetched ${rec.done.length} candidate(s)${rec.failed.length ? `, ${rec.failed.length} failed: ${rec.failed[0]!.error}` : ''}`,
    );
  });
}

async function isGrovePrefetch(pid: number): Promise<boolean> {
  const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
  return cmdline.split('\0').includes('prefetch');
}
