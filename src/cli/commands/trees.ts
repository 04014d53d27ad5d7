import type { Command } from 'commander';
import { registerTreesList } from './trees-list.js';

/** `grove trees …`: one file per subcommand, registered here. */
export function registerTrees(program: Command): void {
  const trees = program.command('trees').description('list and manage deployed trees');
  registerTreesList(trees);
}
