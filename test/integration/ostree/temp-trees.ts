// Helpers for the ostree integration tests: temp dirs and small trees, bootable when asked.
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export async function tempDir(prefix: string): Promise<string> {
  return mkdtemp(join(tmpdir(), `grove-ostree-${prefix}-`));
}

export async function removeDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
}

/**
 * Writes `files` (path -> content) under `dir`. With `bootable`, adds what `admin deploy` needs
 * (2022.7): usr/lib/modules/<kver>/vmlinuz and usr/lib/os-release with ID, usr/etc/os-release
 * linking to it, and no top-level etc/ ("Tree contains both /etc and /usr/etc" otherwise).
 */
export async function writeTree(
  dir: string,
  files: Record<string, string>,
  opts: { bootable?: { kver: string; id: string; version: string } } = {},
): Promise<string> {
  await mkdir(dir, { recursive: true });
  const all = { ...files };
  if (opts.bootable) {
    const { kver, id, version } = opts.bootable;
    all[`usr/lib/modules/${kver}/vmlinuz`] = `kernel ${kver}\n`;
    all['usr/lib/os-release'] = `ID=${id}\nNAME="Grove Test"\nVERSION_ID=${version}\n`;
  }
  for (const [rel, content] of Object.entries(all)) {
    const p = join(dir, rel);
    await mkdir(join(p, '..'), { recursive: true });
    await writeFile(p, content);
  }
  if (opts.bootable) {
    await mkdir(join(dir, 'usr/etc'), { recursive: true });
    await symlink('../lib/os-release', join(dir, 'usr/etc/os-release'));
  }
  return dir;
}
