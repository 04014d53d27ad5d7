// What each tree costs on disk, counted the way `du` counts: allocated bytes, each inode once.
//
// In a sysroot's bare repository a deployment is a farm of hard links into ostree/repo/objects
// (everything but /etc, which ostree copies), so the bytes "only this tree holds" are the content
// objects no other deployment links to. Walking 50 deployments of 3,000 files is 150,000 lstat
// calls; instead this walks the commits' dirtree objects, which are content-addressed: a directory
// that is the same in all 50 trees is one dirtree, visited once with all 50 holders at the same
// time. Each content object is stat'ed once. Directories (and the .origin file) are not counted;
// /etc is measured with `du` itself.
import { run } from '../process/run.js';
import type { RepoLayout } from './repo-layout.js';

export interface Holder {
  /** The commit whose content this holder keeps. */
  checksum: string;
  /** Deployments hard-link the objects; refs keep them from being pruned. */
  kind: 'deployment' | 'ref';
}

export interface HolderUsage {
  /** Allocated bytes of content objects held by this holder and no peer (deployments: no other deployment). */
  own: number;
  /** Allocated bytes of content objects also held by a peer. */
  shared: number;
  /** False when the commit or some of its dirtrees are not in the repo (a partial commit). */
  complete: boolean;
}

export interface ContentUsage {
  holders: HolderUsage[];
  /** Allocated bytes of the distinct content objects held by deployments. */
  deployedBytes: number;
  /** Allocated bytes of content objects held by refs and no deployment. */
  refsOnlyBytes: number;
  /** Bytes of the objects whose holders are all in `mask` (what removing them would free). */
  freedBy(holderIndexes: readonly number[]): number;
}

const bit = (i: number) => 1n << BigInt(i);

export async function contentUsage(layout: RepoLayout, holders: readonly Holder[]): Promise<ContentUsage> {
  const incomplete = new Set<number>();
  const roots = new Map<string, bigint>();
  await Promise.all(
    holders.map(async (h, i) => {
      const c = await layout.commit(h.checksum);
      if (!c) {
        incomplete.add(i);
        return;
      }
      roots.set(c.rootTree, (roots.get(c.rootTree) ?? 0n) | bit(i));
    }),
  );

  // Breadth first, merging the holders that reach a dirtree at the same depth, so that a subtree
  // common to all trees is walked once. A dirtree met again later (at another depth) is only
  // walked again for holders it has not seen yet.
  const seen = new Map<string, bigint>();
  const fileMasks = new Map<string, bigint>();
  let level = roots;
  while (level.size > 0) {
    const next = new Map<string, bigint>();
    const work = [...level].map(([dt, bits]) => {
      const newBits = bits & ~(seen.get(dt) ?? 0n);
      if (newBits === 0n) return null;
      seen.set(dt, (seen.get(dt) ?? 0n) | newBits);
      return { dt, newBits };
    });
    const loaded = await Promise.all(
      work.map(async (w) => (w ? { ...w, tree: await layout.dirtree(w.dt) } : null)),
    );
    for (const l of loaded) {
      if (!l) continue;
      if (!l.tree) {
        for (let i = 0; i < holders.length; i++) if (l.newBits & bit(i)) incomplete.add(i);
        continue;
      }
      for (const f of l.tree.files) fileMasks.set(f, (fileMasks.get(f) ?? 0n) | l.newBits);
      for (const d of l.tree.dirs) next.set(d, (next.get(d) ?? 0n) | l.newBits);
    }
    level = next;
  }

  // Group the objects by who holds them: few distinct groups (a linear history gives ranges).
  const byMask = new Map<bigint, number>();
  const entries = [...fileMasks];
  let k = 0;
  const worker = async () => {
    while (k < entries.length) {
      const [obj, mask] = entries[k++]!;
      const s = await layout.fileSize(obj);
      if (!s) continue;
      byMask.set(mask, (byMask.get(mask) ?? 0) + s.bytes);
    }
  };
  await Promise.all(Array.from({ length: 32 }, worker));

  let deployMask = 0n;
  holders.forEach((h, i) => {
    if (h.kind === 'deployment') deployMask |= bit(i);
  });
  const usage: HolderUsage[] = holders.map((h, i) => {
    const scope = h.kind === 'deployment' ? deployMask : ~0n;
    let own = 0;
    let content = 0;
    for (const [mask, bytes] of byMask) {
      if (!(mask & bit(i))) continue;
      content += bytes;
      if ((mask & scope) === bit(i)) own += bytes;
    }
    return { own, shared: content - own, complete: !incomplete.has(i) };
  });
  let deployedBytes = 0;
  let refsOnlyBytes = 0;
  for (const [mask, bytes] of byMask) {
    if (mask & deployMask) deployedBytes += bytes;
    else refsOnlyBytes += bytes;
  }
  return {
    holders: usage,
    deployedBytes,
    refsOnlyBytes,
    freedBy(indexes) {
      const removed = indexes.reduce((m, i) => m | bit(i), 0n);
      let freed = 0;
      for (const [mask, bytes] of byMask) if ((mask & ~removed) === 0n) freed += bytes;
      return freed;
    },
  };
}

/**
 * `du -s -B1 PATH...`: allocated bytes under each path, an inode counted once over all of them
 * (the first time du meets it). Missing paths count 0.
 */
export async function duBytes(paths: readonly string[]): Promise<number[]> {
  if (paths.length === 0) return [];
  const r = await run(['du', '-s', '-B1', '--', ...paths], {
    allowFailure: true,
    debianPackage: 'coreutils',
  });
  const byPath = new Map<string, number>();
  for (const line of r.stdout.split('\n')) {
    const m = /^(\d+)\t(.*)$/.exec(line);
    if (m) byPath.set(m[2]!, (byPath.get(m[2]!) ?? 0) + Number(m[1]));
  }
  return paths.map((p) => byPath.get(p) ?? 0);
}
