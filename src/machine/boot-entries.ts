// Reading the boot menu ostree wrote into a sysroot: boot/loader/entries/*.conf.
import { readdir, readFile, realpath } from 'node:fs/promises';
import { join } from 'node:path';
import { parseBlsEntry, type BlsEntry } from './bls-entry.js';

export async function readBootEntries(sysroot: string): Promise<BlsEntry[]> {
  const dir = join(sysroot, 'boot', 'loader', 'entries');
  const files = (await readdir(dir).catch(() => [] as string[])).filter((f) => f.endsWith('.conf'));
  return Promise.all(files.map(async (f) => parseBlsEntry(f, await readFile(join(dir, f), 'utf8'))));
}

/** The deployment directory an entry boots (its ostree= argument followed through boot.N). */
export async function entryTarget(sysroot: string, entry: BlsEntry): Promise<string | null> {
  if (!entry.ostree) return null;
  return realpath(join(sysroot, entry.ostree)).catch(() => null);
}

/** The kernel arguments a deployment boots with, without ostree= (ostree adds its own). */
export async function deploymentKargs(sysroot: string, deploymentPath: string): Promise<string[] | null> {
  const want = await realpath(deploymentPath).catch(() => deploymentPath);
  for (const e of await readBootEntries(sysroot)) {
    if ((await entryTarget(sysroot, e)) === want) {
      return e.options.split(/\s+/).filter((w) => w && !w.startsWith('ostree='));
    }
  }
  return null;
}
