// What the trees commands need to know about a running bisection. The bisect layer sits above
// this one, so the CLI reads the bisect state and hands this view down.
import { sameId, type DeploymentId } from './deployment-index.js';

export type BisectRole = 'original' | 'candidate' | 'ahead' | 'last-good';

export interface BisectView {
  /** The tree the bisection started from (pinned while it runs). */
  original: DeploymentId;
  /** Candidate deployments grove made, including the one deployed for the next boot. */
  candidates: DeploymentId[];
  /** Candidates that can come next, deployed ahead while the current one is tested. */
  ahead?: DeploymentId[];
  /** The newest commit judged good so far (the good end of the range at first). */
  lastGood: string | null;
  /** Commits the bisection lists (version lookups for `--all`, tree specs). */
  commits: Array<{ checksum: string; version: string | null }>;
}

export function bisectRoles(d: DeploymentId, view: BisectView | null): BisectRole[] {
  if (!view) return [];
  const roles: BisectRole[] = [];
  if (sameId(d, view.original)) roles.push('original');
  if (view.candidates.some((c) => sameId(c, d))) roles.push('candidate');
  if (view.ahead?.some((c) => sameId(c, d))) roles.push('ahead');
  if (view.lastGood !== null && d.checksum === view.lastGood) roles.push('last-good');
  return roles;
}

/** Trees a running bisection needs: removing them needs --force, prune never does. */
export function neededByBisection(d: DeploymentId, view: BisectView | null): boolean {
  return bisectRoles(d, view).length > 0;
}
