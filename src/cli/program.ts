// The command tree. Each command lives in its own file under ./commands and only parses,
// calls the core and renders.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { registerBisect } from './commands/bisect.js';
import { registerBuilds } from './commands/builds.js';
import { registerDemo } from './commands/demo.js';
import { registerMachine } from './commands/machine.js';
import { registerTrees } from './commands/trees.js';
import { addGlobalOptions } from './global-options.js';

/** grove's own package.json, found upwards from here (src/ under tests, dist/src/ when built). */
function packageVersion(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
  const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { version: string };
  return pkg.version;
}

export function createProgram(): Command {
  const program = new Command('grove')
    .description('bisect and manage the trees of an OSTree system')
    .version(packageVersion(), '-V, --version')
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureOutput({ outputError: () => undefined });
  addGlobalOptions(program);

  registerBisect(program);
  registerDemo(program);

  registerTrees(program);
  registerMachine(program);
  registerBuilds(program);

  // Subcommands inherit the error handling, so that every usage error is one line and exit 2.
  for (const cmd of allCommands(program))
    cmd.exitOverride().configureOutput({ outputError: () => undefined });
  return program;
}

function allCommands(cmd: Command): Command[] {
  return cmd.commands.flatMap((c) => [c, ...allCommands(c)]);
}
