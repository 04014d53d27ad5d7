import { describe, expect, it } from 'vitest';
import { diffPackages, parseRpmOstreeDbDiff } from '../../../src/trees/tree-diff.js';

const pkg = (name: string, version: string, release = '1.fc44', epoch = '0') => ({
  name,
  epoch,
  version,
  release,
  arch: 'x86_64',
});

describe('diffPackages', () => {
  it('lists upgrades, additions and removals by name, with the epoch only when set', () => {
    const a = [pkg('bash', '5.2'), pkg('mesa-dri-drivers', '24.2.3'), pkg('gone', '1')];
    const b = [pkg('bash', '5.2'), pkg('mesa-dri-drivers', '24.2.4', '1.fc44', '2'), pkg('new', '3')];
    expect(diffPackages(a, b)).toEqual([
      { name: 'gone', old: '1-1.fc44', new: null },
      { name: 'mesa-dri-drivers', old: '24.2.3-1.fc44', new: '2:24.2.4-1.fc44' },
      { name: 'new', old: null, new: '3-1.fc44' },
    ]);
  });
});

describe('parseRpmOstreeDbDiff', () => {
  it('reads pkgdiff entries by which side they carry', () => {
    const text = JSON.stringify({
      'ostree-commit-from': 'a',
      'ostree-commit-to': 'b',
      pkgdiff: [
        [
          'mesa-dri-drivers',
          3,
          {
            PreviousPackage: ['mesa-dri-drivers', '24.2.3-1.fc44', 'x86_64'],
            NewPackage: ['mesa-dri-drivers', '24.2.4-1.fc44', 'x86_64'],
          },
        ],
        ['foo', 1, { NewPackage: ['foo', '1-1', 'x86_64'] }],
        ['bar', 2, { PreviousPackage: ['bar', '2-1', 'noarch'] }],
      ],
    });
    expect(parseRpmOstreeDbDiff(text)).toEqual([
      { name: 'bar', old: '2-1', new: null },
      { name: 'foo', old: null, new: '1-1' },
      { name: 'mesa-dri-drivers', old: '24.2.3-1.fc44', new: '24.2.4-1.fc44' },
    ]);
  });
});
