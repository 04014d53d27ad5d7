// Checks on values that become ostree arguments, done before anything runs.
import { UserError } from '../errors.js';

/**
 * A value passed as a positional argument. ostree parses options with GOption, which would take
 * a leading '-' as an option (and fail, or worse, do something else).
 */
export function positional(what: string, value: string): string {
  if (value === '' || value.startsWith('-')) {
    throw new UserError(
      `Invalid ${what} ${JSON.stringify(value)}: it must be non-empty and not start with '-'.`,
    );
  }
  return value;
}

/**
 * A deployment index for `admin undeploy|pin|set-default`. ostree 2022.7 reads it with atoi(), so
 * `undeploy foo` (or "1x", "-0") silently means index 0 and deletes the default deployment.
 */
export function deploymentIndex(index: number): string {
  if (typeof index !== 'number' || !Number.isSafeInteger(index) || index < 0) {
    throw new UserError(`Invalid deployment index ${String(index)}: expected a non-negative integer.`);
  }
  return String(index);
}
