// Package changes between two commits, from their rpmostree.rpmdb.pkglist metadata.
import type { Package } from '../ostree/index.js';

export interface PackageChange {
  name: string;
  /** null: added */
  old: string | null;
  /** null: removed */
  new: string | null;
}

/** EVR as rpm prints it: the epoch only when it is not 0. */
export function evr(p: Package): string {
  const e = p.epoch && p.epoch !== '0' ? `${p.epoch}:` : '';
  return `${e}${p.version}-${p.release}`;
}

export function diffPackages(
  before: readonly Package[] | null,
  after: readonly Package[] | null,
): PackageChange[] {
  const a = new Map((before ?? []).map((p) => [`${p.name}.${p.arch}`, p]));
  const b = new Map((after ?? []).map((p) => [`${p.name}.${p.arch}`, p]));
  const changes: PackageChange[] = [];
  for (const [key, p] of a) {
    const q = b.get(key);
    if (!q) changes.push({ name: p.name, old: evr(p), new: null });
    else if (evr(p) !== evr(q)) changes.push({ name: p.name, old: evr(p), new: evr(q) });
  }
  for (const [key, q] of b) if (!a.has(key)) changes.push({ name: q.name, old: null, new: evr(q) });
  return changes.sort((x, y) => x.name.localeCompare(y.name));
}

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
