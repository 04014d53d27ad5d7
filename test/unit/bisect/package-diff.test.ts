import { describe, expect, it } from 'vitest';
import { changesMatch, diffPackages, evr, formatPackageChange } from '../../../src/bisect/package-diff.js';

const p = (name: string, version: string, epoch = '0') => ({
  name,
  epoch,
  version,
  release: '1.fc44',
  arch: 'x86_64',
});

describe('diffPackages', () => {
  it('lists upgrades, additions and removals by name', () => {
    const before = [p('glibc', '2.40'), p('mesa-dri-drivers', '24.2.3'), p('old', '1')];
    const after = [p('glibc', '2.40'), p('mesa-dri-drivers', '24.2.4'), p('new', '2')];
    expect(diffPackages(before, after)).toEqual([
      { name: 'mesa-dri-drivers', old: '24.2.3-1.fc44', new: '24.2.4-1.fc44' },
      { name: 'new', old: null, new: '2-1.fc44' },
      { name: 'old', old: '1-1.fc44', new: null },
    ]);
  });

  it('shows an epoch only when it is not 0, as rpm does', () => {
    expect(evr(p('NetworkManager', '1.42.8', '1'))).toBe('1:1.42.8-1.fc44');
    expect(evr(p('glibc', '2.40'))).toBe('2.40-1.fc44');
  });

  it('treats a missing list as empty', () => {
    expect(diffPackages(null, [p('a', '1')])).toEqual([{ name: 'a', old: null, new: '1-1.fc44' }]);
  });

  it('matches globs against changed names', () => {
    const changes = diffPackages([p('mesa-libGL', '1')], [p('mesa-libGL', '2')]);
    expect(changesMatch(changes, ['mesa-*'])).toBe(true);
    expect(changesMatch(changes, ['kernel*'])).toBe(false);
    expect(changesMatch(changes, ['mesa-lib??'])).toBe(true);
    expect(formatPackageChange(changes[0]!)).toBe('mesa-libGL 1-1.fc44 → 2-1.fc44');
  });
});
