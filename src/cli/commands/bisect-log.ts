import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { readLog } from '../../bisect/bisect-log.js';
import { loadState } from '../../bisect/find-state.js';
import { replayLog } from '../../bisect/replay.js';
import { UserError } from '../../errors.js';
import { openBisect } from '../bisect-env.js';
import { openContext } from '../context.js';
import { addGlobalOptions } from '../global-options.js';
import { renderAdvance } from '../render/bisect.js';

export function registerBisectLog(bisect: Command): void {
  addGlobalOptions(
    bisect.command('log').description('the verdicts so far, as commands replay can run'),
  ).action(async function (this: Command) {
    const ctx = await openContext(this);
    const { store } = await loadState(ctx.sysroot);
    const text = await readLog(store.logFile);
    ctx.out.result(
      () => text.trimEnd() + `\n# step logs: ${store.dir}/steps/`,
      () => ({ log: text, file: store.logFile, steps: `${store.dir}/steps` }),
    );
  });
  addGlobalOptions(
    bisect
      .command('replay')
      .description('start again from a log written by grove bisect log')
      .argument('<file>', 'the log file'),
  ).action(async function (this: Command, file: string) {
    const text = await readFile(file, 'utf8').catch((e: NodeJS.ErrnoException) => {
      throw new UserError(
        `cannot read log ${file}: ${e.code ?? e.message}. Save one with: grove bisect log > FILE`,
      );
    });
    const b = await openBisect(this);
    const r = await b.locked(() => replayLog(b.env, text));
    const { state } = await loadState(b.env.sysroot);
    b.ctx.out.note(`replayed ${r.verdicts} verdict${r.verdicts === 1 ? '' : 's'}`);
    b.ctx.out.result(
      () => renderAdvance(r.advance, state.terms, b.ctx.machine.kind),
      () => ({ replayed: r.verdicts, next: r.advance.kind }),
    );
  });
}
