// Output of the trees commands that change the system: what was (or would be) done.
import type { Tree } from '../../trees/list-trees.js';
import type { PruneDecision, PrunableTree } from '../../trees/prune-policy.js';
import { formatBytes } from './format.js';
import { treeToJson } from './trees-table.js';

export function treeName(t: Pick<Tree, 'version' | 'checksum' | 'serial' | 'stateroot'>): string {
  return `${t.version ?? '(no version)'} ${t.checksum.slice(0, 10)}.${t.serial} (${t.stateroot})`;
}

/** argv as a shell line: words with anything unusual are single-quoted. */
export function shellLine(argv: readonly string[]): string {
  return argv.map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`)).join(' ');
}

export function renderCommands(commands: readonly string[][]): string {
  return commands.map((c) => `would run: ${shellLine(c)}`).join('\n');
}

export interface RemovalView {
  dryRun: boolean;
  trees: readonly Tree[];
  commands: readonly string[][];
  /** Measured after removing; null in a dry run. */
  freedBytes: number | null;
  /** From what is on disk before removing. */
  estimatedFreedBytes: number;
}

export function renderRemoval(v: RemovalView): string {
  if (v.trees.length === 0) return 'Nothing to remove.';
  const verb = v.dryRun ? 'would remove' : 'removed';
  const lines = v.trees.map((t) => `${verb} ${treeName(t)}`);
  if (v.dryRun) {
    lines.push(renderCommands(v.commands));
    lines.push(`would free about ${formatBytes(v.estimatedFreedBytes)}`);
  } else {
    lines.push(`freed ${formatBytes(v.freedBytes ?? 0)}`);
  }
  return lines.join('\n');
}

export function removalToJson(v: RemovalView) {
  return {
    dryRun: v.dryRun,
    removed: v.trees.map(treeToJson),
    commands: v.commands,
    freedBytes: v.freedBytes,
    estimatedFreedBytes: v.estimatedFreedBytes,
  };
}

export function keptToJson(decisions: ReadonlyArray<PruneDecision<PrunableTree>>) {
  return decisions
    .filter((d) => !d.remove)
    .map((d) => ({ ...treeToJson(d.tree), keptBecause: d.keptBecause }));
}
