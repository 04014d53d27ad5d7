// What can go wrong listing a build server's history, as errors the CLI prints in one line.
import { UserError } from '../errors.js';

export interface CommitLabel {
  checksum: string;
  version?: string | null;
  timestamp?: Date;
}

/** `good 0123456789ab (44.0003, 2025-01-06 03:00:00 UTC)`. */
export function describeCommit(role: string, c: CommitLabel): string {
  const details = [c.version, c.timestamp && formatDate(c.timestamp)].filter(Boolean);
  return `${role} ${c.checksum.slice(0, 12)}${details.length > 0 ? ` (${details.join(', ')})` : ''}`;
}

function formatDate(d: Date): string {
  return d
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d+Z$/, ' UTC');
}

/** The walk from bad reached a root commit, or the commit limit, without meeting good. */
export class NotAncestor extends UserError {
  override name = 'NotAncestor';
  constructor(
    readonly good: CommitLabel,
    readonly bad: CommitLabel,
    /** `root`: bad's history ends without good. `limit`: maxCommits commits walked. */
    readonly reason: 'root' | 'limit',
    /** Commits walked from bad (bad included). */
    readonly walked: number,
  ) {
    super(NotAncestor.describe(good, bad, reason, walked));
  }

  private static describe(good: CommitLabel, bad: CommitLabel, reason: 'root' | 'limit', walked: number) {
    const g = describeCommit('good', good);
    const b = describeCommit('bad', bad);
    const goodIsNewer =
      good.timestamp !== undefined && bad.timestamp !== undefined && good.timestamp > bad.timestamp;
    const hint = goodIsNewer
      ? 'good is newer than bad: were they given the other way round?'
      : reason === 'root'
        ? `bad's history ends at a root commit after ${walked} commits without reaching good: they are on different branches.`
        : `good was not within ${walked} commits of bad: pick a newer good commit or raise the limit.`;
    return `${g} is not an ancestor of ${b}; ${hint}`;
  }
}

/** The server has no such commit object (404) where one is needed: good or bad itself. */
export class RemoteCommitNotFound extends UserError {
  override name = 'RemoteCommitNotFound';
  constructor(
    readonly role: string,
    readonly checksum: string,
    readonly url: string,
  ) {
    super(
      `${role} commit ${checksum} is not on the server (HTTP 404 for ${url}): ` +
        'it may have been pruned. Check the checksum, or pick a commit the server still has.',
    );
  }
}

/** The server has no such ref. */
export class RemoteRefNotFound extends UserError {
  override name = 'RemoteRefNotFound';
  constructor(
    readonly ref: string,
    readonly url: string,
  ) {
    super(
      `No ref "${ref}" on the server (HTTP 404 for ${url}). Give a ref the server has or a full commit checksum.`,
    );
  }
}

/** What the server sent is not the object asked for (wrong checksum) or not an object at all. */
export class CorruptRemoteObject extends UserError {
  override name = 'CorruptRemoteObject';
  constructor(
    readonly url: string,
    readonly problem: string,
  ) {
    super(
      `The server sent a bad object for ${url}: ${problem}. Try again; if it persists, the server's repository is damaged.`,
    );
  }
}
