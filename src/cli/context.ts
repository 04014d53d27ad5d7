// Turns global options into the objects commands need, after checking the sysroot is one.
import { stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { UserError } from '../errors.js';
import { openMachine } from '../machine/open-machine.js';
import type { Machine } from '../machine/machine.js';
import { Ostree } from '../ostree/index.js';
import { globalOptions, type GlobalOptions } from './global-options.js';
import { Output } from './output.js';

export interface CliContext {
  globals: GlobalOptions;
  sysroot: string;
  ostree: Ostree;
  machine: Machine;
  out: Output;
  /** Prompts are allowed: a terminal on both ends, no --yes, no --json. */
  interactive: boolean;
}

export async function openContext(cmd: Command): Promise<CliContext> {
  const globals = globalOptions(cmd);
  const sysroot = resolve(globals.sysroot);
  await assertSysroot(sysroot, globals.sysroot);
  // Sandbox deployments stay mutable so that a sandbox in a temp dir can be deleted like any
  // directory; a host keeps ostree's immutable deployments.
  const ostree = new Ostree(sysroot === '/' ? {} : { env: { OSTREE_SYSROOT_DEBUG: 'mutable-deployments' } });
  return {
    globals,
    sysroot,
    ostree,
    machine: openMachine(sysroot, ostree),
    out: new Output(globals.json),
    interactive: Boolean(process.stdin.isTTY && process.stdout.isTTY && !globals.yes && !globals.json),
  };
}

async function assertSysroot(abs: string, given: string): Promise<void> {
  const isDir = async (p: string) => (await stat(p).catch(() => null))?.isDirectory() ?? false;
  if (!(await isDir(abs))) {
    throw new UserError(
      `--sysroot ${given} does not exist. Point --sysroot (or GROVE_SYSROOT) at an OSTree sysroot.`,
    );
  }
  if (!(await isDir(join(abs, 'ostree', 'repo'))) || !(await isDir(join(abs, 'ostree', 'deploy')))) {
    throw new UserError(
      `--sysroot ${given} is not an OSTree sysroot (no ostree/repo and ostree/deploy in it). Create one with 'ostree admin init-fs ${given}' or point --sysroot at one.`,
    );
  }
}
