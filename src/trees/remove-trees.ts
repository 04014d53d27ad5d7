// Removing deployments: `grove trees remove` and `grove trees prune`.
//
// The trees are resolved to stateroot + checksum.serial first; each `ostree admin undeploy` gets an
// index mapped from a fresh `admin status` just before it runs. They go from the highest index
// down, so the indexes a dry run prints are the ones that run. Each undeploy is atomic in ostree
// (it swaps the boot configuration, then deletes); a crash between two of them, or before the
// final `admin cleanup`, leaves a sysroot that `ostree admin status` and grove read normally, and
// the next cleanup removes what was left behind.
import { join } from 'node:path';
import { UserError } from '../errors.js';
import { deploymentIndex, type Ostree } from '../ostree/index.js';
import { stateroots } from './stateroots.js';
import { neededByBisection, type BisectView } from './bisect-view.js';
import { duBytes } from './disk-usage.js';
import { describeId, undeployById } from './deployment-index.js';
import type { TreesEmit } from './events.js';
import { analyseDisk, type Tree } from './list-trees.js';
import { RepoLayout } from './repo-layout.js';

/** Why `grove trees remove` refuses a tree; null when it may go. */
export function refusal(t: Tree, opts: { force: boolean; bisect: BisectView | null }): string | null {
  const name = describeId(t, t.version);
  if (t.booted) {
    return `${name} is the booted tree; it cannot be removed while it runs. Boot another tree first (grove trees default TREE, then reboot).`;
  }
  if (opts.force) return null;
  if (t.pinned) return `${name} is pinned. Unpin it first (grove trees unpin ${t.index}) or pass --force.`;
  if (neededByBisection(t, opts.bisect)) {
    return `${name} is needed by the running bisection. Finish it (grove bisect reset) or pass --force.`;
  }
  return null;
}

export interface RemovalPlan {
  sysroot: string;
  /** Highest index first: the order they are removed in. */
  trees: Tree[];
  /** The ostree commands that will run, with the indexes they will have. */
  commands: string[][];
}

export function planRemoval(sysroot: string, trees: readonly Tree[]): RemovalPlan {
  const unique = [...new Map(trees.map((t) => [`${t.stateroot}/${t.checksum}.${t.serial}`, t])).values()];
  const ordered = unique.sort((a, b) => b.index - a.index);
  const commands = ordered.map((t) => [
    'ostree',
    'admin',
    'undeploy',
    `--sysroot=${sysroot}`,
    deploymentIndex(t.index),
  ]);
  if (ordered.length > 0) commands.push(['ostree', 'admin', 'cleanup', `--sysroot=${sysroot}`]);
  return { sysroot, trees: ordered, commands };
}

/**
 * Bytes removing these trees frees, from what is on disk now: content objects no other tree or ref
 * holds, plus what `du` finds in the deployment directories besides those objects (/etc,
 * directories). ostree also frees the trees' own metadata objects and boot files, a few KiB.
 */
export async function estimateFreed(
  sysroot: string,
  all: readonly Tree[],
  remove: readonly Tree[],
): Promise<number> {
  if (remove.length === 0) return 0;
  const layout = new RepoLayout(join(sysroot, 'ostree', 'repo'));
  const { usage } = await analyseDisk(layout, all, await layout.refs());
  const idx = remove.map((r) => all.findIndex((t) => t.path === r.path)).filter((i) => i >= 0);
  const content = usage.freedBy(idx);
  // du counts a hard-linked inode once, the first time: the objects directory first, so each
  // deployment's number is what it holds besides the repository's objects.
  const [, ...dirs] = await duBytes([join(layout.path, 'objects'), ...remove.map((t) => t.path)]);
  return content + dirs.reduce((a, b) => a + b, 0);
}

/** Allocated bytes of everything ostree keeps for the trees: the repository, deployments, /boot. */
export async function measureSysroot(sysroot: string): Promise<number> {
  const paths = [
    join(sysroot, 'ostree', 'repo'),
    ...(await stateroots(sysroot)).map((os) => join(sysroot, 'ostree', 'deploy', os, 'deploy')),
    join(sysroot, 'boot'),
  ];
  return (await duBytes(paths)).reduce((a, b) => a + b, 0);
}

export interface RemovalResult {
  removed: Tree[];
  /** Measured: allocated bytes before minus after. */
  freedBytes: number;
}

export async function removeTrees(
  ostree: Ostree,
  plan: RemovalPlan,
  emit: TreesEmit,
): Promise<RemovalResult> {
  if (plan.trees.length === 0) return { removed: [], freedBytes: 0 };
  const sysroot = ostree.sysroot(plan.sysroot);
  const before = await measureSysroot(plan.sysroot);
  const removed: Tree[] = [];
  for (const t of plan.trees) {
    if (!(await undeployById(sysroot, t))) {
      throw new UserError(
        `${describeId(t, t.version)} is no longer deployed (another command changed the trees). ${removed.length} tree(s) were removed; see what is left with: grove trees list`,
      );
    }
    removed.push(t);
    emit({
      kind: 'undeploy',
      stateroot: t.stateroot,
      checksum: t.checksum,
      serial: t.serial,
      version: t.version,
    });
  }
  emit({ kind: 'cleanup' });
  await sysroot.cleanup();
  const after = await measureSysroot(plan.sysroot);
  return { removed, freedBytes: Math.max(0, before - after) };
}
