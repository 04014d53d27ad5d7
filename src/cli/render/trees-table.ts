import Table from 'cli-table3';
import type { Tree } from '../../trees/list-trees.js';
import { roleNames } from '../../trees/tree-roles.js';
import { formatDate } from './format.js';

/** The deployments as a table, in boot order. Pure: returns the string. */
export function renderTreesTable(trees: readonly Tree[]): string {
  const table = new Table({
    head: ['#', 'os', 'version', 'checksum', 'date', 'origin', 'roles'],
    style: { head: [], border: [] },
  });
  for (const t of trees) {
    table.push([
      String(t.index),
      t.stateroot,
      t.version ?? '-',
      `${t.checksum.slice(0, 10)}.${t.serial}`,
      t.timestamp ? formatDate(t.timestamp) : '-',
      t.origin ?? '-',
      roleNames(t).join(', '),
    ]);
  }
  return table.toString();
}

export function treeToJson(t: Tree) {
  return {
    index: t.index,
    stateroot: t.stateroot,
    checksum: t.checksum,
    serial: t.serial,
    version: t.version,
    timestamp: t.timestamp ? t.timestamp.toISOString() : null,
    origin: t.origin,
    booted: t.booted,
    default: t.default,
    rollback: t.rollback,
    pinned: t.pinned,
    staged: t.staged,
    pending: t.pending,
    path: t.path,
  };
}
