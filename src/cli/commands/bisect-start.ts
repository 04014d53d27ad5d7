import { Option, type Command } from 'commander';
import { bisectStatus } from '../../bisect/status.js';
import { recentServerCommits, startBisect } from '../../bisect/start.js';
import { listTrees } from '../../trees/list-trees.js';
import { startSourceBisect } from '../../bisect/start-source.js';
import { UsageError } from '../../errors.js';
import type { Advance } from '../../bisect/advance.js';
import { bisectDir, StateStore, type BisectState } from '../../bisect/state.js';
import { installUnit } from '../../bisect/run-continue.js';
import { prefetchUnitDeps } from './bisect-run.js';
import { openBisect, type BisectCli } from '../bisect-env.js';
import { addGlobalOptions } from '../global-options.js';
import { pickStartTrees } from '../prompts.js';
import { renderAdvance, statusJson } from '../render/bisect.js';
import { maybeReboot } from './bisect-reboot.js';

interface StartFlags {
  systemd?: boolean;
  remote?: string;
  ref?: string;
  termOld?: string;
  termNew?: string;
  package?: string[];
  didNotBoot?: 'skip' | 'bad';
  reboot?: boolean;
  source?: string;
  build?: string;
  base?: string;
  firstParent?: boolean;
  jobs?: number;
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
      .option('--reboot', 'reboot into the first candidate right away')
      .addOption(
        new Option(
          '--systemd',
          'as on a host: install the unit that restarts the background pull after each boot',
        ).hideHelp(),
      )
      .option('--source <dir>', "bisect a component's git history in DIR (GOOD and BAD are git revisions)")
      .option('--build <command>', 'with --source: shell code that builds and installs into $GROVE_DESTDIR')
      .option('--base <tree>', 'with --source: the tree builds are layered onto (default: booted)')
      .option('--first-parent', 'with --source: only the commits of the mainline')
      .option(
        '--jobs <n>',
        'with --source: builds at once; more than 1 builds the next candidates ahead',
        jobsArg,
      ),
  ).action(async function (
    this: Command,
    goodArg: string | undefined,
    badArg: string | undefined,
    flags: StartFlags,
  ) {
    const b = await openBisect(this);
    if (flags.source !== undefined) {
      if (flags.build === undefined)
        throw new UsageError(
          `--source needs --build: the command that builds a checkout and installs it into $GROVE_DESTDIR`,
        );
      if (goodArg === undefined || badArg === undefined)
        throw new UsageError('bisect start --source needs GOOD and BAD git revisions (tags, commits).');
      const { source, build } = flags;
      const o = await b.locked(() =>
        startSourceBisect(b.env, {
          source,
          build,
          good: goodArg,
          bad: badArg,
          base: flags.base,
          firstParent: flags.firstParent,
          jobs: flags.jobs,
          termOld: flags.termOld,
          termNew: flags.termNew,
          didNotBoot: flags.didNotBoot,
        }),
      );
      const n = o.state.commits.length - 2;
      await restartPullAfterBoots(b, o.state, flags);
      return reportStart(
        b,
        `${o.state.source!.repo}: ${plural(n)} between ${o.state.terms.old} and ${o.state.terms.new}, built onto ${o.state.source!.base.slice(0, 10)}`,
        o.state,
        o.advance,
        flags.reboot,
      );
    }
    for (const [name, set] of [
      ['--build', flags.build],
      ['--base', flags.base],
      ['--first-parent', flags.firstParent],
      ['--jobs', flags.jobs],
    ] as const) {
      if (set !== undefined) throw new UsageError(`${name} goes with --source DIR (a source bisection).`);
    }
    let good = goodArg;
    let bad = badArg;
    if (good === undefined || bad === undefined) {
      if (!b.ctx.interactive)
        throw new UsageError('bisect start needs GOOD and BAD: grove bisect start <good> <bad>');
      ({ good, bad } = await pickStartTrees(
        await listTrees(b.env),
        (badChecksum) => recentServerCommits(b.env, badChecksum, 30),
        good,
      ));
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
        os: b.ctx.globals.os,
      }),
    );
    const st = outcome.state;
    await restartPullAfterBoots(b, st, flags);
    const filtered = st.packageGlobs.length
      ? ` (${st.commits.filter((c) => c.eligible).length} change ${st.packageGlobs.join(', ')})`
      : '';
    await reportStart(
      b,
      `${st.ref}: ${plural(st.commits.length - 2)} between ${st.terms.old} and ${st.terms.new}${filtered}`,
      st,
      outcome.advance!,
      flags.reboot,
    );
  });
}

/** The range on stderr, what was deployed (or the status JSON) on stdout, then --reboot. */
/**
 * On a host, the reboot into each candidate ends grove's background pull: a unit starts it again
 * after every boot (installed in the running tree and the candidate; trees deployed later inherit
 * it through ostree's /etc merge; reset removes it). A sandbox keeps its background process.
 */
async function restartPullAfterBoots(b: BisectCli, state: BisectState, flags: StartFlags): Promise<void> {
  if (b.ctx.machine.kind !== 'host' && !flags.systemd) return;
  if (process.env.GROVE_NO_PREFETCH === '1') return;
  const store = new StateStore(bisectDir(b.env.sysroot, state.stateroot));
  const deps = await prefetchUnitDeps(store.file);
  const roots = await b.locked(() => installUnit(b.env, deps, state, { current: true, original: false }));
  b.ctx.out.note(
    `installed ${deps.unit.name} in ${roots.join(', ')}: it fetches the next candidates after each boot`,
  );
}

async function reportStart(
  b: BisectCli,
  summary: string,
  state: BisectState,
  advance: Advance,
  reboot: boolean | undefined,
): Promise<void> {
  b.ctx.out.note(summary);
  const view = await bisectStatus(b.env);
  b.ctx.out.result(
    () => renderAdvance(advance, state.terms, b.ctx.machine.kind),
    () => statusJson(view),
  );
  if (advance.kind === 'testing') await maybeReboot(b, reboot);
}

function plural(n: number): string {
  return `${n} commit${n === 1 ? '' : 's'}`;
}

export function jobsArg(v: string): number {
  if (!/^\d{1,2}$/.test(v) || Number(v) < 1)
    throw new UsageError(`--jobs '${v}' is not a number of builds (1 to 64)`);
  return Number(v);
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}
