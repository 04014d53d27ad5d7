// Where source builds are kept. Successful builds are OSTree commits in the sysroot repo under
// grove/builds/<recipe>/<commit> (their metadata names the base); failed builds are small JSON
// records beside their logs in the stateroot's /var/lib/grove/builds, so a commit that does not
// build is not built again.
import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Repo } from '../ostree/index.js';
import { readJsonFile, writeJsonDurably } from '../state/atomic-file.js';
import { groveVarDir } from '../state/paths.js';
import {
  buildMetadata,
  buildRef,
  BUILD_REF_PREFIX,
  parseBuildRef,
  type BuildMetadata,
} from './source-recipe.js';

export const FAILURE_SCHEMA = 1;

export interface BuildFailure {
  schema: typeof FAILURE_SCHEMA;
  sourceCommit: string;
  recipe: string;
  command: string;
  /** The base it would have been layered on (a failed build does not depend on it). */
  base: string;
  /** ISO 8601 */
  at: string;
  exitCode: number | null;
  signal: string | null;
  /** One line: what went wrong. */
  reason: string;
  log: string;
  seconds: number;
}

/** A build in the cache, as `grove builds list` shows it. */
export type CachedBuild =
  | ({ ok: true; ref: string; checksum: string; version: string | null; builtAt: string } & BuildMetadata)
  | { ok: false; failure: BuildFailure; file: string };

export class BuildCache {
  constructor(
    readonly repo: Repo,
    /** `<grove var dir>/builds` of one stateroot. */
    readonly dir: string,
  ) {}

  static forSysroot(repo: Repo, sysroot: string, stateroot: string): BuildCache {
    return new BuildCache(repo, join(groveVarDir(sysroot, stateroot), 'builds'));
  }

  logFile(recipe: string, sourceCommit: string): string {
    return join(this.dir, 'logs', recipe, `${sourceCommit}.log`);
  }

  failureFile(recipe: string, sourceCommit: string): string {
    return join(this.dir, 'failed', recipe, `${sourceCommit}.json`);
  }

  /** Scratch space for worktrees and install directories. */
  get workDir(): string {
    return join(this.dir, 'work');
  }

  /** The layered commit of (commit, recipe) on `base`, if it is cached; null otherwise. */
  async lookupBuilt(
    recipe: string,
    sourceCommit: string,
    base: string,
  ): Promise<{ checksum: string; version: string | null; meta: BuildMetadata } | null> {
    const checksum = await this.repo.tryRevParse(buildRef(recipe, sourceCommit));
    if (!checksum) return null;
    const info = await this.repo.show(checksum);
    const meta = buildMetadata(info);
    if (!meta || meta.base !== base || meta.recipe !== recipe || meta.sourceCommit !== sourceCommit)
      return null;
    return { checksum, version: info.version, meta };
  }

  async lookupFailure(recipe: string, sourceCommit: string): Promise<BuildFailure | null> {
    const f = await readJsonFile<BuildFailure>(
      this.failureFile(recipe, sourceCommit),
      'build failure record',
    );
    return f && f.schema === FAILURE_SCHEMA ? f : null;
  }

  async recordFailure(f: Omit<BuildFailure, 'schema'>): Promise<BuildFailure> {
    const record: BuildFailure = { schema: FAILURE_SCHEMA, ...f };
    await writeJsonDurably(this.failureFile(f.recipe, f.sourceCommit), record);
    return record;
  }

  async forgetFailure(recipe: string, sourceCommit: string): Promise<void> {
    await rm(this.failureFile(recipe, sourceCommit), { force: true });
  }

  /** Every cached build and remembered failure, newest first. */
  async list(): Promise<CachedBuild[]> {
    const out: CachedBuild[] = [];
    for (const ref of await this.repo.refs({ prefix: BUILD_REF_PREFIX })) {
      if (!parseBuildRef(ref)) continue;
      const info = await this.repo.show(ref);
      const meta = buildMetadata(info);
      if (!meta) continue;
      out.push({
        ok: true,
        ref,
        checksum: info.checksum,
        version: info.version,
        builtAt: info.timestamp.toISOString(),
        ...meta,
      });
    }
    for (const file of await this.failureFiles()) {
      const failure = await readJsonFile<BuildFailure>(file, 'build failure record');
      if (failure && failure.schema === FAILURE_SCHEMA) out.push({ ok: false, failure, file });
    }
    const when = (b: CachedBuild) => (b.ok ? b.builtAt : b.failure.at);
    return out.sort((a, b) => (when(a) < when(b) ? 1 : when(a) > when(b) ? -1 : 0));
  }

  /**
   * Removes cached builds (refs, logs) and failure records made before `olderThan` (all without
   * it), then deletes the objects nothing else refers to. Deployments are kept by their own
   * `ostree/B/S/N` refs, and bisect candidates by grove/bisect/ ones.
   */
  async clear(
    opts: { olderThan?: Date } = {},
  ): Promise<{ builds: number; failures: number; freedBytes: number }> {
    const cutoff = opts.olderThan?.getTime() ?? Infinity;
    let builds = 0;
    let failures = 0;
    for (const b of await this.list()) {
      const at = Date.parse(b.ok ? b.builtAt : b.failure.at);
      if (!(at < cutoff)) continue;
      if (b.ok) {
        await this.repo.refDelete(b.ref);
        await rm(this.logFile(b.recipe, b.sourceCommit), { force: true });
        builds++;
      } else {
        await rm(b.file, { force: true });
        await rm(b.failure.log, { force: true });
        failures++;
      }
    }
    const pruned = builds > 0 ? await this.repo.prune({ refsOnly: true }) : null;
    return { builds, failures, freedBytes: pruned?.freedBytes ?? 0 };
  }

  private async failureFiles(): Promise<string[]> {
    const root = join(this.dir, 'failed');
    const files: string[] = [];
    for (const recipe of await readdir(root).catch(() => [] as string[])) {
      for (const f of await readdir(join(root, recipe)).catch(() => [] as string[])) {
        if (f.endsWith('.json')) files.push(join(root, recipe, f));
      }
    }
    return files;
  }
}
