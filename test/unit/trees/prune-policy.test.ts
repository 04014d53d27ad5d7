import { describe, expect, it } from 'vitest';
import { decidePrune, type PrunableTree } from '../../../src/trees/prune-policy.js';

const HOUR = 3_600_000;
const now = new Date('2025-03-01T00:00:00Z');

function tree(index: number, extra: Partial<PrunableTree> = {}): PrunableTree {
  return {
    index,
    stateroot: 'fedora',
    checksum: String(index).padStart(64, 'a'),
    serial: 0,
    version: `44.${index}`,
    timestamp: new Date(now.getTime() - (index + 1) * 24 * HOUR),
    origin: null,
    path: `/d/${index}`,
    booted: false,
    default: index === 0,
    pending: false,
    rollback: false,
    pinned: false,
    staged: false,
    bisect: [],
    ...extra,
  };
}

const removed = (ds: ReturnType<typeof decidePrune>) => ds.filter((d) => d.remove).map((d) => d.tree.index);

describe('decidePrune', () => {
  it('keeps the first N of the stateroot in boot order and every protected tree', () => {
    const trees = [
      tree(0, { booted: true }),
      tree(1, { rollback: true }),
      tree(2),
      tree(3, { pinned: true }),
      tree(4),
      tree(5, { bisect: ['candidate'] }),
      tree(6),
    ];
    const ds = decidePrune(trees, { stateroot: 'fedora', keep: 3, olderThanMs: null }, now);
    expect(removed(ds)).toEqual([4, 6]);
    expect(ds[3]!.keptBecause).toEqual(['pinned']);
    expect(ds[5]!.keptBecause).toEqual(['bisection']);
    expect(ds[2]!.keptBecause).toEqual(['kept by --keep']);
  });

  it('counts --keep per stateroot and leaves other stateroots alone', () => {
    const trees = [
      tree(0),
      tree(1, { stateroot: 'rawhide' }),
      tree(2),
      tree(3, { stateroot: 'rawhide' }),
      tree(4),
    ];
    const ds = decidePrune(trees, { stateroot: 'fedora', keep: 2, olderThanMs: null }, now);
    expect(removed(ds)).toEqual([4]);
    expect(ds[1]!.keptBecause).toEqual(['other stateroot']);
  });

  it('with --older-than removes only older commits; with both, only what both let go', () => {
    const trees = [0, 1, 2, 3, 4, 5].map((i) => tree(i));
    // commit i is i+1 days old
    expect(
      removed(decidePrune(trees, { stateroot: 'fedora', keep: null, olderThanMs: 3.5 * 24 * HOUR }, now)),
    ).toEqual([3, 4, 5]);
    expect(
      removed(decidePrune(trees, { stateroot: 'fedora', keep: 5, olderThanMs: 3.5 * 24 * HOUR }, now)),
    ).toEqual([5]);
    expect(removed(decidePrune(trees, { stateroot: 'fedora', keep: 0, olderThanMs: null }, now))).toEqual([
      1, 2, 3, 4, 5,
    ]);
  });

  it('never removes staged or pending trees', () => {
    const trees = [tree(0), tree(1, { staged: true }), tree(2, { pending: true })];
    expect(removed(decidePrune(trees, { stateroot: 'fedora', keep: 0, olderThanMs: null }, now))).toEqual([]);
  });
});
