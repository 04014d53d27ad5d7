// `grove trees add REFSPEC|CHECKSUM [--os NAME] [--remote NAME=URL] [--not-default]`.
import type { Command } from 'commander';
import { addCommands, planAdd, runAdd } from '../../trees/add-tree.js';
import { addGlobalOptions } from '../global-options.js';
import { renderCommands, treeName } from '../render/trees-actions.js';
import { treeToJson } from '../render/trees-table.js';
import { openTrees } from './trees-shared.js';

export function registerTreesAdd(trees: Command): void {
  addGlobalOptions(
    trees
      .command('add <target>')
      .description(
        'pull and deploy a tree (REFSPEC or CHECKSUM); with --os, into that stateroot, created when missing',
      )
      .option('--remote <name=url>', 'the remote to pull from; added when missing')
      .option('--not-default', 'deploy it second: the next boot stays what it is')
      .option('--dry-run', 'print the ostree commands instead of running them'),
  ).action(async function (this: Command, target: string) {
    const { ctx, emit, locked } = await openTrees(this);
    const o = this.opts<{ remote?: string; notDefault?: boolean; dryRun?: boolean }>();
    const request = { target, os: ctx.globals.os, remote: o.remote, notDefault: o.notDefault };
    if (o.dryRun) {
      const plan = await planAdd(ctx, request);
      const commands = addCommands(ctx.sysroot, plan);
      ctx.out.result(
        () => renderCommands(commands),
        () => ({ dryRun: true, stateroot: plan.os, commands }),
      );
      return;
    }
    const tree = await locked(async () => runAdd(ctx, await planAdd(ctx, request), emit));
    ctx.out.result(
      () => `deployed ${treeName(tree)} at index ${tree.index}${tree.default ? ' (the next boot)' : ''}`,
      () => ({ deployed: treeToJson(tree) }),
    );
  });
}
