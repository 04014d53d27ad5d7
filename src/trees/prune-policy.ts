// Which trees `grove trees prune` removes. Pure: the trees in, a decision for each out.
//
// Within one stateroot, in boot order (index order, newest deployment first as ostree adds them):
// the first N (--keep N) stay; a tree whose commit is not older than --older-than stays; with both,
// a tree goes only when both let it go. Whatever the policy says, the booted, default, pending,
// staged, rollback and pinned trees stay, and so do the trees a running bisection needs.
import type { BisectRole } from './bisect-view.js';
import type { Tree } from './list-trees.js';

export interface PrunePolicy {
  stateroot: string;
  keep: number | null;
  olderThanMs: number | null;
}

export type KeepReason =
  | 'booted'
  | 'default'
  | 'pending'
  | 'staged'
  | 'rollback'
  | 'pinned'
  | 'bisection'
  | 'kept by --keep'
  | 'newer than --older-than'
  | 'other stateroot';

export interface PruneDecision<T extends Tree> {
  tree: T;
  remove: boolean;
  /** Why it stays (empty when it goes). */
  keptBecause: KeepReason[];
}

export type PrunableTree = Tree & { bisect: readonly BisectRole[] };

/** Why a tree can never be pruned (empty: it may be). */
export function protectedBecause(t: PrunableTree): KeepReason[] {
  const r: KeepReason[] = [];
  if (t.booted) r.push('booted');
  if (t.default) r.push('default');
  if (t.pending) r.push('pending');
  if (t.staged) r.push('staged');
  if (t.rollback) r.push('rollback');
  if (t.pinned) r.push('pinned');
  if (t.bisect.length > 0) r.push('bisection');
  return r;
}

export function decidePrune<T extends PrunableTree>(
  trees: readonly T[],
  policy: PrunePolicy,
  now: Date,
): Array<PruneDecision<T>> {
  let position = 0;
  return trees.map((tree) => {
    if (tree.stateroot !== policy.stateroot) return { tree, remove: false, keptBecause: ['other stateroot'] };
    const reasons = protectedBecause(tree);
    const withinKeep = policy.keep !== null && position < policy.keep;
    position++;
    if (withinKeep) reasons.push('kept by --keep');
    if (policy.olderThanMs !== null) {
      const age = tree.timestamp ? now.getTime() - tree.timestamp.getTime() : Infinity;
      if (age <= policy.olderThanMs) reasons.push('newer than --older-than');
    }
    return { tree, remove: reasons.length === 0, keptBecause: reasons };
  });
}
