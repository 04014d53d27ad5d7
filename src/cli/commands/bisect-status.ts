import type { Command } from 'commander';
import { bisectStatus } from '../../bisect/status.js';
import { openContext } from '../context.js';
import { addGlobalOptions } from '../global-options.js';
import { renderStatus, renderView, statusJson } from '../render/bisect.js';

export function registerBisectStatus(bisect: Command): void {
  addGlobalOptions(bisect.command('status').description('the range, what was tested, steps left')).action(
    async function (this: Command) {
      const ctx = await openContext(this);
      const view = await bisectStatus({ sysroot: ctx.sysroot });
      ctx.out.result(
        () => renderStatus(view),
        () => statusJson(view),
      );
    },
  );
  addGlobalOptions(
    bisect.command('view').description('the range as a table with verdicts and markers'),
  ).action(async function (this: Command) {
    const ctx = await openContext(this);
    const view = await bisectStatus({ sysroot: ctx.sysroot });
    ctx.out.result(
      () => renderView(view),
      () => ({
        ...statusJson(view),
        commits: view.rows.map((r) => ({
          ...r.commit,
          verdict: r.verdict,
          source: r.source,
          expected: r.expected,
          firstBad: r.firstBad,
        })),
      }),
    );
  });
}
