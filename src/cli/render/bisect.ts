// Pure renderers of bisect outcomes: strings for people, objects for --json.
import Table from 'cli-table3';
import type { Advance } from '../../bisect/advance.js';
import { formatPackageChange } from '../../bisect/package-diff.js';
import type { BisectResult } from '../../bisect/result.js';
import type { BisectStatusView } from '../../bisect/status.js';
import type { StoredCommit } from '../../bisect/state.js';
import { formatDate } from './format.js';

export function label(c: StoredCommit): string {
  return `${c.version ?? '(no version)'} (${c.checksum.slice(0, 10)})`;
}

export function renderAdvance(
  a: Advance,
  terms: { old: string; new: string },
  machineKind: 'host' | 'sandbox',
): string {
  if (a.kind === 'testing') {
    const how = machineKind === 'sandbox' ? 'grove machine reboot' : 'reboot';
    return [
      `Bisecting: ${a.leftAfterThis} commit${a.leftAfterThis === 1 ? '' : 's'} left to test after this (roughly ${a.stepsLeft} step${a.stepsLeft === 1 ? '' : 's'}).`,
      `Deployed ${label(a.candidate)} as the next boot. Reboot to test it (${how}), then: grove bisect ${terms.old}|${terms.new}|skip`,
    ].join('\n');
  }
  if (a.kind === 'ambiguous') {
    return [
      `There are only skipped commits left to test. The first ${terms.new} commit could be any of:`,
      ...a.result.candidates.map((c) => `  ${c.checksum} ${c.version ?? ''} ${c.subject}`.trimEnd()),
      `Test one of them by hand and give a verdict for it: grove bisect ${terms.old}|${terms.new} <tree>`,
    ].join('\n');
  }
  return renderResult(a.result, terms);
}

export function renderResult(r: BisectResult, terms: { old: string; new: string }): string {
  const c = r.firstBad;
  const first = terms.new === 'bad' ? 'First bad commit' : `First ${terms.new} commit`;
  const lines = [
    `${first}: ${c.checksum}`,
    `  version ${c.version ?? '(none)'}, ${formatDate(new Date(c.timestamp))} UTC`,
    `  ${c.subject}`,
  ];
  if (r.packageGlobs.length > 0) {
    lines.push(
      `  (first ${terms.new} among commits that change ${r.packageGlobs.join(', ')}; the regression lies after ${label(r.lastGood)})`,
    );
  }
  if (r.unfilteredRange) {
    lines.push(
      `  commits the package filter left out lie between ${label(r.unfilteredRange.from)} and ${label(r.unfilteredRange.to)}`,
    );
  }
  if (r.gapAfterGood) {
    lines.push(
      `  the server pruned history just after ${label(r.lastGood)}: the change may lie in what is missing`,
    );
  }
  if (c.sourceCommit) {
    // Source bisection: a git commit, tested as its build layered onto the base tree.
    lines.push(
      `  author ${c.sourceCommit.author}`,
      `  tested as the OSTree commit ${c.built ?? '(not built)'}`,
    );
  } else {
    lines.push(r.parent ? `Packages changed against ${label(r.parent)}:` : 'Packages:');
    if (r.packages.length === 0) lines.push('  (no package changes)');
    for (const p of r.packages) lines.push(`  ${formatPackageChange(p)}`);
  }
  if (r.parent) {
    lines.push('Files changed:');
    if (r.files.length === 0) lines.push('  (none)');
    for (const f of r.files) lines.push(`  ${f.kind} ${f.path}`);
    if (r.moreFiles > 0)
      lines.push(
        `  … and ${r.moreFiles} more (grove trees diff ${r.parent.checksum.slice(0, 10)} ${c.checksum.slice(0, 10)} --files)`,
      );
  }
  return lines.join('\n');
}

export function renderStatus(v: BisectStatusView): string {
  if (v.state === 'none')
    return `No bisection in progress in ${v.sysroot}. Start one with: grove bisect start <good> <bad>`;
  const lines = [`${v.terms.old}: ${label(v.good!)}   ${v.terms.new}: ${label(v.bad!)}`];
  if (v.packageGlobs.length) lines.push(`only commits that change ${v.packageGlobs.join(', ')}`);
  if (v.missing.length) lines.push(`${v.missing.length} commit(s) the server pruned were left out`);
  for (const t of v.tested)
    lines.push(`  ${t.verdict.padEnd(4)} ${label(t.commit)}${t.source !== 'user' ? ` [${t.source}]` : ''}`);
  if (v.state === 'testing') {
    lines.push(
      `${v.remaining} commit${v.remaining === 1 ? '' : 's'} could still be the first ${v.terms.new} one (roughly ${v.stepsLeft} more step${v.stepsLeft === 1 ? '' : 's'}).`,
    );
    if (v.expected) lines.push(`Next boot: ${label(v.expected)}`);
  } else if (v.result) {
    lines.push(renderResult(v.result, v.terms));
  } else {
    lines.push(`Only skipped commits are left; the first ${v.terms.new} is one of:`);
    for (const c of v.candidates) lines.push(`  ${label(c)}`);
  }
  return lines.join('\n');
}

export function renderView(v: BisectStatusView): string {
  if (v.state === 'none') return renderStatus(v);
  const table = new Table({
    head: ['', 'version', 'date', 'checksum', 'packages', 'verdict'],
    style: { head: [], border: [] },
  });
  let prev: StoredCommit | null = null;
  for (const row of v.rows) {
    const c = row.commit;
    const marker = row.firstBad ? '✗' : row.expected ? '→' : row.possible ? '?' : '';
    const pk = prev ? changedNames(prev, c) : '';
    table.push([
      marker,
      c.version ?? '-',
      formatDate(new Date(c.timestamp)),
      c.checksum.slice(0, 10),
      pk,
      row.verdict ? `${row.verdict}${row.source && row.source !== 'user' ? ` (${row.source})` : ''}` : '',
    ]);
    prev = c;
  }
  return `${table.toString()}\n→ next boot   ✗ first ${v.terms.new}   ? could still be the first ${v.terms.new}`;
}

function changedNames(a: StoredCommit, b: StoredCommit): string {
  const before = new Map((a.packages ?? []).map((p) => [p.name, `${p.version}-${p.release}`]));
  const names = (b.packages ?? [])
    .filter((p) => before.get(p.name) !== `${p.version}-${p.release}`)
    .map((p) => p.name);
  const shown = names.slice(0, 3).join(' ');
  return names.length > 3 ? `${shown} +${names.length - 3}` : shown;
}

/** `grove bisect status --json`, the documented shape. */
export function statusJson(v: BisectStatusView) {
  const brief = (c: StoredCommit) => ({ checksum: c.checksum, version: c.version });
  return {
    state: v.state,
    terms: v.terms,
    good: v.good?.checksum ?? null,
    bad: v.bad?.checksum ?? null,
    expected: v.expected?.checksum ?? null,
    remaining: v.remaining,
    stepsLeft: v.stepsLeft,
    tested: v.tested.map((t) => ({ ...brief(t.commit), verdict: t.verdict, source: t.source })),
    firstBad: v.result
      ? {
          ...brief(v.result.firstBad),
          timestamp: v.result.firstBad.timestamp,
          subject: v.result.firstBad.subject,
          parent: v.result.parent?.checksum ?? null,
          packages: v.result.packages,
          files: v.result.files,
          // Source bisection: the git commit, next to the layered OSTree commit that was tested.
          ...(v.result.firstBad.sourceCommit
            ? { sourceCommit: v.result.firstBad.sourceCommit, built: v.result.firstBad.built ?? null }
            : {}),
        }
      : null,
    candidates: v.state === 'done' && !v.result ? v.candidates.map(brief) : [],
    missing: v.missing,
  };
}
