// `ostree diff A B`: one line per changed path, the kind letter then exactly four spaces
// (`M    /usr/lib/modules/6.1.0/vmlinuz`), so a path with leading spaces survives.
import type { DiffEntry } from './types.js';

export function parseDiff(stdout: string): DiffEntry[] {
  const out: DiffEntry[] = [];
  for (const line of stdout.split('\n')) {
    if (!line) continue;
    const m = /^([ADM]) {4}(.*)$/.exec(line);
    if (!m) throw new Error(`Unexpected ostree diff line: ${JSON.stringify(line)}`);
    out.push({ kind: m[1] as DiffEntry['kind'], path: m[2]! });
  }
  return out;
}
