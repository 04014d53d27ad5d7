// The trees core on real ostree: bisect roles and grove-kept commits in the list, a crash between
// removing trees and pruning, and `default` keeping a tree's /etc, with the set-default helper and without it.
import { cp, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeOsHistory, type OsHistory } from '../../../fixtures/os-history.js';
import { makeSandbox, sandboxOstree, type Sandbox } from '../../../fixtures/sandbox.js';
import { bisectView } from '../../../src/cli/commands/trees-shared.js';
import { Ostree } from '../../../src/ostree/index.js';
import { groveVarDir } from '../../../src/state/paths.js';
import { listTrees, treesReport } from '../../../src/trees/list-trees.js';
import { planRemoval, removeTrees } from '../../../src/trees/remove-trees.js';
import { makeDefault } from '../../../src/trees/set-default.js';
import { json, runGrove } from '../../helpers/run-grove.js';
import { tempDir } from '../../helpers/temp-dir.js';

describe('trees core on a sandbox', () => {
  let dir: { path: string; cleanup: () => Promise<void> };
  let history: OsHistory;
  let sb: Sandbox;
  const ctx = () => ({ ostree: sb.ostree, sysroot: sb.sysroot, machine: sb.machine });
  const csum = (i: number) => history.commits[i]!.checksum;

  beforeAll(async () => {
    dir = await tempDir('grove-trees-core-');
    history = await makeOsHistory({ dir: join(dir.path, 'server'), commits: 7 });
    sb = await makeSandbox({
      dir: join(dir.path, 'sysroot'),
      os: history.os,
      remoteUrl: `file://${history.repo}`,
      ref: history.ref,
      deploy: [0, 2, 3, 4, 5].map(csum),
      boot: true,
    });
  });
  afterAll(() => dir?.cleanup());

  it('shows bisect roles from the state file and, with --all, the commits grove keeps refs to', async () => {
    const repo = sb.ostree.sysroot(sb.sysroot).repo();
    // A bisection started from commit 5 (booted) between 0 (good) and 5 (bad), 2 judged good,
    // 3 deployed as a candidate, 1 pulled ahead and kept by a ref but not deployed.
    await repo.pull(sb.remote, [csum(1)]);
    await repo.refCreate(`grove/bisect/${csum(1)}`, csum(1));
    await repo.refCreate(`grove/bisect/${csum(3)}`, csum(3));
    const trees = await listTrees(ctx());
    const id = (i: number) => {
      const t = trees.find((x) => x.checksum === csum(i))!;
      return { stateroot: t.stateroot, checksum: t.checksum, serial: t.serial };
    };
    const commits = history.commits.slice(0, 6).map((c) => ({
      checksum: c.checksum,
      parent: null,
      version: c.version,
      timestamp: c.timestamp.toISOString(),
      subject: c.subject,
      rootTree: null,
      packages: null,
      eligible: true,
    }));
    const state = {
      schema: 1,
      startedAt: new Date().toISOString(),
      terms: { old: 'good', new: 'bad' },
      stateroot: 'fedora',
      remote: sb.remote,
      ref: history.ref,
      baseUrl: `file://${history.repo}`,
      original: { ...id(5), wasPinned: false },
      good: csum(0),
      bad: csum(5),
      commits,
      missing: [],
      gapAfterGood: false,
      packageGlobs: [],
      didNotBoot: 'skip',
      verdicts: { [csum(2)]: { verdict: 'good', source: 'user', at: new Date().toISOString(), step: 1 } },
      expected: { ...id(3), bootIdAtDeploy: null, deployedAt: new Date().toISOString() },
      deployed: [id(3)],
      refs: [`grove/bisect/${csum(1)}`, `grove/bisect/${csum(3)}`],
      step: 2,
      result: null,
      ambiguous: null,
    };
    const bisectDir = join(groveVarDir(sb.sysroot, 'fedora'), 'bisect');
    await mkdir(bisectDir, { recursive: true });
    await writeFile(join(bisectDir, 'state.json'), JSON.stringify(state));

    const report = await treesReport(ctx(), { bisect: bisectView(state as never), all: true });
    const roles = (i: number) => report.trees.find((t) => t.checksum === csum(i))!.bisect;
    expect(roles(5)).toEqual(['original']);
    expect(roles(3)).toEqual(['candidate']);
    expect(roles(2)).toEqual(['last-good']);
    expect(roles(0)).toEqual([]);
    expect(report.kept).toHaveLength(1);
    expect(report.kept![0]).toMatchObject({
      checksum: csum(1),
      refs: [`grove/bisect/${csum(1)}`],
      version: history.commits[1]!.version,
    });
    expect(report.kept![0]!.own).toBeGreaterThan(0);
    expect(report.totals.refsOnly).toBe(report.kept![0]!.own);

    // The same through the CLI, which reads the state file itself.
    const cli = await runGrove(['--sysroot', sb.sysroot, 'trees', 'list', '--all']);
    expect(cli.code, cli.stderr).toBe(0);
    expect(cli.stdout).toMatch(/bisect original/);
    expect(cli.stdout).toMatch(/bisect candidate/);
    expect(cli.stdout).toMatch(/Not deployed, kept by grove's refs/);
    expect(cli.stdout).toContain(`grove/bisect/${csum(1)}`);
    const refused = await runGrove(['--sysroot', sb.sysroot, 'trees', 'remove', history.commits[3]!.version]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/needed by the running bisection/);
    const prune = await runGrove([
      '--sysroot',
      sb.sysroot,
      'trees',
      'prune',
      '--keep',
      '0',
      '--dry-run',
      '--json',
    ]);
    expect(prune.code, prune.stderr).toBe(0);
    const plan = json<{
      removed: Array<{ checksum: string }>;
      kept: Array<{ checksum: string; keptBecause: string[] }>;
    }>(prune);
    // Booted+default (5, original), rollback (4), candidate (3), last good (2) stay; 0 goes.
    expect(plan.removed.map((t) => t.checksum)).toEqual([csum(0)]);
    expect(plan.kept.find((t) => t.checksum === csum(3))!.keptBecause).toEqual(['bisection']);
  });

  it('leaves a sysroot that ostree and grove read when it stops between removing trees and pruning', async () => {
    // An ostree whose `admin cleanup` dies, as if grove were killed right before it.
    const real = sandboxOstree();
    const crashing = new Ostree({ env: { OSTREE_SYSROOT_DEBUG: 'mutable-deployments' } });
    Object.defineProperty(crashing, 'exec', {
      value: (args: readonly string[], opts?: object) =>
        args[0] === 'admin' && args[1] === 'cleanup'
          ? Promise.reject(new Error('killed'))
          : real.exec(args, opts),
    });
    const before = await listTrees(ctx());
    const victim = before.find((t) => t.checksum === csum(0))!;
    // Also a deployment directory ostree would leave behind if killed inside an undeploy.
    const stray = join(sb.sysroot, 'ostree', 'deploy', 'fedora', 'deploy', `${csum(2)}.9`);
    await cp(before.find((t) => t.checksum === csum(2))!.path, stray, {
      recursive: true,
      verbatimSymlinks: true,
    });
    expect(await readFile(join(stray, 'usr', 'lib', 'os-release'), 'utf8')).toContain('ID=');
    await expect(removeTrees(crashing, planRemoval(sb.sysroot, [victim]), () => undefined)).rejects.toThrow(
      'killed',
    );

    const after = await treesReport(ctx());
    expect(after.trees.map((t) => t.checksum)).toEqual(
      before.filter((t) => t !== victim).map((t) => t.checksum),
    );
    const status = await runGrove(['--sysroot', sb.sysroot, 'trees', 'list', '--json']);
    expect(status.code, status.stderr).toBe(0);
    // The next removal finishes the job: cleanup takes the leftovers away.
    const next = await runGrove(['--sysroot', sb.sysroot, 'trees', 'remove', history.commits[4]!.version]);
    expect(next.code, next.stderr).toBe(0);
    await expect(readFile(join(stray, 'usr', 'lib', 'os-release'))).rejects.toThrow();
  });

  it('makes a tree the default in place with the set-default helper: same serial, same /etc', async () => {
    expect(sb.ostree.execOrderHelper, 'dist/libexec/grove-ostree-order was not built').not.toBeNull();
    const trees = await listTrees(ctx());
    const target = trees.find((t) => t.checksum === csum(3))!;
    await writeFile(join(target.path, 'etc', 'grove-marker'), 'kept\n');
    const others = trees.filter((t) => t !== target).map((t) => `${t.checksum}.${t.serial}`);
    const id = await makeDefault(sb.ostree, sb.sysroot, target, await sb.machine.booted());
    expect(id).toEqual({ stateroot: target.stateroot, checksum: csum(3), serial: target.serial });
    const now = await listTrees(ctx());
    expect(now[0]).toMatchObject({ checksum: csum(3), serial: target.serial });
    // Nothing else moved, nothing was deployed or removed.
    expect(now.slice(1).map((t) => `${t.checksum}.${t.serial}`)).toEqual(others);
    expect(await readFile(join(now[0]!.path, 'etc', 'grove-marker'), 'utf8')).toBe('kept\n');
  });

  it('makes a tree the default without losing its /etc where nothing can reorder (2022.7, no helper)', async () => {
    const plain = sandboxOstreeWithoutHelper();
    expect(await plain.canSetDefault()).toBe(false);
    const trees = await listTrees(ctx());
    const target = trees.find((t) => t.checksum === csum(2))!;
    await writeFile(join(target.path, 'etc', 'grove-marker'), 'mine\n');
    const id = await makeDefault(plain, sb.sysroot, target, await sb.machine.booted());
    const now = await listTrees(ctx());
    expect(now[0]).toMatchObject({ checksum: csum(2), serial: id.serial });
    // Deployed again: a new serial.
    expect(id.serial).not.toBe(target.serial);
    expect(await readFile(join(now[0]!.path, 'etc', 'grove-marker'), 'utf8')).toBe('mine\n');
    expect(now.filter((t) => t.checksum === csum(2))).toHaveLength(1);
  });
});

function sandboxOstreeWithoutHelper(): Ostree {
  return new Ostree({ env: { OSTREE_SYSROOT_DEBUG: 'mutable-deployments' }, orderHelper: null });
}
