// The command tree. Each command lives in its own file under ./commands and only parses,
// calls the core and renders.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { registerBisect } from './commands/bisect.js';
import { registerDemo } from './commands/demo.js';
import { registerMachineExec } from './commands/machine-exec.js';
import { registerMachineReboot } from './commands/machine-reboot.js';
import { registerMachineStatus } from './commands/machine-status.js';
import { registerTreesList } from './commands/trees-list.js';
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

  const trees = program.command('trees').description('list and manage deployed trees');
  registerTreesList(trees);

  const machine = program
    .command('machine')
    .description('the machine trees boot on (this host or a sandbox)');
  registerMachineStatus(machine);
  registerMachineReboot(machine);
  registerMachineExec(machine);

  // Subcommands inherit the error handling, so that every usage error is one line and exit 2.
  for (const cmd of allCommands(program))
    cmd.exitOverride().configureOutput({ outputError: () => undefined });
  return program;
}

function allCommands(cmd: Command): Command[] {
  return cmd.commands.flatMap((c) => [c, ...allCommands(c)]);
}
