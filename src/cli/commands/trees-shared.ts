// What the `grove trees …` commands share: the context, the running bisection (read from its
// state file, never written), the sysroot lock and the progress printer.
import type { Command } from 'commander';
import { findStore } from '../../bisect/find-state.js';
import type { BisectState } from '../../bisect/state.js';
import { sysrootLockPath } from '../../state/paths.js';
import { withSysrootLock } from '../../state/sysroot-lock.js';
import type { BisectView } from '../../trees/bisect-view.js';
import { sameId } from '../../trees/deployment-index.js';
import type { TreesEmit } from '../../trees/events.js';
import { openContext, type CliContext } from '../context.js';
import { treesProgressPrinter } from '../render/trees-progress.js';

export interface TreesCli {
  ctx: CliContext;
  bisect: BisectView | null;
  emit: TreesEmit;
  /** Runs fn holding the sysroot's lock (every command that changes the system). */
  locked<T>(fn: () => Promise<T>): Promise<T>;
}

export async function openTrees(cmd: Command): Promise<TreesCli> {
  const ctx = await openContext(cmd);
  const store = await findStore(ctx.sysroot);
  const state = store ? await store.load() : null;
  return {
    ctx,
    bisect: state ? bisectView(state) : null,
    emit: treesProgressPrinter(),
    locked: (fn) => withSysrootLock(sysrootLockPath(ctx.sysroot), fn),
  };
}

export function bisectView(state: BisectState): BisectView {
  const judgedGood = state.commits.filter((c) => state.verdicts[c.checksum]?.verdict === 'good').at(-1);
  const ahead = (state.ahead ?? []).filter((a) => a.serial >= 0);
  const candidates = state.deployed.filter(
    (d) => !sameId(d, state.original) && !ahead.some((a) => sameId(a, d)),
  );
  const e = state.expected;
  if (e && e.serial >= 0 && !candidates.some((d) => d.checksum === e.checksum && d.serial === e.serial)) {
    candidates.push({ stateroot: e.stateroot, checksum: e.checksum, serial: e.serial });
  }
  return {
    original: {
      stateroot: state.original.stateroot,
      checksum: state.original.checksum,
      serial: state.original.serial,
    },
    candidates,
    ahead,
    lastGood: state.result?.lastGood.checksum ?? judgedGood?.checksum ?? state.good,
    commits: state.commits.map((c) => ({ checksum: c.checksum, version: c.version })),
  };
}
