// The only code that runs `ostree`. Every call is an argv array; output is parsed by the pure
// functions in ./parse-*.ts so they can be tested against captured text.
import { run, type RunOptions, type RunResult } from '../process/run.js';
import { detectCapabilities, parseHelpCommands, parseVersion, type Capabilities } from './parse-version.js';
import { Repo } from './repo.js';
import { findOrderHelper } from './order-helper.js';
import { Sysroot } from './sysroot.js';

export interface OstreeRunner {
  /** Runs `ostree ARGS` and returns its result; throws CommandFailed on failure. */
  (args: readonly string[], opts?: RunOptions): Promise<RunResult>;
}

export interface OstreeOptions {
  /** Program to run; default `ostree`. */
  binary?: string;
  /** Extra environment (e.g. OSTREE_SYSROOT_DEBUG=mutable-deployments in tests). */
  env?: Record<string, string>;
  /** grove's set-default helper (./native/); null: none; default: the built one, if any. */
  orderHelper?: string | null;
}

/**
 * LC_ALL=C.UTF-8: messages in English (CommandFailed and the parsers match them), '.' as the
 * decimal separator in sizes ("921.7 kB"), and UTF-8 subjects printed as UTF-8, not escaped.
 * The caller's env wins.
 */
const BASE_ENV: Record<string, string> = { LC_ALL: 'C.UTF-8' };

export function ostreeRunner(opts: OstreeOptions = {}): OstreeRunner {
  const binary = opts.binary ?? 'ostree';
  return (args, runOpts = {}) =>
    run([binary, ...args], {
      debianPackage: 'ostree',
      ...runOpts,
      env: { ...BASE_ENV, ...opts.env, ...runOpts.env },
    });
}

export class Ostree {
  readonly exec: OstreeRunner;
  /** Runs grove's set-default helper (argv after its path) like ostree itself; null without one. */
  readonly execOrderHelper: OstreeRunner | null;
  private versionPromise: Promise<{ version: string; features: string[] }> | undefined;
  private capabilitiesPromise: Promise<Capabilities> | undefined;

  constructor(opts: OstreeOptions = {}) {
    this.exec = ostreeRunner(opts);
    const helper = opts.orderHelper === undefined ? findOrderHelper() : opts.orderHelper;
    this.execOrderHelper = helper ? ostreeRunner({ ...opts, binary: helper }) : null;
  }

  /**
   * Whether a deployment can be made the default without deploying it again: grove's helper,
   * or `ostree admin set-default` (2023.6).
   */
  async canSetDefault(): Promise<boolean> {
    return this.execOrderHelper !== null || (await this.capabilities()).setDefault;
  }

  /** From `ostree --version`; cached. */
  version(): Promise<{ version: string; features: string[] }> {
    this.versionPromise ??= this.exec(['--version']).then((r) => parseVersion(r.stdout));
    this.versionPromise.catch(() => (this.versionPromise = undefined));
    return this.versionPromise;
  }

  /** What the installed ostree can do, from its own help texts (version as fallback); cached. */
  capabilities(): Promise<Capabilities> {
    this.capabilitiesPromise ??= (async () => {
      const [{ version }, adminHelp, statusHelp] = await Promise.all([
        this.version(),
        this.exec(['admin', '--help'], { allowFailure: true }),
        this.exec(['admin', 'status', '--help'], { allowFailure: true }),
      ]);
      return detectCapabilities(
        version,
        parseHelpCommands(adminHelp.stdout + adminHelp.stderr),
        statusHelp.stdout + statusHelp.stderr,
      );
    })();
    this.capabilitiesPromise.catch(() => (this.capabilitiesPromise = undefined));
    return this.capabilitiesPromise;
  }

  repo(path: string): Repo {
    return new Repo(this.exec, path);
  }

  sysroot(path: string): Sysroot {
    return new Sysroot(this, path);
  }
}
