// `grove trees remove TREE... [--force] [--dry-run]`.
import type { Command } from 'commander';
import { UserError } from '../../errors.js';
import { listTrees } from '../../trees/list-trees.js';
import { estimateFreed, planRemoval, refusal, removeTrees } from '../../trees/remove-trees.js';
import { resolveDeployed } from '../../trees/resolve-tree.js';
import { addGlobalOptions } from '../global-options.js';
import { removalToJson, renderRemoval } from '../render/trees-actions.js';
import { openTrees } from './trees-shared.js';

export function registerTreesRemove(trees: Command): void {
  addGlobalOptions(
    trees
      .command('remove <trees...>')
      .description('remove trees (never the booted one; pinned and bisection trees only with --force)')
      .option('--force', 'also remove pinned trees and trees a running bisection needs')
      .option('--dry-run', 'print what would be removed and the commands, change nothing'),
  ).action(async function (this: Command, specs: string[]) {
    const { ctx, bisect, emit, locked } = await openTrees(this);
    const o = this.opts<{ force?: boolean; dryRun?: boolean }>();
    const work = async () => {
      const all = await listTrees(ctx);
      const chosen = specs.map((s) => resolveDeployed(s, all, bisect?.commits ?? []));
      for (const t of chosen) {
        const why = refusal(t, { force: Boolean(o.force), bisect });
        if (why) throw new UserError(`${why} Nothing was removed.`);
      }
      const plan = planRemoval(ctx.sysroot, chosen);
      const estimate = await estimateFreed(ctx.sysroot, all, plan.trees);
      if (o.dryRun)
        return {
          dryRun: true,
          trees: plan.trees,
          commands: plan.commands,
          freedBytes: null,
          estimatedFreedBytes: estimate,
        };
      const r = await removeTrees(ctx.ostree, plan, emit);
      return {
        dryRun: false,
        trees: r.removed,
        commands: plan.commands,
        freedBytes: r.freedBytes,
        estimatedFreedBytes: estimate,
      };
    };
    const view = o.dryRun ? await work() : await locked(work);
    ctx.out.result(
      () => renderRemoval(view),
      () => removalToJson(view),
    );
  });
}
