// grove-ostree-order (src/ostree/native/) on a real sysroot: it is built where libostree's
// headers are, moves one deployment first or last keeping the others' order and serials,
// rewrites the boot entries a bootloader reads, and names what it could not find.
import { spawnSync } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CommandFailed } from '../../../src/errors.js';
import { Ostree, type Sysroot } from '../../../src/ostree/index.js';
import { findOrderHelper } from '../../../src/ostree/order-helper.js';
import { removeDir, tempDir, writeTree } from './temp-trees.js';

const headers = spawnSync('pkg-config', ['--exists', 'ostree-1']).status === 0;

describe('grove-ostree-order (real ostree)', () => {
  const ostree = new Ostree({ env: { OSTREE_SYSROOT_DEBUG: 'mutable-deployments' } });
  let dir: string;
  let sysroot: Sysroot;
  const c: string[] = [];
  const order = async () => (await sysroot.status()).map((d) => `${c.indexOf(d.checksum)}.${d.serial}`);
  const id = (i: number, serial = 0) => ({ stateroot: 'testos', checksum: c[i]!, serial });

  beforeAll(async () => {
    dir = await tempDir('order');
    sysroot = ostree.sysroot(join(dir, 'sysroot'));
    await writeTree(sysroot.path, {});
    await sysroot.initFs();
    await sysroot.osInit('testos');
    const repo = sysroot.repo();
    for (const v of ['1', '2', '3', '4']) {
      const t = await writeTree(
        join(dir, `tree${v}`),
        { 'usr/bin/v': `${v}\n` },
        { bootable: { kver: '6.1.0', id: 'testos', version: v } },
      );
      c.push(await repo.commit({ branch: `testos/v${v}`, trees: [{ dir: t }], subject: v, bootable: true }));
    }
    await sysroot.deploy('testos/v1', { os: 'testos', karg: ['root=LABEL=test'] });
    for (const v of ['2', '3', '4']) await sysroot.deploy(`testos/v${v}`, { os: 'testos', retain: true });
  });
  afterAll(() => removeDir(dir));

  it('is built wherever libostree headers are (npm run build)', () => {
    if (!headers) return;
    expect(findOrderHelper({})).toMatch(/dist\/libexec\/grove-ostree-order$/);
    expect(ostree.execOrderHelper).not.toBeNull();
  });

  it('moves a deployment last, then first, the others keeping their order and serials', async () => {
    if (!ostree.execOrderHelper) return;
    expect(await order()).toEqual(['3.0', '2.0', '1.0', '0.0']);
    await sysroot.moveLast(id(3));
    expect(await order()).toEqual(['2.0', '1.0', '0.0', '3.0']);
    await sysroot.setDefaultById(id(0));
    expect(await order()).toEqual(['0.0', '2.0', '1.0', '3.0']);
    // Already there: nothing to write.
    await sysroot.setDefaultById(id(0));
    await sysroot.moveLast(id(3));
    expect(await order()).toEqual(['0.0', '2.0', '1.0', '3.0']);
  });

  it('rewrites the boot entries: the first one boots the new default', async () => {
    if (!ostree.execOrderHelper) return;
    await sysroot.setDefaultById(id(1));
    const entriesDir = join(sysroot.path, 'boot', 'loader', 'entries');
    const entries = await Promise.all(
      (await readdir(entriesDir)).map((f) => readFile(join(entriesDir, f), 'utf8')),
    );
    // Higher `version` = earlier in the menu.
    const first = entries.sort((a, b) => version(b) - version(a))[0]!;
    const deployments = await sysroot.status();
    expect(deployments[0]!.checksum).toBe(c[1]);
    expect(first).toMatch(/^title .*\(ostree:0\)/m);
    const target = /ostree=(\S+)/.exec(first)![1]!;
    expect(target).toMatch(/^\/ostree\/boot\.\d+\/testos\/[0-9a-f]{64}\/0$/);
  });

  it('names a deployment it cannot find and changes nothing', async () => {
    if (!ostree.execOrderHelper) return;
    const before = await order();
    const err = await sysroot.setDefaultById(id(2, 7)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CommandFailed);
    expect((err as Error).message).toMatch(/no deployment testos\/[0-9a-f]{64}\.7/);
    await expect(sysroot.setDefaultById({ ...id(2), checksum: 'abc' })).rejects.toThrow(
      /not a commit checksum/,
    );
    expect(await order()).toEqual(before);
  });
});

function version(entry: string): number {
  return Number(/^version (\d+)/m.exec(entry)?.[1] ?? -1);
}
