// `grove trees diff A B [--packages|--files] [--json]`.
import type { Command } from 'commander';
import { join } from 'node:path';
import { UsageError } from '../../errors.js';
import { listTrees } from '../../trees/list-trees.js';
import { RepoLayout } from '../../trees/repo-layout.js';
import { resolveCommit } from '../../trees/resolve-tree.js';
import { diffTrees } from '../../trees/tree-diff.js';
import type { SpecCommit } from '../../trees/tree-spec.js';
import { addGlobalOptions } from '../global-options.js';
import { renderTreeDiff, treeDiffToJson } from '../render/trees-diff.js';
import { openTrees } from './trees-shared.js';

export function registerTreesDiff(trees: Command): void {
  addGlobalOptions(
    trees
      .command('diff <a> <b>')
      .description('what changed from tree A to tree B: packages and files')
      .option('--packages', 'only the package changes')
      .option('--files', 'only the file changes, all of them'),
  ).action(async function (this: Command, a: string, b: string) {
    const { ctx, bisect } = await openTrees(this);
    const o = this.opts<{ packages?: boolean; files?: boolean }>();
    if (o.packages && o.files)
      throw new UsageError('--packages and --files exclude each other; give one, or neither for both.');
    const list = await listTrees(ctx);
    const layout = new RepoLayout(join(ctx.sysroot, 'ostree', 'repo'));
    const refCommits: SpecCommit[] = await Promise.all(
      [...new Set((await layout.refs()).map((r) => r.checksum))].map(async (checksum) => ({
        checksum,
        version: (await layout.commit(checksum))?.version ?? null,
      })),
    );
    const commits = [...refCommits, ...(bisect?.commits ?? [])];
    const ca = resolveCommit(a, list, commits);
    const cb = resolveCommit(b, list, commits);
    const diff = await diffTrees(ctx, ca.checksum, cb.checksum, {
      packages: !o.files,
      files: !o.packages,
    });
    ctx.out.result(
      () => renderTreeDiff(diff, { allFiles: Boolean(o.files) }),
      () => treeDiffToJson(diff),
    );
  });
}
