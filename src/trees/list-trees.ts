import { join } from 'node:path';
import type { Machine } from '../machine/machine.js';
import type { Ostree } from '../ostree/index.js';
import { bisectRoles, type BisectRole, type BisectView } from './bisect-view.js';
import { contentUsage, duBytes, type Holder } from './disk-usage.js';
import { RepoLayout } from './repo-layout.js';
import { assignRoles, type TreeRoles } from './tree-roles.js';

export interface Tree extends TreeRoles {
  index: number;
  stateroot: string;
  checksum: string;
  serial: number;
  version: string | null;
  timestamp: Date | null;
  origin: string | null;
  path: string;
}

export interface TreesContext {
  ostree: Ostree;
  sysroot: string;
  machine: Machine;
}

/** Every deployment of the sysroot, in boot order, with its roles and commit facts. */
export async function listTrees(ctx: TreesContext): Promise<Tree[]> {
  const sysroot = ctx.ostree.sysroot(ctx.sysroot);
  const [deployments, booted] = await Promise.all([sysroot.status(), ctx.machine.booted()]);
  const roles = assignRoles(deployments, booted);
  const repo = sysroot.repo();
  const layout = new RepoLayout(repo.path);
  // Commit objects are read from the repository directly: one `ostree show` per commit costs
  // 10-20 ms each, a second with 50 trees. `ostree show` stays the fallback.
  const commitOf = async (csum: string) =>
    (await layout.commit(csum).catch(() => null)) ?? (await repo.show(csum).catch(() => null));
  return Promise.all(
    deployments.map(async (d, i) => {
      const c = await commitOf(d.checksum);
      return {
        index: d.index,
        stateroot: d.stateroot,
        checksum: d.checksum,
        serial: d.serial,
        version: d.version ?? c?.version ?? null,
        timestamp: c?.timestamp ?? null,
        origin: d.origin,
        path: d.path,
        ...roles[i]!,
      };
    }),
  );
}

export interface TreeUsage {
  /** Allocated bytes of content only this deployment links to. */
  own: number;
  /** Allocated bytes of content other deployments link to as well. */
  shared: number;
  /** Allocated bytes of its /etc (ostree copies /etc for each deployment). */
  etc: number;
  /** False when some of the commit's objects are missing. */
  complete: boolean;
}

export interface ListedTree extends Tree {
  bisect: BisectRole[];
  usage: TreeUsage;
}

/** A commit grove keeps a ref to (`grove/...`) that no deployment uses. */
export interface KeptCommit {
  checksum: string;
  refs: string[];
  version: string | null;
  timestamp: Date | null;
  /** Allocated bytes of content no deployment and no other ref holds; null for a partial commit. */
  own: number | null;
  shared: number | null;
}

export interface TreesReport {
  trees: ListedTree[];
  /** With `all`: commits grove keeps refs to that are not deployed. */
  kept: KeptCommit[] | null;
  totals: {
    /** Distinct content objects the deployments link to. */
    content: number;
    /** All /etc copies. */
    etc: number;
    /** Content only refs hold (not deployed): grove's refs, remote refs. */
    refsOnly: number;
    total: number;
  };
}

export const GROVE_REF_PREFIX = 'grove/';

/** The trees with disk use and bisect roles: `grove trees list`. */
export async function treesReport(
  ctx: TreesContext,
  opts: { bisect?: BisectView | null; all?: boolean } = {},
): Promise<TreesReport> {
  const layout = new RepoLayout(join(ctx.sysroot, 'ostree', 'repo'));
  const [trees, refs] = await Promise.all([listTrees(ctx), layout.refs()]);
  const analysis = await analyseDisk(layout, trees, refs);
  const etc = await duBytes(trees.map((t) => join(t.path, 'etc')));
  const listed: ListedTree[] = trees.map((t, i) => ({
    ...t,
    bisect: bisectRoles(t, opts.bisect ?? null),
    usage: { ...analysis.usage.holders[i]!, etc: etc[i]! },
  }));
  let kept: KeptCommit[] | null = null;
  if (opts.all) {
    const deployed = new Set(trees.map((t) => t.checksum));
    const byCommit = new Map<string, string[]>();
    for (const r of refs) {
      if (!r.ref.startsWith(GROVE_REF_PREFIX) || deployed.has(r.checksum)) continue;
      byCommit.set(r.checksum, [...(byCommit.get(r.checksum) ?? []), r.ref]);
    }
    kept = await Promise.all(
      [...byCommit].map(async ([checksum, names]) => {
        const c = await layout.commit(checksum);
        const u = analysis.usage.holders[analysis.refHolder.get(checksum)!]!;
        return {
          checksum,
          refs: names,
          version: c?.version ?? opts.bisect?.commits.find((x) => x.checksum === checksum)?.version ?? null,
          timestamp: c?.timestamp ?? null,
          own: u.complete ? u.own : null,
          shared: u.complete ? u.shared : null,
        };
      }),
    );
    kept.sort((a, b) => (b.timestamp?.getTime() ?? 0) - (a.timestamp?.getTime() ?? 0));
  }
  const etcTotal = etc.reduce((a, b) => a + b, 0);
  return {
    trees: listed,
    kept,
    totals: {
      content: analysis.usage.deployedBytes,
      etc: etcTotal,
      refsOnly: analysis.usage.refsOnlyBytes,
      total: analysis.usage.deployedBytes + etcTotal + analysis.usage.refsOnlyBytes,
    },
  };
}

/**
 * Content use of the deployments (holders 0..n-1, in the order given) and of the commits refs
 * point at (one holder per distinct commit; ostree's own deployment refs `ostree/…` are the
 * deployments themselves and left out).
 */
export async function analyseDisk(
  layout: RepoLayout,
  deployments: ReadonlyArray<{ checksum: string }>,
  refs: ReadonlyArray<{ ref: string; checksum: string }>,
) {
  const holders: Holder[] = deployments.map((d) => ({ checksum: d.checksum, kind: 'deployment' }));
  const refHolder = new Map<string, number>();
  for (const r of refs) {
    if (r.ref.startsWith('ostree/') || refHolder.has(r.checksum)) continue;
    refHolder.set(r.checksum, holders.length);
    holders.push({ checksum: r.checksum, kind: 'ref' });
  }
  return { usage: await contentUsage(layout, holders), refHolder };
}
