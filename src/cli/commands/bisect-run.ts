import type { Command } from 'commander';
import { runBisection, type RunStepEvent } from '../../bisect/run.js';
import { loadState } from '../../bisect/find-state.js';
import { UsageError, UserError } from '../../errors.js';
import { openBisect } from '../bisect-env.js';
import { addGlobalOptions } from '../global-options.js';
import { renderAdvance } from '../render/bisect.js';

export function registerBisectRun(bisect: Command): void {
  addGlobalOptions(
    bisect
      .command('run')
      .description(
        'bisect unattended: boot each candidate and judge it by a command (exit 0 good, 125 skip, 1-127 bad)',
      )
      .argument('[command...]', 'the test, after --; it runs on the booted tree')
      .option('--timeout <seconds>', 'a test that runs longer is a skip', positiveNumber)
      .option(
        '--times <n>',
        'run the test up to N times; the first failure makes the tree bad',
        positiveNumber,
      ),
  ).action(async function (this: Command, argv: string[], flags: { timeout?: number; times?: number }) {
    if (argv.length === 0)
      throw new UsageError('bisect run needs a command: grove bisect run -- CMD [ARGS...]');
    const b = await openBisect(this);
    if (b.ctx.machine.kind === 'host') {
      throw new UserError(
        'bisect run across real reboots of this host is not available yet; run it on a sandbox (--sysroot DIR), or give verdicts by hand after each reboot.',
      );
    }
    const started = Date.now();
    const onStep = (e: RunStepEvent) => {
      const v = `${e.candidate.version ?? ''} (${e.candidate.checksum.slice(0, 10)})`;
      const elapsed = ((Date.now() - started) / 1000).toFixed(1);
      if (e.kind === 'boot') b.ctx.out.note(`step ${e.step}: booting ${v}   [${elapsed}s]`);
      if (e.kind === 'booted' && !e.ok) b.ctx.out.note(`step ${e.step}: ${v} did not boot`);
      if (e.kind === 'tested') {
        const what = e.outcome.kind === 'verdict' ? e.outcome.verdict : e.outcome.kind;
        b.ctx.out.note(
          `step ${e.step}: ${v} is ${what} (${e.outcome.why}${e.runs > 1 ? `, ${e.runs} runs` : ''}, ${e.seconds.toFixed(1)}s)`,
        );
      }
    };
    const r = await b.locked(() =>
      runBisection(b.env, { argv, timeout: flags.timeout, times: flags.times, onStep }),
    );
    const { state } = await loadState(b.env.sysroot);
    b.ctx.out.note(
      `${r.steps} step(s), ${r.reboots} reboot(s), ${((Date.now() - started) / 1000).toFixed(1)}s`,
    );
    b.ctx.out.result(
      () => renderAdvance(r.advance, state.terms, b.ctx.machine.kind),
      () => ({ steps: r.steps, reboots: r.reboots, result: r.advance }),
    );
  });
}

function positiveNumber(v: string): number {
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new UsageError(`'${v}' is not a positive number`);
  return n;
}
