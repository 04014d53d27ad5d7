import Table from 'cli-table3';
import type { KeptCommit, ListedTree, Tree, TreesReport } from '../../trees/list-trees.js';
import { roleNames } from '../../trees/tree-roles.js';
import { formatBytes, formatDate } from './format.js';

const plain = { head: [], border: [] };

/** Roles, bisect roles included ("bisect: original"). */
export function allRoleNames(t: ListedTree): string[] {
  return [...roleNames(t), ...t.bisect.map((r) => `bisect ${r}`)];
}

/** `grove trees list`: the trees with roles and disk use, totals, and (--all) the kept commits. */
export function renderTreesReport(report: TreesReport): string {
  const table = new Table({
    head: ['#', 'os', 'version', 'checksum', 'date', 'origin', 'roles', 'own', 'shared', '/etc'],
    style: plain,
    // One line per tree: 50 trees stay 50 lines.
    chars: { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' },
    colAligns: ['right', 'left', 'left', 'left', 'left', 'left', 'left', 'right', 'right', 'right'],
  });
  for (const t of report.trees) {
    table.push([
      String(t.index),
      t.stateroot,
      t.version ?? '-',
      `${t.checksum.slice(0, 10)}.${t.serial}`,
      t.timestamp ? formatDate(t.timestamp) : '-',
      t.origin ?? '-',
      allRoleNames(t).join(', '),
      formatBytes(t.usage.own) + (t.usage.complete ? '' : '?'),
      formatBytes(t.usage.shared),
      formatBytes(t.usage.etc),
    ]);
  }
  const { totals } = report;
  const lines = [
    table.toString(),
    `${report.trees.length} tree${report.trees.length === 1 ? '' : 's'}: ${formatBytes(totals.total)} on disk — content ${formatBytes(totals.content)}, /etc ${formatBytes(totals.etc)}, held only by refs ${formatBytes(totals.refsOnly)}`,
    'own: content no other tree links to (freed when the tree goes); shared: content other trees link to as well.',
  ];
  if (report.kept) lines.push('', renderKept(report.kept));
  return lines.join('\n');
}

function renderKept(kept: readonly KeptCommit[]): string {
  if (kept.length === 0) return 'grove keeps no refs to commits that are not deployed.';
  const table = new Table({ head: ['version', 'checksum', 'date', 'ref', 'own'], style: plain });
  for (const k of kept) {
    table.push([
      k.version ?? '-',
      k.checksum.slice(0, 10),
      k.timestamp ? formatDate(k.timestamp) : '-',
      k.refs.join(', '),
      k.own === null ? 'partial' : formatBytes(k.own),
    ]);
  }
  return `Not deployed, kept by grove's refs:\n${table.toString()}`;
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

export function treesReportToJson(report: TreesReport) {
  return {
    deployments: report.trees.map((t) => ({ ...treeToJson(t), bisect: t.bisect, usage: t.usage })),
    totals: report.totals,
    ...(report.kept
      ? {
          kept: report.kept.map((k) => ({
            ...k,
            timestamp: k.timestamp ? k.timestamp.toISOString() : null,
          })),
        }
      : {}),
  };
}
