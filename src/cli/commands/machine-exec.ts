import type { Command } from 'commander';
import { UsageError } from '../../errors.js';
import { openContext } from '../context.js';
import { addGlobalOptions } from '../global-options.js';

export function registerMachineExec(machine: Command): void {
  addGlobalOptions(
    machine
      .command('exec')
      .description('run a command on the booted system (on a sandbox: inside the booted tree)')
      .argument('[command...]', 'the command and its arguments, after --'),
  ).action(async function (this: Command, argv: string[]) {
    if (argv.length === 0)
      throw new UsageError('machine exec needs a command: grove machine exec -- CMD [ARGS...]');
    const ctx = await openContext(this);
    const r = await ctx.machine.exec(argv, { inherit: true });
    if (r.signal) process.exitCode = 128 + (signalNumber(r.signal) ?? 0);
    else process.exitCode = r.exitCode ?? 1;
  });
}

function signalNumber(name: string): number | undefined {
  const table: Record<string, number> = { SIGHUP: 1, SIGINT: 2, SIGQUIT: 3, SIGKILL: 9, SIGTERM: 15 };
  return table[name];
}
