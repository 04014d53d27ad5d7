import type { Command } from 'commander';
import { openContext } from '../context.js';
import { addGlobalOptions } from '../global-options.js';
import { withSysrootLock } from '../../state/sysroot-lock.js';
import { sysrootLockPath } from '../../state/paths.js';

export function registerMachineReboot(machine: Command): void {
  addGlobalOptions(
    machine.command('reboot').description('boot the default tree (on a sandbox: as its bootloader would)'),
  ).action(async function (this: Command) {
    const ctx = await openContext(this);
    if (ctx.machine.kind === 'host') ctx.out.note('grove: rebooting this machine (systemctl reboot)');
    const result = await withSysrootLock(sysrootLockPath(ctx.sysroot), () => ctx.machine.reboot());
    for (const f of result.fellBack) {
      ctx.out.note(
        `grove: boot entry ${f.entry} (${f.title ?? 'untitled'}) failed: ${f.failed}; falling back`,
      );
    }
    const b = result.booted;
    ctx.out.result(
      () => `booted ${b.stateroot} ${b.checksum.slice(0, 10)}.${b.serial} from ${result.entry}`,
      () => ({ booted: b, entry: result.entry, fellBack: result.fellBack }),
    );
  });
}
