import type { Command } from 'commander';
import { refineBisect } from '../../bisect/refine.js';
import { bisectStatus } from '../../bisect/status.js';
import { openBisect } from '../bisect-env.js';
import { addGlobalOptions } from '../global-options.js';
import { renderAdvance, statusJson } from '../render/bisect.js';
import { maybeReboot } from './bisect-reboot.js';
import { jobsArg } from './bisect-start.js';

interface RefineFlags {
  source: string;
  build: string;
  old?: string;
  new?: string;
  firstParent?: boolean;
  jobs?: number;
  reboot?: boolean;
}

export function registerBisectRefine(bisect: Command): void {
  addGlobalOptions(
    bisect
      .command('refine')
      .description(
        "after a bisection that ended on a package update: bisect that package's source, layered onto the last good tree",
      )
      .requiredOption('--source <dir>', "the package's git checkout")
      .requiredOption('--build <command>', 'shell code that builds and installs into $GROVE_DESTDIR')
      .option('--old <rev>', 'the good revision (default: the tag of the old package version)')
      .option('--new <rev>', 'the bad revision (default: the tag of the new package version)')
      .option('--first-parent', 'only the commits of the mainline')
      .option('--jobs <n>', 'builds at once; more than 1 builds the next candidates ahead', jobsArg)
      .option('--reboot', 'reboot into the first candidate right away'),
  ).action(async function (this: Command, flags: RefineFlags) {
    const b = await openBisect(this);
    const o = await b.locked(() =>
      refineBisect(b.env, {
        source: flags.source,
        build: flags.build,
        old: flags.old,
        new: flags.new,
        firstParent: flags.firstParent,
        jobs: flags.jobs,
      }),
    );
    const n = o.state.commits.length - 2;
    b.ctx.out.note(
      `${o.range.package ? `${o.range.package}: ` : ''}${o.range.old}..${o.range.new}, ${n} commit${n === 1 ? '' : 's'}, built onto ${o.base.version ?? o.base.checksum.slice(0, 10)} (the last ${o.state.terms.old} tree)`,
    );
    const view = await bisectStatus(b.env);
    b.ctx.out.result(
      () => renderAdvance(o.advance, o.state.terms, b.ctx.machine.kind),
      () => statusJson(view),
    );
    if (o.advance.kind === 'testing') await maybeReboot(b, flags.reboot);
  });
}
