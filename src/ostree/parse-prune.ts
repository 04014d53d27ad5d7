// `ostree prune` output (ot-builtin-prune.c, 2022.7):
//   Total objects: 22
//   Deleted 8 objects, 989 bytes freed        | No unreachable objects
//   (with --no-prune: "Would delete: 8 objects, freeing 989 bytes")
import { parseFormattedSize, SIZE_PATTERN } from './parse-size.js';
import type { PruneResult } from './types.js';

export function parsePrune(stdout: string): PruneResult {
  const text = stdout.replace(/\u00a0/g, ' ');
  const total = /^Total objects: (\d+)/m.exec(text);
  if (!total) throw new Error(`Unexpected ostree prune output: ${JSON.stringify(stdout)}`);
  const deleted = new RegExp(
    String.raw`^(?:Deleted (\d+) objects?, ${SIZE_PATTERN} freed|Would delete: (\d+) objects?, freeing ${SIZE_PATTERN})`,
    'm',
  ).exec(text);
  if (!deleted) return { totalObjects: Number(total[1]), deletedObjects: 0, freedBytes: 0 };
  const [count, num, unit] = deleted[1] !== undefined ? deleted.slice(1, 4) : deleted.slice(4, 7);
  return {
    totalObjects: Number(total[1]),
    deletedObjects: Number(count),
    freedBytes: parseFormattedSize(`${num} ${unit}`) ?? 0,
  };
}
