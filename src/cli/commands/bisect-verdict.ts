import type { Command } from 'commander';
import { bisectStatus } from '../../bisect/status.js';
import { recordVerdict, undoLastVerdict } from '../../bisect/verdict.js';
import { loadState } from '../../bisect/find-state.js';
import { UsageError } from '../../errors.js';
import { openBisect, type BisectCli } from '../bisect-env.js';
import { addGlobalOptions } from '../global-options.js';
import { askVerdict } from '../prompts.js';
import { renderAdvance, statusJson } from '../render/bisect.js';
import { maybeReboot } from './bisect-reboot.js';

/** good, bad, skip, old, new: the verdict for the booted tree, or for TREE. */
export function registerBisectVerdicts(bisect: Command): void {
  for (const verb of ['good', 'bad', 'skip', 'old', 'new']) {
    addGlobalOptions(
      bisect
        .command(verb)
        .description(`mark the booted tree (or TREE) ${verb}`)
        .argument('[tree]', 'a tree spec, when not the booted tree')
        .option('--reboot', 'reboot into the next candidate right away'),
    ).action(async function (this: Command, tree: string | undefined, flags: { reboot?: boolean }) {
      await giveVerdict(await openBisect(this), verb, tree, flags.reboot);
    });
  }
}

export async function giveVerdict(
  b: BisectCli,
  term: string,
  tree: string | undefined,
  reboot?: boolean,
): Promise<void> {
  const outcome = await b.locked(() => recordVerdict(b.env, { term, tree }));
  // The whole status only for --json: a verdict's output is on the path the user waits on.
  const view = b.ctx.globals.json ? await bisectStatus(b.env) : null;
  b.ctx.out.result(
    () => renderAdvance(outcome.advance, outcome.terms, b.ctx.machine.kind),
    () => statusJson(view!),
  );
  if (outcome.advance.kind === 'testing') await maybeReboot(b, reboot);
}

/** `grove bisect` alone (asks, on a terminal) or `grove bisect TERM [TREE]` with custom terms. */
export async function bisectDefault(
  this: Command,
  verb: string | undefined,
  tree: string | undefined,
): Promise<void> {
  const b = await openBisect(this);
  if (verb !== undefined) return giveVerdict(b, verb, tree);
  if (!b.ctx.interactive) {
    throw new UsageError(
      'grove bisect needs a subcommand: start, good, bad, skip, status, view, log, replay, reset, run',
    );
  }
  const { state } = await loadState(b.env.sysroot);
  const booted = await b.env.machine.booted();
  const version = booted ? state.commits.find((c) => c.checksum === booted.checksum)?.version : undefined;
  const what = booted
    ? `the booted tree ${version ? `${version} ` : ''}(${booted.checksum.slice(0, 10)})`
    : 'this tree';
  for (;;) {
    const choice = await askVerdict(state.terms, what);
    if (choice === 'quit' || choice === 'retry') return;
    if (choice === 'back') {
      const r = await b.locked(() => undoLastVerdict(b.env));
      b.ctx.out.note(
        `took back the verdict on ${r.undone.map((c) => c.version ?? c.checksum.slice(0, 10)).join(', ')}`,
      );
      b.ctx.out.say(renderAdvance(r.advance, state.terms, b.ctx.machine.kind));
      return;
    }
    const term = choice === 'good' ? state.terms.old : choice === 'bad' ? state.terms.new : 'skip';
    await giveVerdict(b, term, undefined, true);
    return;
  }
}
