#!/usr/bin/env node
// Entry point: the one place that turns errors into messages and exit codes.
// UsageError -> 2, UserError / CommandFailed -> 1, anything else is a bug -> 70 with a stack.
import { CommanderError } from 'commander';
import { createProgram } from './cli/program.js';
import { isUserFacing } from './errors.js';

async function main(argv: string[]): Promise<void> {
  const program = createProgram();
  try {
    await program.parseAsync(argv);
  } catch (e) {
    process.exitCode = report(e);
  }
}

function report(e: unknown): number {
  const debug = Boolean(process.env.DEBUG);
  if (e instanceof CommanderError) {
    // help and --version exit through here with code 0
    if (e.exitCode === 0 || e.code === 'commander.helpDisplayed' || e.code === 'commander.version') return 0;
    const msg = e.message.replace(/^error:\s*/, '');
    process.stderr.write(`grove: ${msg}. Run 'grove help' for usage.\n`);
    return 2;
  }
  if (isUserFacing(e)) {
    process.stderr.write(`grove: ${e.message}\n`);
    if (debug && e.stack) process.stderr.write(e.stack + '\n');
    return e.exitCode;
  }
  const err = e instanceof Error ? e : new Error(String(e));
  process.stderr.write(`grove: internal error: ${err.message}\n`);
  if (debug) process.stderr.write((err.stack ?? '') + '\n');
  else
    process.stderr.write(
      'grove: this is a bug in grove; run again with DEBUG=1 for the stack and report it.\n',
    );
  return 70;
}

await main(process.argv);
