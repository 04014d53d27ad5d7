// `grove trees prune [--keep N] [--older-than DURATION] [--os NAME] [--dry-run] [--json]`; without a
// policy on a terminal, a checklist of the trees that may go.
import type { Command } from 'commander';
import { UsageError, UserError } from '../../errors.js';
import { bisectRoles } from '../../trees/bisect-view.js';
import { parseCount, parseDuration } from '../../trees/duration.js';
import { listTrees } from '../../trees/list-trees.js';
import { decidePrune, protectedBecause, type PrunePolicy } from '../../trees/prune-policy.js';
import { estimateFreed, planRemoval, removeTrees } from '../../trees/remove-trees.js';
import { stateroots } from '../../trees/stateroots.js';
import { addGlobalOptions } from '../global-options.js';
import { confirm, pickMany } from '../prompts.js';
import { formatDate } from '../render/format.js';
import { keptToJson, removalToJson, renderRemoval, treeName } from '../render/trees-actions.js';
import { openTrees } from './trees-shared.js';

export function registerTreesPrune(trees: Command): void {
  addGlobalOptions(
    trees
      .command('prune')
      .description(
        'remove the trees of one stateroot (--os, default the booted one) that a policy does not keep, then prune the repository; never the booted, default, rollback, pinned or bisection trees',
      )
      .option('--keep <n>', 'keep the first N trees of the boot menu')
      .option('--older-than <duration>', 'remove only trees whose commit is older than this (30d, 12h, 2w)')
      .option('--dry-run', 'print what would be removed and the commands, change nothing'),
  ).action(async function (this: Command) {
    const { ctx, bisect, emit, locked } = await openTrees(this);
    const o = this.opts<{ keep?: string; olderThan?: string; dryRun?: boolean }>();
    const keep = o.keep !== undefined ? parseCount(o.keep, '--keep') : null;
    const olderThanMs = o.olderThan !== undefined ? parseDuration(o.olderThan) : null;
    const checklist = keep === null && olderThanMs === null;
    if (checklist && !ctx.interactive) {
      throw new UsageError(
        'prune needs a policy: --keep N and/or --older-than DURATION (on a terminal, without them, it offers a checklist).',
      );
    }
    const work = async () => {
      const all = (await listTrees(ctx)).map((t) => ({ ...t, bisect: bisectRoles(t, bisect) }));
      const os = ctx.globals.os ?? all.find((t) => t.booted)?.stateroot ?? all[0]?.stateroot;
      if (!os) throw new UserError(`no deployments in ${ctx.sysroot}: nothing to prune.`);
      if (!(await stateroots(ctx.sysroot)).includes(os)) {
        throw new UserError(
          `there is no stateroot ${os} here (there are: ${(await stateroots(ctx.sysroot)).join(', ')}). Give one of them with --os.`,
        );
      }
      const policy: PrunePolicy = { stateroot: os, keep, olderThanMs };
      let decisions = decidePrune(all, policy, new Date());
      if (checklist) {
        const removable = all.filter((t) => t.stateroot === os && protectedBecause(t).length === 0);
        if (removable.length === 0) return { decisions, view: null };
        const picked = new Set(
          await pickMany(
            `Trees of ${os} to remove (the booted, default, rollback, pinned and bisection trees are not listed)`,
            removable.map((t) => ({
              value: t.path,
              name: `${treeName(t)}  ${t.timestamp ? formatDate(t.timestamp) : ''}`,
            })),
          ),
        );
        decisions = decisions.map((d) => ({ ...d, remove: picked.has(d.tree.path) }));
        if (picked.size === 0 || !(await confirm(`Remove ${picked.size} tree(s)?`, false))) {
          return { decisions: decisions.map((d) => ({ ...d, remove: false })), view: null };
        }
      }
      const plan = planRemoval(
        ctx.sysroot,
        decisions.filter((d) => d.remove).map((d) => d.tree),
      );
      const estimate = await estimateFreed(ctx.sysroot, all, plan.trees);
      if (o.dryRun) {
        return {
          decisions,
          view: {
            dryRun: true,
            trees: plan.trees,
            commands: plan.commands,
            freedBytes: null,
            estimatedFreedBytes: estimate,
          },
        };
      }
      const r = await removeTrees(ctx.ostree, plan, emit);
      return {
        decisions,
        view: {
          dryRun: false,
          trees: r.removed,
          commands: plan.commands,
          freedBytes: r.freedBytes,
          estimatedFreedBytes: estimate,
        },
      };
    };
    const { decisions, view } = o.dryRun ? await work() : await locked(work);
    const shown = view ?? {
      dryRun: Boolean(o.dryRun),
      trees: [],
      commands: [],
      freedBytes: 0,
      estimatedFreedBytes: 0,
    };
    ctx.out.result(
      () => renderRemoval(shown),
      () => ({ ...removalToJson(shown), kept: keptToJson(decisions) }),
    );
  });
}
