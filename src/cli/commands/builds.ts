import type { Command } from 'commander';
import { registerBuildsClear } from './builds-clear.js';
import { registerBuildsList } from './builds-list.js';

/** `grove builds …`: the cache of source builds (one file per subcommand, registered here). */
export function registerBuilds(program: Command): void {
  const builds = program.command('builds').description('list and clear cached source builds');
  registerBuildsList(builds);
  registerBuildsClear(builds);
}
