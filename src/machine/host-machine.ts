// This host: ostree knows what booted; a reboot is systemd's; commands run directly.
import { readFile } from 'node:fs/promises';
import type { Ostree } from '../ostree/index.js';
import { run, type RunResult } from '../process/run.js';
import type { BootedDeployment, ExecOptions, Machine, RebootResult } from './machine.js';

export class HostMachine implements Machine {
  readonly kind = 'host' as const;
  readonly sysroot = '/';
  constructor(private readonly ostree: Ostree) {}

  async booted(): Promise<BootedDeployment | null> {
    const deployments = await this.ostree.sysroot(this.sysroot).status();
    const b = deployments.find((d) => d.booted);
    return b ? { stateroot: b.stateroot, checksum: b.checksum, serial: b.serial, path: b.path } : null;
  }

  async bootId(): Promise<string | null> {
    // The kernel makes a new random id at every boot.
    return (await readFile('/proc/sys/kernel/random/boot_id', 'utf8').catch(() => '')).trim() || null;
  }

  async reboot(): Promise<RebootResult> {
    await run(['systemctl', 'reboot'], { debianPackage: 'systemd' });
    // systemd takes the machine down; nothing after this runs on the old boot.
    return new Promise<RebootResult>(() => undefined);
  }

  exec(argv: readonly string[], opts: ExecOptions = {}): Promise<RunResult> {
    return run(argv, {
      allowFailure: true,
      env: opts.env,
      timeout: opts.timeout,
      signal: opts.signal,
      inherit: opts.inherit,
      onStdoutLine: opts.onStdoutLine,
      onStderrLine: opts.onStderrLine,
    });
  }
}
