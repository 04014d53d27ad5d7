import { UserError } from '../errors.js';

/**
 * A GET that failed for good: an HTTP status other than 2xx/404 after retries, or no answer at all
 * (`status` null; `code` is the network error, e.g. ECONNREFUSED). The message is one line
 * with the URL, so the CLI can print it as is.
 */
export class HttpError extends UserError {
  override name = 'HttpError';
  constructor(
    readonly url: string,
    readonly status: number | null,
    readonly detail: string,
    readonly attempts: number,
    readonly code?: string,
  ) {
    const tries = attempts > 1 ? ` (after ${attempts} attempts)` : '';
    const what = status === null ? detail : `HTTP ${status}${detail ? ` ${detail}` : ''}`;
    super(`GET ${url} failed: ${what}${tries}. Check that the server is up and the URL is right.`);
  }
}
