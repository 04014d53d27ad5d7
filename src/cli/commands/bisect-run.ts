import { realpath } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { continueRun, startUnattendedRun, type UnitDeps } from '../../bisect/run-continue.js';
import { runBisection, type RunStepEvent } from '../../bisect/run.js';
import { loadState } from '../../bisect/find-state.js';
import { stepsDir } from '../../bisect/run-step-log.js';
import { UsageError } from '../../errors.js';
import { prefetchUnit, runUnit, SystemctlUnits } from '../../machine/systemd-unit.js';
import { openBisect, type BisectCli } from '../bisect-env.js';
import { addGlobalOptions, globalOptions } from '../global-options.js';
import { renderAdvance } from '../render/bisect.js';

interface RunFlags {
  timeout?: number;
  times?: number;
  continue?: boolean;
  systemd?: boolean;
}

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
      )
      .option(
        '--systemd',
        'go across reboots: a systemd unit runs each step after a boot (always so on a host)',
      )
      .option('--continue', 'judge the booted tree and boot the next (what the systemd unit runs)'),
  ).action(async function (this: Command, argv: string[], flags: RunFlags) {
    // One process drives a whole sandbox run and builds ahead in its own queue; across reboots
    // each step is a new process, so the background process builds ahead.
    const acrossReboots = Boolean(flags.continue || flags.systemd) || (await isHost(this));
    const b = await openBisect(this, { buildAhead: acrossReboots ? 'background' : 'in-process' });
    if (flags.continue) {
      if (argv.length > 0 || flags.timeout !== undefined || flags.times !== undefined) {
        throw new UsageError(
          '--continue takes the command stored by grove bisect run; give no command or options with it',
        );
      }
      return runContinue(b);
    }
    if (argv.length === 0)
      throw new UsageError('bisect run needs a command: grove bisect run -- CMD [ARGS...]');
    const config = {
      argv,
      ...(flags.timeout !== undefined ? { timeout: flags.timeout } : {}),
      ...(flags.times !== undefined ? { times: flags.times } : {}),
    };
    if (b.ctx.machine.kind === 'host' || flags.systemd) return runAcrossReboots(b, config);

    const started = Date.now();
    const r = await b.locked(() => runBisection(b.env, { ...config, onStep: stepPrinter(b, started) }));
    const { state } = await loadState(b.env.sysroot);
    b.ctx.out.note(
      `${r.steps} step(s), ${r.reboots} reboot(s), ${((Date.now() - started) / 1000).toFixed(1)}s; step logs in ${stepsDir(b.env.sysroot, state.stateroot)}/`,
    );
    b.ctx.out.result(
      () => renderAdvance(r.advance, state.terms, b.ctx.machine.kind),
      () => ({ steps: r.steps, reboots: r.reboots, result: r.advance }),
    );
    // As git bisect run: a run that cannot name one commit (skips left) has not succeeded.
    if (r.advance.kind === 'ambiguous') process.exitCode = 1;
  });
}

async function isHost(cmd: Command): Promise<boolean> {
  return resolve(globalOptions(cmd).sysroot) === '/';
}

/** The unit this grove installs: it runs this same node and this same grove script. */
export async function unitDeps(): Promise<UnitDeps> {
  const script = process.argv[1];
  if (!script) throw new Error('cannot tell where the grove script is (process.argv[1] is empty)');
  const unit = runUnit({ node: process.execPath, grove: await realpath(script) });
  return { units: new SystemctlUnits(), unit };
}

/** The unit that restarts the background pull after each boot of a bisection by hand. */
export async function prefetchUnitDeps(stateFile?: string): Promise<UnitDeps> {
  const script = process.argv[1];
  if (!script) throw new Error('cannot tell where the grove script is (process.argv[1] is empty)');
  const unit = prefetchUnit({ node: process.execPath, grove: await realpath(script), stateFile });
  return { units: new SystemctlUnits(), unit };
}

async function runAcrossReboots(
  b: BisectCli,
  config: { argv: string[]; timeout?: number; times?: number },
): Promise<void> {
  const deps = await unitDeps();
  const r = await b.locked(() => startUnattendedRun(b.env, deps, config));
  const v = `${r.candidate.version ?? ''} (${r.candidate.checksum.slice(0, 10)})`;
  b.ctx.out.note(
    `installed ${deps.unit.name} in ${r.roots.join(', ')}; each boot runs: ${config.argv.join(' ')}`,
  );
  b.ctx.out.result(
    () => `rebooting into step ${r.step}: ${v}`,
    () => ({ rebooting: true, step: r.step, candidate: r.candidate, unit: deps.unit.name }),
  );
  // Outside the lock: on a host this does not return.
  await b.env.machine.reboot();
}

async function runContinue(b: BisectCli): Promise<void> {
  const deps = await unitDeps();
  const started = Date.now();
  const r = await b.locked(() => continueRun(b.env, deps, { onStep: stepPrinter(b, started) }));
  switch (r.kind) {
    case 'idle':
      b.ctx.out.result(
        () =>
          `no unattended bisection is going on${r.removed.length > 0 ? `; removed the leftover ${deps.unit.name} from ${r.removed.join(', ')}` : ''}.`,
        () => ({ kind: r.kind, removed: r.removed }),
      );
      return;
    case 'stopped':
      b.ctx.out.result(
        () =>
          `stopped the unattended run on ${r.judged.version ?? r.judged.checksum.slice(0, 10)}: ${r.outcome.why}; no verdict recorded, ${deps.unit.name} removed. Go on by hand: grove bisect good|bad|skip, or grove bisect run -- CMD`,
        () => ({ kind: r.kind, judged: r.judged, outcome: r.outcome }),
      );
      process.exitCode = 1;
      return;
    case 'done': {
      const { state } = await loadState(b.env.sysroot);
      b.ctx.out.result(
        () =>
          (r.advance ? renderAdvance(r.advance, state.terms, b.ctx.machine.kind) : 'the run is over.') +
          `\n${deps.unit.name} removed; the original tree is the default again. Clean up the candidates with: grove bisect reset`,
        () => ({ kind: r.kind, judged: r.judged, result: r.advance }),
      );
      return;
    }
    case 'reboot':
      b.ctx.out.result(
        () =>
          `rebooting into step ${r.advance.step}: ${r.advance.candidate.version ?? ''} (${r.advance.candidate.checksum.slice(0, 10)})`,
        () => ({ kind: r.kind, judged: r.judged, next: r.advance }),
      );
      await b.env.machine.reboot();
      return;
  }
}

function stepPrinter(b: BisectCli, started: number): (e: RunStepEvent) => void {
  let stepsDone = 0;
  return (e) => {
    const v = `${e.candidate.version ?? ''} (${e.candidate.checksum.slice(0, 10)})`;
    const elapsed = (Date.now() - started) / 1000;
    if (e.kind === 'boot') {
      const perStep = stepsDone > 0 ? elapsed / stepsDone : null;
      const eta = perStep !== null ? `, ~${Math.round(perStep * (e.stepsLeft + 1))}s left` : '';
      b.ctx.out.note(
        `step ${e.step} of ~${e.step + e.stepsLeft}: booting ${v}, ${e.remaining} commit(s) in range   [${elapsed.toFixed(1)}s${eta}]`,
      );
    }
    if (e.kind === 'booted' && !e.ok) {
      stepsDone++;
      b.ctx.out.note(`step ${e.step}: ${v} did not boot`);
    }
    if (e.kind === 'tested') {
      stepsDone++;
      const what = e.outcome.kind === 'verdict' ? e.outcome.verdict : e.outcome.kind;
      b.ctx.out.note(
        `step ${e.step}: ${v} is ${what} (${e.outcome.why}${e.runs > 1 ? `, ${e.runs} runs` : ''}, ${e.seconds.toFixed(1)}s; log ${e.logDir})`,
      );
    }
  };
}

function positiveNumber(v: string): number {
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new UsageError(`'${v}' is not a positive number`);
  return n;
}
