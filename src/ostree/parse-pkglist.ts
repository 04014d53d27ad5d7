// rpm-ostree's `rpmostree.rpmdb.pkglist` commit metadata, type a(sssss):
// (name, epoch, version, release, arch), epoch "0" when unset.
import { parseGVariant, type GVariantValue } from './parse-gvariant.js';
import type { Package } from './types.js';

/** From the GVariant text of the key (`[('bash', '0', '5.2', '1', 'x86_64'), ...]` or `@a(sssss) []`). */
export function parsePkglist(text: string): Package[] {
  return pkglistFromValue(parseGVariant(text));
}

export function pkglistFromValue(value: GVariantValue): Package[] {
  if (!Array.isArray(value)) throw new Error('rpmostree.rpmdb.pkglist is not an array');
  return value.map((entry, i) => {
    if (!Array.isArray(entry) || entry.length !== 5 || !entry.every((f) => typeof f === 'string')) {
      throw new Error(`rpmostree.rpmdb.pkglist entry ${i} is not (sssss)`);
    }
    const [name, epoch, version, release, arch] = entry as string[];
    return { name: name!, epoch: epoch!, version: version!, release: release!, arch: arch! };
  });
}
