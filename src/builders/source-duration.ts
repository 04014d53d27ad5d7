import { UsageError } from '../errors.js';

const UNITS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400, w: 7 * 86400 };

/** `90s`, `30m`, `12h`, `7d`, `2w` (or a sum: `1d12h`) in milliseconds. */
export function parseDuration(text: string): number {
  const parts = [...text.trim().matchAll(/(\d+(?:\.\d+)?)\s*([smhdw])/gi)];
  const rebuilt = parts.map((p) => p[0].replace(/\s+/g, '')).join('');
  if (parts.length === 0 || rebuilt.toLowerCase() !== text.replace(/\s+/g, '').toLowerCase()) {
    throw new UsageError(
      `'${text}' is not a duration: use a number and a unit (s, m, h, d, w), e.g. 7d or 12h.`,
    );
  }
  return parts.reduce((ms, p) => ms + Number(p[1]) * UNITS[p[2]!.toLowerCase()]! * 1000, 0);
}
