import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeGitSource, type GitSource } from '../../../fixtures/git-source.js';
import { makeOsHistory, type OsHistory } from '../../../fixtures/os-history.js';
import { makeSandbox, type Sandbox } from '../../../fixtures/sandbox.js';
import { SourceBuilder } from '../../../src/builders/source-build.js';
import type { SourceBuildEvent } from '../../../src/builders/source-events.js';
import { BuildQueue } from '../../../src/builders/source-queue.js';
import { buildRef } from '../../../src/builders/source-recipe.js';
import { GitRepo } from '../../../src/git/index.js';
import { buildToJson, renderBuilds } from '../../../src/cli/commands/builds-list.js';
import { tempDir } from '../../helpers/temp-dir.js';

// Real git worktrees, real builds with sh, real ostree layering onto a tree pulled from a
// generated build server, deployed and booted in a sandbox machine.
describe('source builds', () => {
  let dir: { path: string; cleanup: () => Promise<void> };
  let history: OsHistory;
  let sb: Sandbox;
  let src: GitSource;
  let git: GitRepo;
  let base: string;
  const events: SourceBuildEvent[] = [];
  const builder = (command: string) =>
    new SourceBuilder({
      ostree: sb.ostree,
      sysroot: sb.sysroot,
      stateroot: history.os,
      source: git,
      command,
      base,
      emit: (e) => events.push(e),
    });
  const commit = (i: number) => git.commitInfo(src.commits[i]!.hash);

  beforeAll(async () => {
    dir = await tempDir();
    // No regression on the server side: the base tree's own Mesa is fine.
    history = await makeOsHistory({ dir: join(dir.path, 'server'), commits: 3, regressionAt: null });
    base = history.commits[1]!.checksum;
    sb = await makeSandbox({
      dir: join(dir.path, 'sysroot'),
      os: history.os,
      remoteUrl: `file://${history.repo}`,
      ref: history.ref,
      deploy: [base],
      boot: true,
    });
    src = await makeGitSource({
      dir: join(dir.path, 'mesa'),
      commits: 12,
      regressionAt: 7,
      brokenBuildAt: 4,
    });
    git = await GitRepo.open(src.dir);
  });
  afterAll(() => dir.cleanup());

  it('layers a build onto the base as a commit that says what it was built from', async () => {
    const b = builder(src.recipe);
    const c = await commit(2);
    const o = await b.build(c, { jobs: 3 });
    expect(o).toMatchObject({ kind: 'built', cached: false, sourceCommit: c.hash });
    if (o.kind !== 'built') throw new Error('unreachable');
    const repo = sb.ostree.sysroot(sb.sysroot).repo();
    expect(await repo.revParse(buildRef(b.recipe, c.hash))).toBe(o.checksum);
    const info = await repo.show(o.checksum);
    expect(info.version).toBe(`${history.commits[1]!.version}+g${c.hash.slice(0, 10)}`);
    expect(info.parent).toBeNull();
    expect(info.metadata).toMatchObject({
      'grove.build.source-commit': c.hash,
      'grove.build.base': base,
      'grove.build.recipe': b.recipe,
      'grove.build.command': src.recipe,
    });
    // Only what the build installed differs from the base.
    const diff = await repo.diff(base, o.checksum);
    expect(diff.map((d) => `${d.kind} ${d.path}`).sort()).toEqual([
      'A /usr/bin/glxinfo-lite',
      'M /usr/lib64/libGL.so.1',
      'M /usr/share/mesa/state',
    ]);
    const log = await readFile(o.log, 'utf8');
    expect(log).toMatch(/^# grove build-start \S+ [0-9a-f]{40} /);
    expect(log).toContain(`mesa-lite: building 24.2.3 ${c.hash} with 3 job(s)`);
    expect(log).toMatch(/# grove build-end \S+ exit 0/);
    // The user's checkout is untouched and no worktree is left behind.
    expect(await git.resolve('HEAD')).toBe(src.commits.at(-1)!.hash);
    expect(await (await import('node:fs/promises')).readdir(b.cache.workDir)).toEqual([]);
  });

  it('does not build again what is cached for the same commit, recipe and base', async () => {
    events.length = 0;
    const o = await builder(src.recipe).build(await commit(2));
    expect(o).toMatchObject({ kind: 'built', cached: true });
    expect(events.map((e) => e.kind)).toEqual(['build-cached']);
  });

  it('builds a cached commit again for another base, and names a base that is missing', async () => {
    const onOther = (b: string) =>
      new SourceBuilder({
        ostree: sb.ostree,
        sysroot: sb.sysroot,
        stateroot: history.os,
        source: git,
        command: src.recipe,
        base: b,
      });
    const other = history.commits[2]!.checksum;
    await expect(onOther(other).build(await commit(2))).rejects.toThrow(
      /base tree [0-9a-f]{10} is not \(fully\) in .*Deploy or pull it first/,
    );
    const repo = sb.ostree.sysroot(sb.sysroot).repo();
    await repo.pull(sb.remote, [other]);
    await repo.refCreate('test/other-base', other);
    const o = await onOther(other).build(await commit(2));
    expect(o).toMatchObject({ kind: 'built', cached: false });
    if (o.kind !== 'built') throw new Error('unreachable');
    expect((await repo.show(o.checksum)).version).toBe(
      `${history.commits[2]!.version}+g${src.commits[2]!.hash.slice(0, 10)}`,
    );
    // One ref per (recipe, commit): the newest base's build replaced the other.
    expect(await onOther(base).lookup(src.commits[2]!.hash)).toBeNull();
  });

  it('remembers a commit that does not build, with its log, and does not build it again', async () => {
    events.length = 0;
    const c = await commit(4);
    const o = await builder(src.recipe).build(c);
    expect(o).toMatchObject({ kind: 'failed', cached: false });
    if (o.kind !== 'failed') throw new Error('unreachable');
    expect(o.failure).toMatchObject({
      exitCode: 1,
      reason: 'the build command exit 1',
      sourceCommit: c.hash,
    });
    expect(await readFile(o.failure.log, 'utf8')).toContain(
      'src/zink.c:1:10: fatal error: zink_format_table.h: No such file or directory',
    );
    const again = await builder(src.recipe).build(c);
    expect(again).toMatchObject({ kind: 'failed', cached: true });
    expect(events.filter((e) => e.kind === 'build-start')).toHaveLength(1);
  });

  it('runs up to N builds at once: their logs overlap in time', async () => {
    // Another recipe (a 1 s build): nothing cached.
    const b = builder(src.recipe.replace('MESA_LITE_BUILD_SECONDS=0', 'MESA_LITE_BUILD_SECONDS=1'));
    const q = new BuildQueue(b, { jobs: 2, cpus: 4 });
    const [o1, o2, o3] = await Promise.all([
      q.request(await commit(1)),
      q.request(await commit(3)),
      q.request(await commit(5)),
    ]);
    const spans = await Promise.all(
      [o1!, o2!, o3!].map(async (o) => {
        if (o.kind !== 'built') throw new Error(`expected a build, got ${JSON.stringify(o)}`);
        const log = await readFile(o.log, 'utf8');
        expect(log).toContain('with 2 job(s)');
        const start = Date.parse(/^# grove build-start (\S+)/m.exec(log)![1]!);
        const end = Date.parse(/^# grove build-end (\S+)/m.exec(log)![1]!);
        return { start, end };
      }),
    );
    const [a, c1, c2] = spans as [
      { start: number; end: number },
      { start: number; end: number },
      { start: number; end: number },
    ];
    // The first two ran together; the third waited for a free slot.
    expect(c1.start).toBeLessThan(a.end);
    expect(a.start).toBeLessThan(c1.end);
    expect(c2.start).toBeGreaterThanOrEqual(Math.min(a.end, c1.end));
  });

  it('deploys a layered tree whose glxcheck tells the regression apart', async () => {
    const b = builder(src.recipe);
    const good = await b.build(await commit(6));
    const bad = await b.build(await commit(7));
    if (good.kind !== 'built' || bad.kind !== 'built') throw new Error('both should build');
    const sysroot = sb.ostree.sysroot(sb.sysroot);
    const verdicts: Record<string, number | null> = {};
    for (const [name, o] of [
      ['good', good],
      ['bad', bad],
    ] as const) {
      await sysroot.deploy(o.checksum, { os: history.os, retain: true, noPrune: true });
      const boot = await sb.machine.reboot();
      expect(boot.booted.checksum).toBe(o.checksum);
      const r = await sb.machine.exec(['/usr/bin/glxcheck']);
      verdicts[name] = r.exitCode;
      if (name === 'good') expect(r.stdout).toContain('Mesa 24.2.3');
      const info = await sb.machine.exec(['/usr/bin/glxinfo-lite']);
      expect(info.exitCode).toBe(name === 'good' ? 0 : 1);
    }
    expect(verdicts).toEqual({ good: 0, bad: 1 });
  });

  it('lists cached builds and failures, and clears them without touching deployed trees', async () => {
    const cache = builder(src.recipe).cache;
    const list = await cache.list();
    const ok = list.filter((b) => b.ok);
    const failed = list.filter((b) => !b.ok);
    // Commits 2 (rebuilt on the other base), 6 and 7 with the 0 s recipe; 1, 3 and 5 with the 1 s one.
    expect(ok).toHaveLength(6);
    expect(failed).toHaveLength(1);
    expect(renderBuilds(list)).toContain('failed: the build command exit 1');
    expect(buildToJson(ok[0]!)).toMatchObject({ ok: true, installedBytes: expect.any(Number) });
    expect(await cache.clear({ olderThan: new Date(Date.now() - 3600_000) })).toEqual({
      builds: 0,
      failures: 0,
      freedBytes: 0,
    });
    const booted = (await sb.machine.booted())!;
    const r = await cache.clear();
    expect(r).toMatchObject({ builds: 6, failures: 1 });
    expect(r.freedBytes).toBeGreaterThan(0);
    expect(await cache.list()).toEqual([]);
    // Deployed builds keep their content: ostree's own deployment refs hold them.
    const again = await sb.machine.reboot();
    expect(again.booted.checksum).toBe(booted.checksum);
    expect((await sb.machine.exec(['/usr/bin/glxcheck'])).exitCode).toBe(1);
  });
});
