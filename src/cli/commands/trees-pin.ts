// `grove trees pin TREE` / `grove trees unpin TREE`: a pinned tree survives deploys and prunes.
import type { Command } from 'commander';
import { pinById } from '../../trees/deployment-index.js';
import { listTrees } from '../../trees/list-trees.js';
import { resolveDeployed } from '../../trees/resolve-tree.js';
import { addGlobalOptions } from '../global-options.js';
import { treeName } from '../render/trees-actions.js';
import { treeToJson } from '../render/trees-table.js';
import { openTrees } from './trees-shared.js';

export function registerTreesPin(trees: Command): void {
  for (const pinned of [true, false]) {
    const name = pinned ? 'pin' : 'unpin';
    addGlobalOptions(
      trees
        .command(`${name} <tree>`)
        .description(pinned ? 'keep a tree: deploys and prunes leave it' : 'let a pinned tree go again'),
    ).action(async function (this: Command, spec: string) {
      const { ctx, bisect, locked } = await openTrees(this);
      const tree = await locked(async () => {
        const tree = resolveDeployed(spec, await listTrees(ctx), bisect?.commits ?? []);
        if (tree.pinned !== pinned) await pinById(ctx.ostree.sysroot(ctx.sysroot), tree, pinned);
        return tree;
      });
      const already = tree.pinned === pinned;
      ctx.out.result(
        () => `${already ? `already ${name}ned` : `${name}ned`}: ${treeName(tree)}`,
        () => ({ ...treeToJson(tree), pinned, changed: !already }),
      );
    });
  }
}
