import type { Command } from 'commander';
import { registerMachineExec } from './machine-exec.js';
import { registerMachineReboot } from './machine-reboot.js';
import { registerMachineStatus } from './machine-status.js';

export function registerMachine(program: Command): void {
  const machine = program
    .command('machine')
    .description('the machine trees boot on (this host or a sandbox)');
  registerMachineStatus(machine);
  registerMachineReboot(machine);
  registerMachineExec(machine);
}
