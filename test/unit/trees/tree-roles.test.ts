import { describe, expect, it } from 'vitest';
import type { Deployment } from '../../../src/ostree/index.js';
import { assignRoles, roleNames } from '../../../src/trees/tree-roles.js';

const csum = (c: string) => c.repeat(64);
function dep(index: number, stateroot: string, c: string, extra: Partial<Deployment> = {}): Deployment {
  return {
    index,
    stateroot,
    checksum: csum(c),
    serial: 0,
    booted: false,
    staged: false,
    pending: false,
    rollback: false,
    pinned: false,
    version: null,
    origin: null,
    unlocked: null,
    path: `/sysroot/ostree/deploy/${stateroot}/deploy/${csum(c)}.0`,
    ...extra,
  };
}

describe('assignRoles', () => {
  const ds = [
    dep(0, 'fedora', 'a'),
    dep(1, 'fedora', 'b'),
    dep(2, 'other', 'c'),
    dep(3, 'fedora', 'd', { pinned: true }),
  ];

  it('marks pending before and rollback after the booted tree, in its own stateroot only', () => {
    const roles = assignRoles(ds, { stateroot: 'fedora', checksum: csum('b'), serial: 0, path: '' });
    expect(roles.map(roleNames)).toEqual([['default', 'pending'], ['booted'], [], ['rollback', 'pinned']]);
  });

  it('has no booted, pending or rollback when nothing booted', () => {
    const roles = assignRoles(ds, null);
    expect(roles.map(roleNames)).toEqual([['default'], [], [], ['pinned']]);
  });

  it('does not call a staged deployment pending', () => {
    const staged = [dep(0, 'fedora', 'a', { staged: true }), dep(1, 'fedora', 'b')];
    const roles = assignRoles(staged, { stateroot: 'fedora', checksum: csum('b'), serial: 0, path: '' });
    expect(roles.map(roleNames)).toEqual([['default', 'staged'], ['booted']]);
  });

  it('matches the booted tree by stateroot, checksum and serial together', () => {
    const twin = [dep(0, 'fedora', 'a'), dep(1, 'fedora', 'a', { serial: 1 })];
    const roles = assignRoles(twin, { stateroot: 'fedora', checksum: csum('a'), serial: 1, path: '' });
    expect(roles.map((r) => r.booted)).toEqual([false, true]);
  });
});
