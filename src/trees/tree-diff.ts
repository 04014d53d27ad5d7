// `grove trees diff A B`: package changes (rpm-ostree's `db diff` on a host that has it, else the
// commits' rpmostree.rpmdb.pkglist metadata) and file changes (`ostree diff`).
import { join } from 'node:path';
import { MissingProgram, UserError } from '../errors.js';
import type { DiffEntry, Package } from '../ostree/index.js';
import { run } from '../process/run.js';
import type { TreesContext } from './list-trees.js';
import { RepoLayout } from './repo-layout.js';

export interface PackageChange {
  name: string;
  /** EVR before; null when added. */
  old: string | null;
  /** EVR after; null when removed. */
  new: string | null;
}

export interface DiffSide {
  checksum: string;
  version: string | null;
}

export interface TreeDiff {
  a: DiffSide;
  b: DiffSide;
  packagesAsked: boolean;
  /** Null when not asked for, or when neither commit lists its packages. */
  packages: PackageChange[] | null;
  packagesFrom: 'rpm-ostree' | 'pkglist' | null;
  /** Null when not asked for. */
  files: DiffEntry[] | null;
}

/** EVR as rpm prints it: the epoch only when it is not 0. */
export function evr(p: Package): string {
  const e = p.epoch && p.epoch !== '0' ? `${p.epoch}:` : '';
  return `${e}${p.version}-${p.release}`;
}

/** Changes by name and arch; a commit without a package list counts as having none. */
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
  return changes.sort((x, y) => (x.name < y.name ? -1 : x.name > y.name ? 1 : 0));
}

/**
 * `rpm-ostree db diff -F json` output: `pkgdiff` entries `[name, type, {PreviousPackage?, NewPackage?}]`
 * with packages as `[name, evr, arch]`. Which side is present says what happened.
 */
export function parseRpmOstreeDbDiff(text: string): PackageChange[] {
  const doc = JSON.parse(text) as { pkgdiff?: unknown[] };
  const out: PackageChange[] = [];
  for (const entry of doc.pkgdiff ?? []) {
    if (!Array.isArray(entry)) continue;
    const [name, , details] = entry as [string, number, Record<string, unknown> | undefined];
    const evrOf = (k: string) => {
      const p = details?.[k];
      return Array.isArray(p) && typeof p[1] === 'string' ? p[1] : null;
    };
    out.push({ name, old: evrOf('PreviousPackage'), new: evrOf('NewPackage') });
  }
  return out.sort((x, y) => (x.name < y.name ? -1 : x.name > y.name ? 1 : 0));
}

export async function diffTrees(
  ctx: TreesContext,
  a: string,
  b: string,
  want: { packages: boolean; files: boolean },
): Promise<TreeDiff> {
  const repo = ctx.ostree.sysroot(ctx.sysroot).repo();
  const layout = new RepoLayout(join(ctx.sysroot, 'ostree', 'repo'));
  const [ca, cb] = await Promise.all([layout.commit(a), layout.commit(b)]);
  for (const [c, csum] of [
    [ca, a],
    [cb, b],
  ] as const) {
    if (!c) {
      throw new UserError(
        `commit ${csum.slice(0, 12)} is not in this system's repository. Pull it first (grove trees add ${csum}).`,
      );
    }
  }
  let packages: PackageChange[] | null = null;
  let packagesFrom: TreeDiff['packagesFrom'] = null;
  if (want.packages) {
    const viaRpmOstree = ctx.machine.kind === 'host' ? await rpmOstreeDiff(a, b) : null;
    if (viaRpmOstree) {
      packages = viaRpmOstree;
      packagesFrom = 'rpm-ostree';
    } else if (ca!.packages || cb!.packages) {
      packages = diffPackages(ca!.packages ?? [], cb!.packages ?? []);
      packagesFrom = 'pkglist';
    }
  }
  let files: DiffEntry[] | null = null;
  if (want.files) {
    for (const c of [a, b]) {
      if ((await repo.hasCommit(c)).partial) {
        throw new UserError(
          `commit ${c.slice(0, 12)} has only its metadata here, not its files. Pull it (grove trees add ${c} --not-default) or use --packages.`,
        );
      }
    }
    files = await repo.diff(a, b);
  }
  return {
    a: { checksum: a, version: ca!.version },
    b: { checksum: b, version: cb!.version },
    packagesAsked: want.packages,
    packages,
    packagesFrom,
    files,
  };
}

/** rpm-ostree's own answer on a host that has it; null where it is missing or fails. */
async function rpmOstreeDiff(a: string, b: string): Promise<PackageChange[] | null> {
  try {
    const r = await run(['rpm-ostree', 'db', 'diff', '-F', 'json', a, b], { allowFailure: true });
    return r.exitCode === 0 ? parseRpmOstreeDbDiff(r.stdout) : null;
  } catch (e) {
    if (e instanceof MissingProgram || e instanceof SyntaxError) return null;
    throw e;
  }
}
