// The `trees` row of `npm run bench`: how long `trees list` takes with many deployments of a
// realistic tree (3,000+ files), and what one more tree that shares most content costs on disk
// against the tree's full size. Everything is real: a generated history, `ostree admin deploy`,
// `du`.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeOsHistory } from '../fixtures/os-history.js';
import { makeSandbox } from '../fixtures/sandbox.js';
import { planAdd, runAdd } from '../src/trees/add-tree.js';
import { duBytes } from '../src/trees/disk-usage.js';
import { treesReport } from '../src/trees/list-trees.js';
import { measureSysroot } from '../src/trees/remove-trees.js';

export interface TreesBench {
  /** Median wall time of the trees list core (disk use included), warm cache. */
  listSeconds: number;
  /** The same through the built CLI, `node dist/grove.cjs trees list --json` (startup included); null if not built. */
  cliListSeconds: number | null;
  deployments: number;
  /** Files (regular files and symlinks) in one tree. */
  files: number;
  /** Allocated bytes the sysroot grew by when one more tree (sharing most content) was added. */
  bytesPerAddedTree: number;
  /** Allocated bytes of that tree on its own (`du -s` of its deployment). */
  treeBytes: number;
  /** bytesPerAddedTree / treeBytes. */
  ratio: number;
}

export async function benchTrees(opts: { quick?: boolean } = {}): Promise<TreesBench> {
  const deployments = opts.quick ? 10 : 50;
  const dir = await mkdtemp(join(tmpdir(), 'grove-bench-trees-'));
  process.env.OSTREE_SYSROOT_DEBUG = 'mutable-deployments';
  try {
    const history = await makeOsHistory({
      dir: join(dir, 'server'),
      commits: deployments + 1,
      files: 3000,
      bytes: 24 * 1024 * 1024,
      churnBytes: 64 * 1024,
    });
    const all = history.commits.map((c) => c.checksum);
    const sb = await makeSandbox({
      dir: join(dir, 'sysroot'),
      os: history.os,
      remoteUrl: `file://${history.repo}`,
      ref: history.ref,
      deploy: all.slice(0, deployments),
      boot: true,
    });
    const ctx = { ostree: sb.ostree, sysroot: sb.sysroot, machine: sb.machine };

    await treesReport(ctx); // warm the page cache, as a second `trees list` would find it
    const times: number[] = [];
    let report = await treesReport(ctx);
    for (let i = 0; i < 5; i++) {
      const t0 = performance.now();
      report = await treesReport(ctx);
      times.push((performance.now() - t0) / 1000);
    }
    if (report.trees.length !== deployments) {
      throw new Error(`bench: expected ${deployments} deployments, listed ${report.trees.length}`);
    }
    const cliListSeconds = await timeCli(sb.sysroot);
    const files = await countFiles(report.trees[0]!.path);

    // One more tree: the next commit, pulled and deployed as `grove trees add` does.
    const before = await measureSysroot(sb.sysroot);
    const added = await runAdd(
      ctx,
      await planAdd(ctx, { target: all[deployments]!, notDefault: true }),
      () => undefined,
    );
    const after = await measureSysroot(sb.sysroot);
    const [treeBytes] = await duBytes([added.path]);
    const bytesPerAddedTree = after - before;
    return {
      listSeconds: median(times),
      cliListSeconds,
      deployments,
      files,
      bytesPerAddedTree,
      treeBytes: treeBytes!,
      ratio: bytesPerAddedTree / treeBytes!,
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

async function countFiles(root: string): Promise<number> {
  const { run } = await import('../src/process/run.js');
  const r = await run(['find', root, '-xdev', '(', '-type', 'f', '-o', '-type', 'l', ')', '-printf', '.']);
  return r.stdout.length;
}

async function timeCli(sysroot: string): Promise<number | null> {
  const { existsSync } = await import('node:fs');
  const { GROVE } = await import('./bench-env.js');
  if (!existsSync(GROVE)) return null;
  const { run } = await import('../src/process/run.js');
  const t0 = performance.now();
  await run([process.execPath, GROVE, 'trees', 'list', '--json', '--sysroot', sysroot]);
  return (performance.now() - t0) / 1000;
}
