// Package changes between two commits, from their rpmostree.rpmdb.pkglist metadata.
import type { PackageChange } from '../trees/tree-diff.js';

// The diff itself is the trees layer's (grove trees diff shows the same changes).
export { diffPackages, evr, type PackageChange } from '../trees/tree-diff.js';

/** Shell-style globs (* and ?) over package names: 'mesa-*'. */
export function globToRegExp(glob: string): RegExp {
  const body = glob
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${body}$`);
}

export function changesMatch(changes: readonly PackageChange[], globs: readonly string[]): boolean {
  const res = globs.map(globToRegExp);
  return changes.some((c) => res.some((re) => re.test(c.name)));
}

/** "mesa-dri-drivers 24.2.3-1.fc44 → 24.2.4-1.fc44", "+ foo 1-1", "- bar 2-1". */
export function formatPackageChange(c: PackageChange): string {
  if (c.old === null) return `+ ${c.name} ${c.new}`;
  if (c.new === null) return `- ${c.name} ${c.old}`;
  return `${c.name} ${c.old} → ${c.new}`;
}
