import Table from 'cli-table3';
import type { Command } from 'commander';
import type { CachedBuild } from '../../builders/source-cache.js';
import { openContext } from '../context.js';
import { addGlobalOptions } from '../global-options.js';
import { formatBytes, formatDate } from '../render/format.js';
import { openBuildCache } from './builds-cache.js';

export function registerBuildsList(builds: Command): void {
  addGlobalOptions(
    builds.command('list').description('list cached source builds and remembered build failures'),
  ).action(async function (this: Command) {
    const ctx = await openContext(this);
    const list = await (await openBuildCache(ctx)).list();
    ctx.out.result(
      () => renderBuilds(list),
      () => ({ builds: list.map(buildToJson) }),
    );
  });
}

/** Newest first. Pure: returns the string. */
export function renderBuilds(list: readonly CachedBuild[]): string {
  if (list.length === 0) return 'No cached builds.';
  const table = new Table({
    head: ['recipe', 'source commit', 'base', 'version', 'installed', 'date', 'result'],
    style: { head: [], border: [] },
  });
  for (const b of list) {
    if (b.ok) {
      table.push([
        b.recipe.slice(0, 10),
        `${b.sourceCommit.slice(0, 10)} ${truncate(b.sourceSubject ?? '', 40)}`,
        b.base.slice(0, 10),
        b.version ?? '-',
        b.installedBytes === null ? '-' : formatBytes(b.installedBytes),
        formatDate(new Date(b.builtAt)),
        'ok',
      ]);
    } else {
      const f = b.failure;
      table.push([
        f.recipe.slice(0, 10),
        f.sourceCommit.slice(0, 10),
        f.base.slice(0, 10),
        '-',
        '-',
        formatDate(new Date(f.at)),
        `failed: ${truncate(f.reason, 40)} (log: ${f.log})`,
      ]);
    }
  }
  return table.toString();
}

export function buildToJson(b: CachedBuild) {
  if (b.ok) {
    return {
      ok: true,
      recipe: b.recipe,
      command: b.command,
      sourceCommit: b.sourceCommit,
      sourceSubject: b.sourceSubject,
      sourceRepo: b.sourceRepo,
      base: b.base,
      checksum: b.checksum,
      ref: b.ref,
      version: b.version,
      installedBytes: b.installedBytes,
      seconds: b.seconds,
      date: b.builtAt,
    };
  }
  const f = b.failure;
  return {
    ok: false,
    recipe: f.recipe,
    command: f.command,
    sourceCommit: f.sourceCommit,
    base: f.base,
    reason: f.reason,
    exitCode: f.exitCode,
    log: f.log,
    seconds: f.seconds,
    date: f.at,
  };
}

function truncate(s: string, n: number): string {
  return s.length <= n ? s : `${s.slice(0, n - 1)}…`;
}
