// The only code that runs `ostree`. Every call is an argv array; output is parsed by the pure
// functions in ./parse-*.ts so they can be tested against captured text.
import { run, type RunOptions, type RunResult } from '../process/run.js';

export interface OstreeRunner {
  /** Runs `ostree ARGS` and returns its result; throws CommandFailed on failure. */
  (args: readonly string[], opts?: RunOptions): Promise<RunResult>;
}

export interface OstreeOptions {
  /** Program to run; default `ostree`. */
  binary?: string;
  /** Extra environment (e.g. OSTREE_SYSROOT_DEBUG=mutable-deployments in tests). */
  env?: Record<string, string>;
}

export function ostreeRunner(opts: OstreeOptions = {}): OstreeRunner {
  const binary = opts.binary ?? 'ostree';
  return (args, runOpts = {}) =>
    run([binary, ...args], {
      debianPackage: 'ostree',
      ...runOpts,
      env: { ...opts.env, ...runOpts.env },
    });
}
