import { UserError } from '../errors.js';

/**
 * The installed ostree lacks a command or option grove asked for (e.g. `admin set-default`
 * before 2023.6). Callers that have a fallback catch this one.
 */
export class MissingOstreeFeature extends UserError {
  override name = 'MissingOstreeFeature';
  constructor(
    readonly feature: string,
    readonly installedVersion: string,
    readonly sinceVersion: string,
  ) {
    super(
      `The installed ostree ${installedVersion} has no ${feature} (added in ostree ${sinceVersion}). Upgrade ostree, or use a command that does not need it.`,
    );
  }
}
