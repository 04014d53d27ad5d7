import type { Command } from 'commander';
import { registerTreesAdd } from './trees-add.js';
import { registerTreesDefault } from './trees-default.js';
import { registerTreesDiff } from './trees-diff.js';
import { registerTreesList } from './trees-list.js';
import { registerTreesPin } from './trees-pin.js';
import { registerTreesPrune } from './trees-prune.js';
import { registerTreesRemove } from './trees-remove.js';

/** `grove trees …`: one file per subcommand, registered here. */
export function registerTrees(program: Command): void {
  const trees = program.command('trees').description('list and manage deployed trees');
  registerTreesList(trees);
  registerTreesPin(trees);
  registerTreesDefault(trees);
  registerTreesAdd(trees);
  registerTreesRemove(trees);
  registerTreesPrune(trees);
  registerTreesDiff(trees);
}
