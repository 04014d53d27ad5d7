// Durations as people write them for --older-than: 30d, 12h, 2w, 1d12h, 90m, 45s.
import { UsageError } from '../errors.js';

const UNIT_MS: Record<string, number> = {
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 7 * 86_400_000,
};

/** Milliseconds; a UsageError naming the value otherwise. */
export function parseDuration(text: string, option = '--older-than'): number {
  const s = text.trim();
  const parts = [...s.matchAll(/(\d+)([smhdw])/g)];
  if (s === '' || parts.map((p) => p[0]).join('') !== s) {
    throw new UsageError(
      `${option} '${text}' is not a duration. Use a number and a unit (s, m, h, d, w), e.g. 30d, 12h, 2w or 1d12h.`,
    );
  }
  return parts.reduce((ms, p) => ms + Number(p[1]) * UNIT_MS[p[2]!]!, 0);
}

/** A non-negative integer option such as --keep N. */
export function parseCount(text: string, option: string): number {
  if (!/^\d{1,6}$/.test(text.trim())) {
    throw new UsageError(
      `${option} '${text}' is not a number of trees. Use a whole number, e.g. ${option} 3.`,
    );
  }
  return Number(text.trim());
}
