import { Option, type Command } from 'commander';
import { bisectStatus } from '../../bisect/status.js';
import { startBisect } from '../../bisect/start.js';
import { UsageError } from '../../errors.js';
import { openBisect } from '../bisect-env.js';
import { addGlobalOptions } from '../global-options.js';
import { pickStartTrees } from '../prompts.js';
import { renderAdvance, statusJson } from '../render/bisect.js';
import { maybeReboot } from './bisect-reboot.js';

interface StartFlags {
  remote?: string;
  ref?: string;
  termOld?: string;
  termNew?: string;
  package?: string[];
  didNotBoot?: 'skip' | 'bad';
  reboot?: boolean;
}

export function registerBisectStart(bisect: Command): void {
  addGlobalOptions(
    bisect
      .command('start')
      .description('list the commits between GOOD and BAD and deploy the first one to test')
      .argument('[good]', 'a tree that works: booted, rollback, an index, a version or a checksum prefix')
      .argument('[bad]', 'a tree that is broken')
      .option('--remote <name>', 'remote of the build server (default: from the bad tree origin)')
      .option('--ref <ref>', 'branch on the server (default: from the bad tree origin)')
      .option('--term-old <word>', 'word for the old state (default good)')
      .option('--term-new <word>', 'word for the new state (default bad)')
      .option('--package <glob>', 'only commits that change a matching package (repeatable)', collect, [])
      .addOption(
        new Option('--did-not-boot <verdict>', 'what a candidate that did not boot counts as')
          .choices(['skip', 'bad'])
          .default('skip'),
      )
      .option('--reboot', 'reboot into the first candidate right away'),
  ).action(async function (
    this: Command,
    goodArg: string | undefined,
    badArg: string | undefined,
    flags: StartFlags,
  ) {
    const b = await openBisect(this);
    let good = goodArg;
    let bad = badArg;
    if (good === undefined || bad === undefined) {
      if (!b.ctx.interactive)
        throw new UsageError('bisect start needs GOOD and BAD: grove bisect start <good> <bad>');
      ({ good, bad } = await pickStartTrees(b.env, good));
    }
    const outcome = await b.locked(() =>
      startBisect(b.env, {
        good,
        bad,
        remote: flags.remote,
        ref: flags.ref,
        termOld: flags.termOld,
        termNew: flags.termNew,
        packageGlobs: flags.package,
        didNotBoot: flags.didNotBoot,
      }),
    );
    const n = outcome.state.commits.length - 2;
    b.ctx.out.note(
      `${outcome.state.ref}: ${n} commit${n === 1 ? '' : 's'} between ${outcome.state.terms.old} and ${outcome.state.terms.new}${outcome.state.packageGlobs.length ? ` (${outcome.state.commits.filter((c) => c.eligible).length} change ${outcome.state.packageGlobs.join(', ')})` : ''}`,
    );
    const view = await bisectStatus(b.env);
    b.ctx.out.result(
      () => renderAdvance(outcome.advance!, outcome.state.terms, b.ctx.machine.kind),
      () => statusJson(view),
    );
    if (outcome.advance?.kind === 'testing') await maybeReboot(b, flags.reboot);
  });
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}
