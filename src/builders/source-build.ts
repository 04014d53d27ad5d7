// Builds one source candidate: a detached git worktree at the commit (never the user's checkout),
// the user's build command run with `sh -c` in its top directory, and the installed files layered
// onto the base tree as a new OSTree commit in the sysroot repo:
//   ostree commit --tree=ref=BASE --tree=dir=DESTDIR --branch=grove/builds/<recipe>/<commit>
// Builds are cached by (commit, recipe, base); a failed build is remembered with its log.
import { createWriteStream, type WriteStream } from 'node:fs';
import { chmod, lstat, mkdir, readdir, rm } from 'node:fs/promises';
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { UserError } from '../errors.js';
import type { GitCommit, GitRepo } from '../git/index.js';
import type { Ostree, Repo } from '../ostree/index.js';
import { run } from '../process/run.js';
import { BuildCache, type BuildFailure } from './source-cache.js';
import type { SourceBuildEvent } from './source-events.js';
import { buildRef, buildVersion, META, recipeHash } from './source-recipe.js';

export interface SourceBuilderOptions {
  ostree: Ostree;
  sysroot: string;
  /** The stateroot whose /var/lib/grove keeps logs and failure records. */
  stateroot: string;
  source: GitRepo;
  /** The user's build command: shell code, passed whole as one argument of `sh -c`. */
  command: string;
  /** OSTree checksum of the tree the builds are layered onto (in the sysroot repo). */
  base: string;
  emit?: (e: SourceBuildEvent) => void;
}

export type BuildOutcome =
  | {
      kind: 'built';
      sourceCommit: string;
      /** The layered OSTree commit. */
      checksum: string;
      version: string | null;
      /** True when it came from the cache (nothing was built). */
      cached: boolean;
      /** Null when cached: the log is that of the build that made it. */
      seconds: number | null;
      log: string;
    }
  | { kind: 'failed'; sourceCommit: string; cached: boolean; failure: BuildFailure };

export interface BuildOptions {
  signal?: AbortSignal;
  /** GROVE_JOBS for this build; default: the number of CPUs. */
  jobs?: number;
}

export class BuildCancelled extends Error {
  override name = 'BuildCancelled';
  constructor(readonly sourceCommit: string) {
    super(`the build of ${sourceCommit.slice(0, 10)} was cancelled`);
  }
}

/** ostree transactions on one repository, one at a time (layering is quick; builds are not). */
const commitLocks = new Map<string, Promise<unknown>>();
function serializedOn<T>(key: string, fn: () => Promise<T>): Promise<T> {
  const prev = commitLocks.get(key) ?? Promise.resolve();
  const next = prev.then(fn, fn);
  commitLocks.set(
    key,
    next.catch(() => undefined),
  );
  return next;
}

export class SourceBuilder {
  readonly recipe: string;
  readonly cache: BuildCache;
  private readonly repo: Repo;
  private baseVersion: Promise<string | null> | null = null;

  constructor(private readonly opts: SourceBuilderOptions) {
    this.recipe = recipeHash(opts.command);
    this.repo = opts.ostree.sysroot(opts.sysroot).repo();
    this.cache = BuildCache.forSysroot(this.repo, opts.sysroot, opts.stateroot);
  }

  get base(): string {
    return this.opts.base;
  }

  /** The cached outcome of a commit (built or failed), without building; null when neither. */
  async lookup(sourceCommit: string): Promise<BuildOutcome | null> {
    const built = await this.cache.lookupBuilt(this.recipe, sourceCommit, this.opts.base);
    if (built) {
      return {
        kind: 'built',
        sourceCommit,
        checksum: built.checksum,
        version: built.version,
        cached: true,
        seconds: null,
        log: this.cache.logFile(this.recipe, sourceCommit),
      };
    }
    const failure = await this.cache.lookupFailure(this.recipe, sourceCommit);
    return failure ? { kind: 'failed', sourceCommit, cached: true, failure } : null;
  }

  /** The layered commit of `commit` (full hash), from the cache or built now. */
  async build(commit: GitCommit, opts: BuildOptions = {}): Promise<BuildOutcome> {
    const emit = this.opts.emit ?? (() => undefined);
    const cached = await this.lookup(commit.hash);
    if (cached) {
      emit(
        cached.kind === 'built'
          ? { kind: 'build-cached', sourceCommit: commit.hash, checksum: cached.checksum }
          : {
              kind: 'build-failed',
              sourceCommit: commit.hash,
              reason: cached.failure.reason,
              log: cached.failure.log,
              cached: true,
            },
      );
      return cached;
    }
    if (opts.signal?.aborted) throw new BuildCancelled(commit.hash);
    const baseVersion = await this.readBaseVersion();
    const name = `${this.recipe}-${commit.hash.slice(0, 12)}`;
    const worktree = join(this.cache.workDir, name);
    const destdir = join(this.cache.workDir, `${name}.dest`);
    const log = this.cache.logFile(this.recipe, commit.hash);
    const jobs = Math.max(1, Math.floor(opts.jobs ?? cpus().length));
    await this.cleanScratch(worktree, destdir);
    await mkdir(destdir, { recursive: true });
    // DESTDIR's own metadata becomes the root directory's in the layered tree.
    await chmod(destdir, 0o755);
    await mkdir(dirname(log), { recursive: true });
    const out = createWriteStream(log);
    const started = Date.now();
    try {
      emit({ kind: 'build-start', sourceCommit: commit.hash, log, jobs });
      logLine(out, `# grove build-start ${new Date(started).toISOString()} ${commit.hash} ${commit.subject}`);
      logLine(out, `# grove command: ${this.opts.command}`);
      await this.opts.source.addWorktree(worktree, commit.hash);
      const r = await run(['sh', '-c', this.opts.command], {
        cwd: worktree,
        env: { GROVE_DESTDIR: destdir, GROVE_COMMIT: commit.hash, GROVE_JOBS: String(jobs) },
        allowFailure: true,
        signal: opts.signal,
        onStdoutLine: (l) => logLine(out, l),
        onStderrLine: (l) => logLine(out, l),
      });
      const seconds = (Date.now() - started) / 1000;
      if (opts.signal?.aborted) {
        logLine(out, `# grove build-cancelled ${new Date().toISOString()}`);
        throw new BuildCancelled(commit.hash);
      }
      const installed = r.exitCode === 0 && !r.signal ? await treeBytes(destdir) : null;
      const status = r.signal ? `killed by ${r.signal}` : `exit ${r.exitCode}`;
      logLine(out, `# grove build-end ${new Date().toISOString()} ${status} ${seconds.toFixed(3)}s`);
      if (installed === null || installed.entries === 0) {
        const reason =
          installed === null
            ? `the build command ${r.timedOut ? 'timed out' : status}`
            : 'the build command succeeded but installed nothing into $GROVE_DESTDIR';
        const failure = await this.cache.recordFailure({
          sourceCommit: commit.hash,
          recipe: this.recipe,
          command: this.opts.command,
          base: this.opts.base,
          at: new Date().toISOString(),
          exitCode: r.exitCode,
          signal: r.signal,
          reason,
          log,
          seconds,
        });
        emit({ kind: 'build-failed', sourceCommit: commit.hash, reason, log, cached: false });
        return { kind: 'failed', sourceCommit: commit.hash, cached: false, failure };
      }
      if (opts.signal?.aborted) throw new BuildCancelled(commit.hash);
      const version = buildVersion(baseVersion, commit.hash);
      emit({ kind: 'build-layer', sourceCommit: commit.hash, bytes: installed.bytes });
      const checksum = await serializedOn(this.repo.path, () =>
        this.repo.commit({
          branch: buildRef(this.recipe, commit.hash),
          // Not the base as parent: a build is a tree of its own, and a parent would keep the
          // base's history alive for as long as the build is cached.
          parent: 'none',
          trees: [{ ref: this.opts.base }, { dir: destdir }],
          subject: `${commit.subject} (${commit.hash.slice(0, 10)}) on ${baseVersion ?? this.opts.base.slice(0, 10)}`,
          body: `Built by grove from ${commit.hash} by ${commit.author}, ${commit.date}.`,
          metadataStrings: {
            version,
            [META.sourceCommit]: commit.hash,
            [META.sourceSubject]: commit.subject,
            [META.sourceRepo]: this.opts.source.dir,
            [META.recipe]: this.recipe,
            [META.command]: this.opts.command,
            [META.base]: this.opts.base,
            [META.bytes]: String(installed.bytes),
            [META.seconds]: seconds.toFixed(3),
          },
          consume: true,
          // Files a non-root build installs belong to root in the tree, as a package's would.
          // (As root this is skipped: the option makes ostree 2022.7 re-read the whole base.)
          ...(process.getuid?.() === 0 ? {} : { ownerUid: 0, ownerGid: 0 }),
        }),
      );
      await this.cache.forgetFailure(this.recipe, commit.hash);
      emit({ kind: 'build-done', sourceCommit: commit.hash, checksum, seconds });
      return { kind: 'built', sourceCommit: commit.hash, checksum, version, cached: false, seconds, log };
    } finally {
      await new Promise<void>((resolve) => out.end(resolve));
      await this.cleanScratch(worktree, destdir).catch(() => undefined);
    }
  }

  private readBaseVersion(): Promise<string | null> {
    this.baseVersion ??= (async () => {
      const have = await this.repo.hasCommit(this.opts.base);
      if (!have.present || have.partial) {
        throw new UserError(
          `the base tree ${this.opts.base.slice(0, 10)} is not (fully) in ${this.repo.path}. Deploy or pull it first (grove trees add), then build again.`,
        );
      }
      return (await this.repo.show(this.opts.base)).version;
    })();
    return this.baseVersion;
  }

  private async cleanScratch(worktree: string, destdir: string): Promise<void> {
    await this.opts.source.removeWorktree(worktree);
    await rm(worktree, { recursive: true, force: true });
    await rm(destdir, { recursive: true, force: true });
  }
}

function logLine(out: WriteStream, line: string): void {
  out.write(line.endsWith('\n') ? line : `${line}\n`);
}

/** Files, links and directories under `dir`, and the bytes of the files. */
async function treeBytes(dir: string): Promise<{ entries: number; bytes: number }> {
  let entries = 0;
  let bytes = 0;
  const walk = async (d: string): Promise<void> => {
    for (const e of await readdir(d, { withFileTypes: true })) {
      entries++;
      const p = join(d, e.name);
      if (e.isDirectory()) await walk(p);
      else if (e.isFile()) bytes += (await lstat(p)).size;
    }
  };
  await walk(dir);
  return { entries, bytes };
}
