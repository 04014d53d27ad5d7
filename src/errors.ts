// The error types grove throws. Only src/index.ts turns them into output and exit codes:
// UsageError -> 2, UserError and CommandFailed -> 1, anything else is a bug (70) with a stack.

/** Something the user can fix: the message names the value and the next step. Exit 1. */
export class UserError extends Error {
  override name = 'UserError';
  readonly exitCode: number = 1;
}

/** The command line itself is wrong (unknown option, bad argument). Exit 2. */
export class UsageError extends UserError {
  override name = 'UsageError';
  override readonly exitCode: number = 2;
}

/** A subprocess (ostree, git, a build) failed. Carries what is needed to understand why. */
export class CommandFailed extends Error {
  override name = 'CommandFailed';
  readonly exitCode = 1;
  constructor(
    readonly argv: readonly string[],
    readonly status: number | null,
    readonly stderr: string,
    readonly signal?: string,
  ) {
    super(CommandFailed.describe(argv, status, stderr, signal));
  }

  /** The lines of stderr that matter: ostree prefixes its real message with "error: ". */
  static meaningful(stderr: string): string {
    const lines = stderr
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l.length > 0);
    const errors = lines.filter((l) => /^error:/i.test(l));
    const chosen = errors.length > 0 ? errors : lines.slice(-3);
    return chosen.join(' / ');
  }

  private static describe(argv: readonly string[], status: number | null, stderr: string, signal?: string) {
    const how = signal ? `was killed by ${signal}` : `exited ${status}`;
    const why = CommandFailed.meaningful(stderr);
    return `${argv.join(' ')} ${how}${why ? `: ${why}` : ''}`;
  }
}

/** An outside program grove needs is not installed. */
export class MissingProgram extends UserError {
  override name = 'MissingProgram';
  constructor(
    readonly program: string,
    readonly debianPackage: string,
  ) {
    super(
      `${program} is not installed. Install it (Debian: apt-get install ${debianPackage}) and try again.`,
    );
  }
}

export function isUserFacing(e: unknown): e is UserError | CommandFailed {
  return e instanceof UserError || e instanceof CommandFailed;
}
