// `grove trees default TREE` and `grove trees rollback`: choose the next boot.
import type { Command } from 'commander';
import { UserError } from '../../errors.js';
import { listTrees, type Tree } from '../../trees/list-trees.js';
import { resolveDeployed } from '../../trees/resolve-tree.js';
import { makeDefault } from '../../trees/set-default.js';
import { addGlobalOptions } from '../global-options.js';
import { treeName } from '../render/trees-actions.js';
import { openTrees, type TreesCli } from './trees-shared.js';

async function setNextBoot(cli: TreesCli, pick: (trees: Tree[]) => Tree): Promise<void> {
  const { ctx, locked } = cli;
  const result = await locked(async () => {
    const trees = await listTrees(ctx);
    const tree = pick(trees);
    const booted = await ctx.machine.booted();
    const id = await makeDefault(ctx.ostree, ctx.sysroot, tree, booted);
    return { tree, id, already: tree.index === 0 };
  });
  ctx.out.result(
    () =>
      `${result.already ? 'already the next boot' : 'next boot'}: ${treeName({ ...result.tree, serial: result.id.serial })}`,
    () => ({
      stateroot: result.id.stateroot,
      checksum: result.id.checksum,
      serial: result.id.serial,
      version: result.tree.version,
      changed: !result.already,
    }),
  );
}

export function registerTreesDefault(trees: Command): void {
  addGlobalOptions(
    trees
      .command('default <tree>')
      .description('make a tree the next boot (keeps its /etc, origin and kernel arguments)'),
  ).action(async function (this: Command, spec: string) {
    const cli = await openTrees(this);
    await setNextBoot(cli, (trees) => resolveDeployed(spec, trees, cli.bisect?.commits ?? []));
  });

  addGlobalOptions(
    trees
      .command('rollback')
      .description("make the previous tree of the booted one's stateroot the next boot"),
  ).action(async function (this: Command) {
    const cli = await openTrees(this);
    await setNextBoot(cli, (trees) => {
      const target = trees.find((t) => t.rollback);
      if (target) return target;
      if (!trees.some((t) => t.booted)) {
        throw new UserError(
          `nothing is booted in ${cli.ctx.sysroot}, so there is no rollback tree. Choose one: grove trees default TREE`,
        );
      }
      const os = trees.find((t) => t.booted)!.stateroot;
      throw new UserError(
        `the booted tree is the oldest of ${os}: there is no tree to roll back to. See the trees: grove trees list`,
      );
    });
  });
}
