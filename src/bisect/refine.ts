// `grove bisect refine --source DIR --build CMD`: after a server bisection ended on a package
// update, bisect that package's source between the two versions: the base is the last good
// server tree, the range the old and new versions' git tags (or --old/--new).
import { UserError } from '../errors.js';
import { GitRepo } from '../git/index.js';
import type { BisectEnv } from './bisect-env.js';
import { findLastStore, findStore } from './find-state.js';
import type { PackageChange } from './package-diff.js';
import { startSourceBisect, type SourceStartOptions, type SourceStartOutcome } from './start-source.js';

export interface RefineOptions extends Omit<SourceStartOptions, 'good' | 'bad' | 'base' | 'baseRemote'> {
  old?: string;
  new?: string;
}

export interface RefineOutcome extends SourceStartOutcome {
  /** Where the range came from: a package's versions and the tags found for them, or --old/--new. */
  range: { package: string | null; old: string; new: string };
  /** The server tree the builds are layered onto (the last good one). */
  base: { checksum: string; version: string | null };
}

export async function refineBisect(env: BisectEnv, opts: RefineOptions): Promise<RefineOutcome> {
  const current = await findStore(env.sysroot);
  const running = current ? await current.load() : null;
  if (running) {
    throw new UserError(
      running.result
        ? `the bisection that found ${running.result.firstBad.version ?? running.result.firstBad.checksum.slice(0, 10)} has not been reset. Run grove bisect reset, then refine.`
        : `a bisection is still running (started ${running.startedAt}). Finish it or end it with grove bisect reset first.`,
    );
  }
  const lastStore = await findLastStore(env.sysroot);
  const last = lastStore ? await lastStore.loadLast() : null;
  if (!last) {
    throw new UserError(
      `no finished bisection to refine in ${env.sysroot}. Bisect the server's trees first: grove bisect start <good> <bad>`,
    );
  }
  if (last.source) {
    throw new UserError('the last bisection was already a source bisection; there is nothing to refine.');
  }
  if (!last.result) {
    throw new UserError(
      `the last bisection did not end on one commit (only skipped commits were left), so there is no package change to refine. Start a source bisection with: grove bisect start --source DIR --build CMD --base TREE GOOD BAD`,
    );
  }
  const git = await GitRepo.open(opts.source);
  const range = await chooseRange(git, last.result.packages, opts);
  const outcome = await startSourceBisect(env, {
    ...opts,
    good: range.old,
    bad: range.new,
    base: last.result.lastGood.checksum,
    baseRemote: last.remote,
  });
  return {
    ...outcome,
    range,
    base: { checksum: last.result.lastGood.checksum, version: last.result.lastGood.version },
  };
}

/** The version of an EVR as rpm prints it (`1:24.2.3-1.fc41` -> `24.2.3`). */
export function upstreamVersion(evr: string): string {
  return evr.replace(/^\d+:/, '').replace(/-[^-]*$/, '');
}

async function chooseRange(
  git: GitRepo,
  changes: readonly PackageChange[],
  opts: RefineOptions,
): Promise<RefineOutcome['range']> {
  if (opts.old !== undefined && opts.new !== undefined)
    return { package: null, old: opts.old, new: opts.new };
  const tried: string[] = [];
  for (const c of changes) {
    if (c.old === null || c.new === null) continue;
    const from = upstreamVersion(c.old);
    const to = upstreamVersion(c.new);
    if (from === to) continue; // a packaging rebuild: no upstream change to bisect
    const prefixes = [...new Set([c.name, c.name.split('-')[0]!])];
    const oldTag = opts.old === undefined ? await git.findVersionTag(from, prefixes) : null;
    const newTag = opts.new === undefined ? await git.findVersionTag(to, prefixes) : null;
    tried.push(`${c.name} ${from} -> ${to}`);
    const old = opts.old ?? oldTag?.tag;
    const neu = opts.new ?? newTag?.tag;
    if (old !== undefined && neu !== undefined) return { package: c.name, old, new: neu };
  }
  throw new UserError(
    tried.length === 0
      ? `the first bad server tree changes no package's upstream version, so there is no source range to guess. Pass it: --old REV --new REV`
      : `no git tags in ${git.dir} match the package versions that changed (${tried.join('; ')}; tried <name>-<version>, <version>, v<version>). Pass the range: --old REV --new REV`,
  );
}
