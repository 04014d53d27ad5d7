import { describe, expect, it } from 'vitest';
import { parsePkglist } from '../../../src/ostree/parse-pkglist.js';

describe('parsePkglist', () => {
  it('reads what `ostree show -B --print-metadata-key=rpmostree.rpmdb.pkglist` prints (2022.7)', () => {
    expect(
      parsePkglist(
        `[('mesa-dri-drivers', '0', '24.2.3', '1.fc41', 'x86_64'), ('bash', '0', '5.2', '1', 'x86_64')]\n`,
      ),
    ).toEqual([
      { name: 'mesa-dri-drivers', epoch: '0', version: '24.2.3', release: '1.fc41', arch: 'x86_64' },
      { name: 'bash', epoch: '0', version: '5.2', release: '1', arch: 'x86_64' },
    ]);
  });

  it('reads the typed empty list', () => {
    expect(parsePkglist('@a(sssss) []')).toEqual([]);
  });

  it('rejects entries that are not five strings', () => {
    expect(() => parsePkglist(`[('bash', '0', '5.2', '1')]`)).toThrow(/entry 0/);
    expect(() => parsePkglist(`'bash'`)).toThrow(/not an array/);
  });
});
