// A sandbox machine: a sysroot in a directory, booted the way firmware, a BLS bootloader and
// ostree-prepare-root would boot it. What booted is recorded in the sandbox ("firmware" state),
// never inferred from grove's own bookkeeping, so bisect code is checked against what really booted.
import { readdir, readlink, realpath, stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { UserError } from '../errors.js';
import { run, type RunResult } from '../process/run.js';
import { readJsonFile, writeJsonDurably } from '../state/atomic-file.js';
import { bootOrder, parseOstreeBootArg, type BlsEntry } from './bls-entry.js';
import { readBootEntries } from './boot-entries.js';
import type { BootAttempt, BootedDeployment, ExecOptions, Machine, RebootResult } from './machine.js';

interface FirmwareState {
  schema: 1;
  booted: BootedDeployment & { entry: string; bootedAt: string };
  boots: number;
}

export class SandboxMachine implements Machine {
  readonly kind = 'sandbox' as const;
  constructor(readonly sysroot: string) {}

  private get firmwareFile(): string {
    return join(this.sysroot, '.grove-sandbox', 'firmware.json');
  }

  async booted(): Promise<BootedDeployment | null> {
    const fw = await readJsonFile<FirmwareState>(this.firmwareFile, 'sandbox firmware state');
    if (!fw) return null;
    const { stateroot, checksum, serial, path } = fw.booted;
    return { stateroot, checksum, serial, path };
  }

  async bootId(): Promise<string | null> {
    const fw = await readJsonFile<FirmwareState>(this.firmwareFile, 'sandbox firmware state');
    return fw ? `sandbox-boot-${fw.boots}` : null;
  }

  async reboot(): Promise<RebootResult> {
    const entries = await readBootEntries(this.sysroot);
    if (entries.length === 0) {
      throw new UserError(
        `nothing to boot in ${this.sysroot}: no boot/loader/entries. Deploy a tree first (grove trees add REF).`,
      );
    }
    const fellBack: BootAttempt[] = [];
    for (const entry of bootOrder(entries)) {
      const verdict = await this.tryBoot(entry);
      if ('failed' in verdict) {
        fellBack.push({ entry: entry.file, title: entry.title, failed: verdict.failed });
        continue;
      }
      const previous = await readJsonFile<FirmwareState>(this.firmwareFile, 'sandbox firmware state');
      const state: FirmwareState = {
        schema: 1,
        booted: { ...verdict.booted, entry: entry.file, bootedAt: new Date().toISOString() },
        boots: (previous?.boots ?? 0) + 1,
      };
      await writeJsonDurably(this.firmwareFile, state);
      return { booted: verdict.booted, entry: entry.file, fellBack };
    }
    throw new UserError(
      `no boot entry of ${this.sysroot} could boot (${fellBack.map((f) => `${f.entry}: ${f.failed}`).join('; ')}). Deploy a bootable tree.`,
    );
  }

  async exec(argv: readonly string[], opts: ExecOptions = {}): Promise<RunResult> {
    const booted = await this.booted();
    if (!booted) {
      throw new UserError(
        `no tree is booted in sandbox ${this.sysroot}. Boot one first: grove machine reboot`,
      );
    }
    if (!(await isDir(booted.path))) {
      throw new UserError(
        `the booted tree ${booted.checksum.slice(0, 10)}.${booted.serial} is gone from ${this.sysroot}. Boot another: grove machine reboot`,
      );
    }
    const varDir = join(this.sysroot, 'ostree', 'deploy', booted.stateroot, 'var');
    const env: Record<string, string> = {
      PATH: '/usr/local/bin:/usr/bin:/usr/sbin:/bin:/sbin',
      HOME: '/root',
      ...(process.env.TERM ? { TERM: process.env.TERM } : {}),
      ...opts.env,
    };
    // bubblewrap: the deployment read-only as /, the stateroot's /var as on a host,
    // fresh /proc, /dev and /tmp, and nothing of the caller's environment but what we pass.
    const bwrap = [
      'bwrap',
      '--ro-bind',
      booted.path,
      '/',
      '--bind',
      varDir,
      '/var',
      '--proc',
      '/proc',
      '--dev',
      '/dev',
      '--tmpfs',
      '/tmp',
      '--tmpfs',
      '/run',
      '--unshare-pid',
      '--unshare-ipc',
      '--unshare-uts',
      '--hostname',
      'grove-sandbox',
      '--die-with-parent',
      '--chdir',
      '/',
      '--clearenv',
      ...Object.entries(env).flatMap(([k, v]) => ['--setenv', k, v]),
      '--',
      ...argv,
    ];
    const r = await run(bwrap, {
      allowFailure: true,
      timeout: opts.timeout,
      signal: opts.signal,
      onStdoutLine: opts.onStdoutLine,
      onStderrLine: opts.onStderrLine,
      inherit: opts.inherit,
      debianPackage: 'bubblewrap',
    });
    // bwrap reports a command it cannot exec with exit 1; a shell would say 127 (not found) or
    // 126 (not executable), and bisect run tells "cannot run" from "bad" by those codes.
    const execFailure = r.exitCode === 1 ? /bwrap: execvp [^\n]*: (.*)/.exec(r.stderr) : null;
    if (execFailure) return { ...r, exitCode: /No such file/.test(execFailure[1]!) ? 127 : 126 };
    return r;
  }

  /** Follows the entry as a bootloader + initramfs would; says why it cannot boot. */
  private async tryBoot(entry: BlsEntry): Promise<{ booted: BootedDeployment } | { failed: string }> {
    if (!entry.linux) return { failed: 'entry has no linux line' };
    // ostree writes /boot/ostree/... when /boot is part of the root filesystem (always so in a
    // sandbox directory) and /ostree/... when /boot is a partition of its own.
    const size =
      (await fileSize(join(this.sysroot, entry.linux))) ??
      (await fileSize(join(this.sysroot, 'boot', entry.linux)));
    if (size === null) return { failed: `kernel ${entry.linux} is missing` };
    if (size === 0) return { failed: `kernel ${entry.linux} is empty` };
    if (!entry.ostree) return { failed: 'no ostree= kernel argument' };
    const arg = parseOstreeBootArg(entry.ostree);
    if (!arg) return { failed: `unrecognized ostree=${entry.ostree}` };
    // ostree-prepare-root: /ostree/boot.N/<os>/<bootcsum>/<serial> is a symlink to the deployment.
    let target: string;
    try {
      target = await realpath(join(this.sysroot, entry.ostree));
    } catch {
      return { failed: `${entry.ostree} does not resolve to a deployment` };
    }
    const deployRoot = join(this.sysroot, 'ostree', 'deploy');
    const rel = relative(await realpath(deployRoot), target).split(sep);
    const m = rel.length === 3 && rel[1] === 'deploy' ? /^([0-9a-f]{64})\.(\d+)$/.exec(rel[2]!) : null;
    if (!m || !rel[0]) return { failed: `${entry.ostree} points outside ostree/deploy` };
    // The deployment's own kernel must be there too (an empty vmlinuz means a tree that cannot boot).
    const modules = join(target, 'usr', 'lib', 'modules');
    const kvers = await readdir(modules).catch(() => [] as string[]);
    const sizes = await Promise.all(kvers.map((k) => fileSize(join(modules, k, 'vmlinuz'))));
    if (!sizes.some((s) => s !== null && s > 0))
      return { failed: 'the tree has no non-empty usr/lib/modules/*/vmlinuz' };
    return { booted: { stateroot: rel[0], checksum: m[1]!, serial: Number(m[2]), path: target } };
  }

  /** The boot/loader symlink target (loader.0 or loader.1), for diagnostics. */
  async loaderVersion(): Promise<string | null> {
    return readlink(join(this.sysroot, 'boot', 'loader')).catch(() => null);
  }
}

async function fileSize(path: string): Promise<number | null> {
  try {
    const s = await stat(path);
    return s.isFile() ? s.size : null;
  } catch {
    return null;
  }
}

async function isDir(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}
