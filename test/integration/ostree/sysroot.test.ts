// Sysroot against real ostree: a temp sysroot, bootable trees, deploys with retain, status, pin,
// undeploy, set-default detection. OSTREE_SYSROOT_DEBUG=mutable-deployments keeps deployment dirs
// free of the immutable attribute so the temp dir can be deleted.
import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UserError } from '../../../src/errors.js';
import { MissingOstreeFeature, Ostree, type Repo, type Sysroot } from '../../../src/ostree/index.js';
import { removeDir, tempDir, writeTree } from './temp-trees.js';

describe('Sysroot (real ostree)', () => {
  const ostree = new Ostree({ env: { OSTREE_SYSROOT_DEBUG: 'mutable-deployments' } });
  let dir: string;
  let sysroot: Sysroot;
  let repo: Repo;
  const c: string[] = [];

  beforeAll(async () => {
    dir = await tempDir('sysroot');
    sysroot = ostree.sysroot(join(dir, 'sysroot'));
    await writeTree(sysroot.path, {});
    await sysroot.initFs();
    await sysroot.osInit('testos');
    repo = sysroot.repo();
    for (const v of ['1', '2', '3']) {
      const t = await writeTree(
        join(dir, `tree${v}`),
        { 'usr/bin/v': `${v}\n` },
        { bootable: { kver: '6.1.0', id: 'testos', version: v } },
      );
      c.push(
        await repo.commit({
          branch: 'testos/main',
          trees: [{ dir: t }],
          subject: `v${v}`,
          bootable: true,
          metadataStrings: { version: v },
        }),
      );
    }
    for (const [i, csum] of c.entries()) await repo.refCreate(`grove/c${i}`, csum);
  });

  afterAll(async () => {
    await removeDir(dir);
  });

  it('detects that 2022.7 lacks set-default, stateroot-init, status --json and pin booted', async () => {
    const { version } = await ostree.version();
    const caps = await ostree.capabilities();
    if (version === '2022.7') {
      expect(caps).toEqual({ setDefault: false, statusJson: false, stateRootInit: false, pinBooted: false });
    }
    expect(await ostree.capabilities()).toBe(caps); // cached
  });

  it('has no deployments after init', async () => {
    expect(await sysroot.status()).toEqual([]);
  });

  it('deploys, retains, pins and undeploys by index', async () => {
    await sysroot.deploy('grove/c0', { os: 'testos', karg: ['root=LABEL=test'] });
    await sysroot.deploy('grove/c1', { os: 'testos', retain: true });
    await sysroot.deploy('grove/c2', { os: 'testos', retain: true, notAsDefault: true });
    let ds = await sysroot.status();
    // not-as-default puts the new deployment right after the default, not last.
    expect(ds.map((d) => [d.checksum, d.version])).toEqual([
      [c[1], '2'],
      [c[2], '3'],
      [c[0], '1'],
    ]);
    expect(ds.every((d) => !d.booted && !d.pinned && d.stateroot === 'testos')).toBe(true);
    expect(ds[0]!.origin).toBe('grove/c1');
    await access(join(ds[2]!.path, 'usr/bin/v'));

    await sysroot.pin(2, true);
    ds = await sysroot.status();
    expect(ds[2]).toMatchObject({ checksum: c[0], pinned: true });

    // Without retain (not booted), ostree keeps the new deployment, the previous default (the
    // merge deployment) and pinned ones; the others go.
    await sysroot.deploy('grove/c2', { os: 'testos' });
    ds = await sysroot.status();
    expect(ds.map((d) => [d.checksum, d.pinned])).toEqual([
      [c[2], false],
      [c[1], false],
      [c[0], true],
    ]);

    await sysroot.pin(2, false);
    await sysroot.undeploy(2);
    ds = await sysroot.status();
    expect(ds.map((d) => d.checksum)).toEqual([c[2], c[1]]);
  });

  it('rejects junk indexes before ostree can read them as 0', async () => {
    const before = await sysroot.status();
    for (const bad of [-1, 0.5, NaN, Number('foo')]) {
      await expect(sysroot.undeploy(bad)).rejects.toBeInstanceOf(UserError);
      await expect(sysroot.pin(bad, true)).rejects.toBeInstanceOf(UserError);
    }
    await expect(sysroot.undeploy(5)).rejects.toThrow(/Out of range deployment index 5/);
    expect(await sysroot.status()).toEqual(before);
  });

  it('throws MissingOstreeFeature for set-default where ostree lacks it', async () => {
    const caps = await ostree.capabilities();
    if (caps.setDefault) return;
    await expect(sysroot.setDefault(0)).rejects.toBeInstanceOf(MissingOstreeFeature);
  });

  it('keeps unreferenced commits only with noPrune', async () => {
    const orphan = await repo.commit({
      orphan: true,
      parent: c[2]!,
      trees: [{ ref: 'grove/c2' }],
      subject: 'orphan',
    });
    await sysroot.deploy('grove/c2', { os: 'testos', retain: true, noPrune: true });
    expect((await repo.hasCommit(orphan)).present).toBe(true);
    // deploy (and undeploy, cleanup) prune the sysroot repo at depth 0 otherwise.
    await sysroot.deploy('grove/c2', { os: 'testos', retain: true });
    expect((await repo.hasCommit(orphan)).present).toBe(false);
    const before = await sysroot.status();
    expect(before.map((d) => d.checksum)).toEqual([c[2], c[2], c[2], c[1]]);
    // Same commit deployed again: a new serial, a new directory.
    expect(new Set(before.slice(0, 3).map((d) => d.serial)).size).toBe(3);
    await sysroot.cleanup();
    expect(await sysroot.status()).toEqual(before);
  });
});
