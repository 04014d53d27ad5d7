import { confirm } from '../prompts.js';
import type { BisectCli } from '../bisect-env.js';

/** `--reboot`: boot the candidate now (asks first on a terminal unless --yes). */
export async function maybeReboot(b: BisectCli, requested: boolean | undefined): Promise<void> {
  if (!requested) return;
  if (b.ctx.interactive && !(await confirm('Reboot now to test it?', true))) return;
  const r = await b.locked(() => b.env.machine.reboot());
  for (const f of r.fellBack) b.ctx.out.note(`boot entry ${f.entry} failed: ${f.failed}; falling back`);
  b.ctx.out.note(`booted ${r.booted.checksum.slice(0, 10)}.${r.booted.serial}`);
}
