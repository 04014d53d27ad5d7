import type { Command } from 'commander';
import { UserError } from '../../errors.js';
import { treesReport } from '../../trees/list-trees.js';
import { addGlobalOptions } from '../global-options.js';
import { renderTreesReport, treesReportToJson } from '../render/trees-table.js';
import { openTrees } from './trees-shared.js';

export function registerTreesList(trees: Command): void {
  addGlobalOptions(
    trees
      .command('list')
      .description('list the deployed trees with their roles and disk use')
      .option('--all', 'also list commits grove keeps refs to that are not deployed'),
  ).action(async function (this: Command) {
    const { ctx, bisect } = await openTrees(this);
    const all = Boolean(this.opts<{ all?: boolean }>().all);
    const report = await treesReport(ctx, { bisect, all });
    if (report.trees.length === 0 && !all) {
      throw new UserError(`no deployments in ${ctx.sysroot}. Deploy a tree first: grove trees add REFSPEC`);
    }
    ctx.out.result(
      () => renderTreesReport(report),
      () => treesReportToJson(report),
    );
  });
}
