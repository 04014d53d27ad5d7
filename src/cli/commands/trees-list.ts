import type { Command } from 'commander';
import { UserError } from '../../errors.js';
import { listTrees } from '../../trees/list-trees.js';
import { openContext } from '../context.js';
import { addGlobalOptions } from '../global-options.js';
import { renderTreesTable, treeToJson } from '../render/trees-table.js';

export function registerTreesList(trees: Command): void {
  addGlobalOptions(trees.command('list').description('list the deployed trees with their roles')).action(
    async function (this: Command) {
      const ctx = await openContext(this);
      const list = await listTrees(ctx);
      if (list.length === 0) {
        throw new UserError(`no deployments in ${ctx.sysroot}. Deploy a tree first: grove trees add REFSPEC`);
      }
      ctx.out.result(
        () => renderTreesTable(list),
        () => ({ deployments: list.map(treeToJson) }),
      );
    },
  );
}
