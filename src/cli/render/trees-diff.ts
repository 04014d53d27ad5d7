import type { TreeDiff } from '../../trees/tree-diff.js';

const MAX_FILES = 20;

export function renderTreeDiff(d: TreeDiff, opts: { allFiles: boolean }): string {
  const side = (s: TreeDiff['a']) => `${s.version ?? '(no version)'} (${s.checksum.slice(0, 10)})`;
  const lines = [`${side(d.a)} → ${side(d.b)}`];
  if (d.packagesAsked) {
    if (d.packages === null) lines.push('packages: neither commit lists its packages');
    else if (d.packages.length === 0) lines.push('packages: no changes');
    else {
      lines.push(`packages (${d.packages.length}):`);
      for (const c of d.packages) {
        if (c.old === null) lines.push(`  + ${c.name} ${c.new}`);
        else if (c.new === null) lines.push(`  - ${c.name} ${c.old}`);
        else lines.push(`  ${c.name} ${c.old} → ${c.new}`);
      }
    }
  }
  if (d.files !== null) {
    const count = (k: string) => d.files!.filter((f) => f.kind === k).length;
    lines.push(`files: ${count('A')} added, ${count('D')} removed, ${count('M')} modified`);
    const shown = opts.allFiles ? d.files : d.files.slice(0, MAX_FILES);
    for (const f of shown) lines.push(`  ${f.kind} ${f.path}`);
    if (shown.length < d.files.length)
      lines.push(`  … and ${d.files.length - shown.length} more (all of them: --files)`);
  }
  return lines.join('\n');
}

export function treeDiffToJson(d: TreeDiff) {
  return d;
}
