import { truncate } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeOsHistory, type OsHistory } from '../../../fixtures/os-history.js';
import { makeSandbox, type Sandbox } from '../../../fixtures/sandbox.js';
import { listTrees } from '../../../src/trees/list-trees.js';
import { tempDir } from '../../helpers/temp-dir.js';

// Real ostree, a real sysroot in a temp dir, trees pulled from a generated build server
// (file:// here; the HTTP server is exercised by the bisect tests).
describe('sandbox machine', () => {
  let dir: { path: string; cleanup: () => Promise<void> };
  let history: OsHistory;
  let sb: Sandbox;

  beforeAll(async () => {
    dir = await tempDir();
    history = await makeOsHistory({
      dir: join(dir.path, 'server'),
      commits: 6,
      regressionAt: 4,
      unbootable: [3],
    });
    sb = await makeSandbox({
      dir: join(dir.path, 'sysroot'),
      os: history.os,
      remoteUrl: `file://${history.repo}`,
      ref: history.ref,
      deploy: [history.commits[1]!.checksum, history.commits[5]!.checksum],
    });
  });
  afterAll(() => dir.cleanup());

  it('has nothing booted before the first boot, and boots the first entry', async () => {
    expect(await sb.machine.booted()).toBeNull();
    const r = await sb.machine.reboot();
    expect(r.fellBack).toEqual([]);
    expect(r.booted.checksum).toBe(history.commits[5]!.checksum);
    expect(r.booted.stateroot).toBe('fedora');
    expect(await sb.machine.booted()).toEqual(r.booted);
  });

  it('lists the trees with roles computed from what booted', async () => {
    const trees = await listTrees({ ostree: sb.ostree, sysroot: sb.sysroot, machine: sb.machine });
    expect(trees.map((t) => t.checksum)).toEqual([
      history.commits[5]!.checksum,
      history.commits[1]!.checksum,
    ]);
    expect(trees[0]).toMatchObject({ booted: true, default: true, version: history.commits[5]!.version });
    expect(trees[1]).toMatchObject({ booted: false, rollback: true, version: history.commits[1]!.version });
    expect(trees[0]!.timestamp?.toISOString()).toBe(history.commits[5]!.timestamp.toISOString());
    expect(trees[0]!.origin).toBe(`fedora:${history.ref}`);
  });

  it('runs commands inside the booted tree, read-only', async () => {
    const r = await sb.machine.exec(['/usr/bin/glxcheck']);
    expect(r.exitCode).toBe(1); // commit 5 is past the regression
    const ok = await sb.machine.exec(['cat', '/usr/lib/os-release']);
    expect(ok.stdout).toContain(history.commits[5]!.version);
    const ro = await sb.machine.exec(['sh', '-c', 'echo x > /usr/x']);
    expect(ro.exitCode).not.toBe(0);
  });

  it('falls back to the next entry when the first tree cannot boot', async () => {
    const sysroot = sb.ostree.sysroot(sb.sysroot);
    const repo = sysroot.repo();
    await repo.pull(sb.remote, [history.commits[3]!.checksum]);
    await sysroot.deploy(history.commits[3]!.checksum, { os: 'fedora', retain: true, noPrune: true });
    const r = await sb.machine.reboot();
    expect(r.fellBack).toHaveLength(1);
    expect(r.fellBack[0]!.failed).toMatch(/empty/);
    expect(r.booted.checksum).toBe(history.commits[5]!.checksum);
  });

  it('says so when no entry can boot', async () => {
    // Every kernel in /boot empty (ostree writes entry paths relative to /boot here).
    const { readBootEntries } = await import('../../../src/machine/boot-entries.js');
    for (const e of await readBootEntries(sb.sysroot)) await truncate(join(sb.sysroot, 'boot', e.linux!), 0);
    await expect(sb.machine.reboot()).rejects.toThrow(/no boot entry .* could boot/);
  });
});
