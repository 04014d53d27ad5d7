// Options every command takes, before or after the command name:
// `grove --sysroot S trees list --json` and `grove trees list --sysroot S --json` are the same.
import type { Command } from 'commander';

export interface GlobalOptions {
  /** The system grove acts on; `/` is this host, anything else a sandbox machine. */
  sysroot: string;
  /** Stateroot (OS name) to act on; default: the booted one, else the only/first one. */
  os: string | undefined;
  json: boolean;
  yes: boolean;
}

export function addGlobalOptions(cmd: Command): Command {
  return cmd
    .option('--sysroot <dir>', 'OSTree sysroot to act on (env GROVE_SYSROOT; default /)')
    .option('--os <name>', 'stateroot (OS) to act on')
    .option('--json', 'print JSON on stdout (progress still goes to stderr)')
    .option('-y, --yes', 'never prompt; take the default answer');
}

export function globalOptions(cmd: Command): GlobalOptions {
  const o = cmd.optsWithGlobals<{ sysroot?: string; os?: string; json?: boolean; yes?: boolean }>();
  return {
    sysroot: o.sysroot ?? process.env.GROVE_SYSROOT ?? '/',
    os: o.os,
    json: Boolean(o.json),
    yes: Boolean(o.yes),
  };
}
