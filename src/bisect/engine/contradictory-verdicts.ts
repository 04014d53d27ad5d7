import { UserError } from '../../errors.js';

export type Contradiction =
  /** A commit judged good is newer than a commit judged bad. */
  | 'good-after-bad'
  /** Two commits with the same content (root tree) were judged good and bad. */
  | 'same-content'
  /** An end of the bisection (good by definition, or bad by definition) was judged otherwise. */
  | 'endpoint';

/** The verdicts cannot all be true of a history with one regression. The session shows the message. */
export class ContradictoryVerdicts extends UserError {
  override name = 'ContradictoryVerdicts';
  constructor(
    readonly reason: Contradiction,
    /** The commit whose verdict conflicts (the good one for good-after-bad and same-content). */
    readonly commitId: string,
    /** The commit it conflicts with (the bad one), when there is one. */
    readonly otherId: string | undefined,
    what: string,
  ) {
    super(
      `${what}. A flaky test or a mistyped verdict? See the verdicts with 'grove bisect log', ` +
        `fix them and 'grove bisect replay' the file, or start again with 'grove bisect reset'.`,
    );
  }
}
