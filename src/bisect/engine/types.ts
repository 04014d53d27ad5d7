// The vocabulary of the pure bisect engine. Positions ("index") are into EngineInput.commits,
// oldest first: commits[0] is the known-good end, commits[n - 1] the known-bad end.

/** The session maps the terms old/new (or custom terms) to good/bad before calling the engine. */
export type Verdict = 'good' | 'bad' | 'skip';

export interface EngineCommit {
  readonly id: string;
  /** The commit's root tree checksum. Consecutive commits with the same non-null tree are one content. */
  readonly rootTree?: string | null;
  /** false when a --package filter excludes the commit; it is then never proposed. Default true. */
  readonly eligible?: boolean;
}

export interface EngineInput {
  /** The linear history, known-good first, known-bad last; at least these two. Ids are unique. */
  readonly commits: readonly EngineCommit[];
  /** Verdicts by commit id. The ends may be absent; ids not in `commits` are ignored. */
  readonly verdicts: Readonly<Record<string, Verdict>>;
}

export interface TestNext {
  readonly kind: 'test';
  /** The commit to boot and judge: the first commit of a content nobody has judged yet. */
  readonly index: number;
  readonly id: string;
  /** Commits after the last good one, up to and including the first bad one. */
  readonly remaining: number;
  /** git's "roughly N steps": verdicts still expected after this one (see stepsLeft). */
  readonly stepsLeft: number;
  /** git's "N revisions left to test after this" (all - reaches - 1): possible first-bad commits newer than this one, less one. */
  readonly leftAfterThis: number;
}

export interface DoneNext {
  readonly kind: 'done';
  /** The first bad commit: with identical trees, the commit that introduced the bad content. */
  readonly firstBad: number;
  readonly id: string;
  /** The newest commit known good (judged, inferred from an identical tree, or the good end). */
  readonly lastGood: number;
  /**
   * Only when commits the package filter excluded lie strictly between lastGood and firstBad: the
   * regression is at or before firstBad and after lastGood, so if the filter missed a relevant
   * change it is in from..to (inclusive).
   */
  readonly unfilteredRange?: { readonly from: number; readonly to: number };
}

export interface AmbiguousNext {
  readonly kind: 'ambiguous';
  /**
   * What git prints after "There are only 'skip'ped commits left to test. The first bad commit
   * could be any of:": every still-possible first-bad commit (all skipped) and then the first
   * known-bad one, oldest first. With identical trees, one commit per content (its first).
   */
  readonly candidates: readonly number[];
  readonly ids: readonly string[];
  readonly lastGood: number;
  readonly firstBad: number;
}

export type Next = TestNext | DoneNext | AmbiguousNext;

/** What `grove bisect status` / `view` shows. */
export interface BisectStatus {
  readonly next: Next;
  readonly lastGood: number;
  /** The oldest commit known bad (the first commit of its content). */
  readonly firstBad: number;
  /** Commits in (lastGood, firstBad]. */
  readonly remaining: number;
  /** Commits that could still be the first bad one, oldest first, skipped ones included; ends with firstBad. */
  readonly possibleFirstBad: readonly number[];
  /** The skipped ones among possibleFirstBad. */
  readonly skipped: readonly number[];
  /** git's estimate of the verdicts still needed after the next one (0 when done or ambiguous). */
  readonly stepsLeft: number;
}

/** The next step, and what would come after each possible verdict on it. */
export interface Lookahead {
  readonly next: Next;
  readonly ifGood?: Lookahead;
  readonly ifBad?: Lookahead;
  readonly ifSkip?: Lookahead;
}
