import type { Command } from 'commander';
import { openContext } from '../context.js';
import { addGlobalOptions } from '../global-options.js';

export function registerMachineStatus(machine: Command): void {
  addGlobalOptions(
    machine.command('status').description('what kind of machine this is and what booted'),
  ).action(async function (this: Command) {
    const ctx = await openContext(this);
    const booted = await ctx.machine.booted();
    ctx.out.result(
      () =>
        booted
          ? `${ctx.machine.kind} ${ctx.sysroot}: booted ${booted.stateroot} ${booted.checksum}.${booted.serial}\n  ${booted.path}`
          : `${ctx.machine.kind} ${ctx.sysroot}: nothing booted yet (grove machine reboot boots the default tree)`,
      () => ({ machine: ctx.machine.kind, booted }),
    );
  });
}
