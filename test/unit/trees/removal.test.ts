import { describe, expect, it } from 'vitest';
import { bisectRoles, type BisectView } from '../../../src/trees/bisect-view.js';
import type { Tree } from '../../../src/trees/list-trees.js';
import { planRemoval, refusal } from '../../../src/trees/remove-trees.js';
import { renderRemoval, shellLine } from '../../../src/cli/render/trees-actions.js';

const c = (n: number) => String(n).padStart(64, '0');
function tree(index: number, extra: Partial<Tree> = {}): Tree {
  return {
    index,
    stateroot: 'fedora',
    checksum: c(index),
    serial: 0,
    version: `44.000${index}`,
    timestamp: null,
    origin: null,
    path: `/s/ostree/deploy/fedora/deploy/${c(index)}.0`,
    booted: false,
    default: index === 0,
    pending: false,
    rollback: false,
    pinned: false,
    staged: false,
    ...extra,
  };
}

const view: BisectView = {
  original: { stateroot: 'fedora', checksum: c(1), serial: 0 },
  candidates: [{ stateroot: 'fedora', checksum: c(2), serial: 0 }],
  lastGood: c(3),
  commits: [],
};

describe('planRemoval', () => {
  it('removes from the highest index down, so the printed indexes are the ones that run', () => {
    const plan = planRemoval('/s', [tree(2), tree(5), tree(3), tree(5)]);
    expect(plan.trees.map((t) => t.index)).toEqual([5, 3, 2]);
    expect(plan.commands).toEqual([
      ['ostree', 'admin', 'undeploy', '--sysroot=/s', '5'],
      ['ostree', 'admin', 'undeploy', '--sysroot=/s', '3'],
      ['ostree', 'admin', 'undeploy', '--sysroot=/s', '2'],
      ['ostree', 'admin', 'cleanup', '--sysroot=/s'],
    ]);
    expect(planRemoval('/s', []).commands).toEqual([]);
  });
});

describe('refusal', () => {
  it('never the booted tree; pinned and bisection trees only with --force', () => {
    expect(refusal(tree(0, { booted: true }), { force: true, bisect: null })).toMatch(/is the booted tree/);
    expect(refusal(tree(4, { pinned: true }), { force: false, bisect: null })).toMatch(
      /is pinned\. Unpin it first \(grove trees unpin 4\) or pass --force/,
    );
    expect(refusal(tree(4, { pinned: true }), { force: true, bisect: null })).toBeNull();
    expect(refusal(tree(2), { force: false, bisect: view })).toMatch(/needed by the running bisection/);
    expect(refusal(tree(2), { force: true, bisect: view })).toBeNull();
    expect(refusal(tree(6), { force: false, bisect: view })).toBeNull();
  });
});

describe('bisectRoles', () => {
  it('names the original, candidates and the last good tree', () => {
    expect(bisectRoles(tree(1), view)).toEqual(['original']);
    expect(bisectRoles(tree(2), view)).toEqual(['candidate']);
    expect(bisectRoles(tree(3), view)).toEqual(['last-good']);
    expect(bisectRoles(tree(3, { serial: 1 }), view)).toEqual(['last-good']);
    expect(bisectRoles(tree(1, { serial: 1 }), view)).toEqual([]);
    expect(bisectRoles(tree(1), null)).toEqual([]);
  });
});

describe('renderRemoval', () => {
  it('says what would go, the commands and the estimate in a dry run', () => {
    const plan = planRemoval('/s', [tree(3)]);
    const text = renderRemoval({
      dryRun: true,
      trees: plan.trees,
      commands: plan.commands,
      freedBytes: null,
      estimatedFreedBytes: 2048,
    });
    expect(text).toBe(
      [
        `would remove 44.0003 ${c(3).slice(0, 10)}.0 (fedora)`,
        'would run: ostree admin undeploy --sysroot=/s 3',
        'would run: ostree admin cleanup --sysroot=/s',
        'would free about 2.0 KiB',
      ].join('\n'),
    );
    expect(
      renderRemoval({ dryRun: false, trees: [], commands: [], freedBytes: 0, estimatedFreedBytes: 0 }),
    ).toBe('Nothing to remove.');
  });
  it('quotes what a shell would split', () => {
    expect(shellLine(['ostree', '--sysroot=/a b', "it's"])).toBe(`ostree '--sysroot=/a b' 'it'\\''s'`);
  });
});
