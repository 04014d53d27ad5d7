import { readdir } from 'node:fs/promises';
import { join } from 'node:path';

/** The stateroots of a sysroot (the directories in ostree/deploy), sorted. */
export async function stateroots(sysroot: string): Promise<string[]> {
  return (await readdir(join(sysroot, 'ostree', 'deploy'), { withFileTypes: true }).catch(() => []))
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort();
}
