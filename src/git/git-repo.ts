// The one place grove talks to git (through simple-git). Reads a user's repository (commits
// between two revisions, tags, commit info) and manages grove's own detached worktrees; it never
// changes the user's checkout (working tree, index, HEAD or branches).
import type { SimpleGit, simpleGit } from 'simple-git';
import { UserError } from '../errors.js';
import { gitEnv } from './git-env.js';

export interface GitCommit {
  hash: string;
  /** `Name <email>` */
  author: string;
  /** Author date, ISO 8601 with the author's offset. */
  date: string;
  subject: string;
  /** Parent hashes (two or more for a merge). */
  parents: string[];
}

export interface RangeOptions {
  /** Follow only the first parent of merges (the mainline), as `git log --first-parent`. */
  firstParent?: boolean;
  /** Only commits that descend from `from` (`--ancestry-path`); default true. */
  ancestryPath?: boolean;
}

// NUL separates fields, and a record separator ends each commit: subjects may hold anything else.
const FORMAT = '%H%x00%an <%ae>%x00%aI%x00%s%x00%P%x1e';

export class NotAGitRepository extends UserError {
  override name = 'NotAGitRepository';
  constructor(readonly dir: string) {
    super(
      `${dir} is not a git repository. Point --source at the top of a git checkout (git clone it first).`,
    );
  }
}

export class UnknownRevision extends UserError {
  override name = 'UnknownRevision';
  constructor(
    readonly rev: string,
    readonly dir: string,
  ) {
    super(
      `'${rev}' is not a commit, tag or branch in ${dir}. List tags with: git -C ${dir} tag --list; or fetch them: git -C ${dir} fetch --tags`,
    );
  }
}

export type SimpleGitFactory = typeof simpleGit;

/**
 * simple-git is loaded when a git repository is first opened: only source bisections need it,
 * and every other command (a verdict above all) would pay its load at start-up.
 */
export async function loadSimpleGit(): Promise<SimpleGitFactory> {
  return (await import('simple-git')).simpleGit;
}

export class GitRepo {
  private readonly git: SimpleGit;
  /** Worktree changes write .git/worktrees; one at a time per repository. */
  private worktreeLock: Promise<unknown> = Promise.resolve();

  private constructor(
    readonly dir: string,
    simpleGit: SimpleGitFactory,
  ) {
    this.git = simpleGit({ baseDir: dir, maxConcurrentProcesses: 8 }).env(gitEnv());
  }

  /** Opens the repository whose working tree contains `dir`, rooted at its top directory. */
  static async open(dir: string): Promise<GitRepo> {
    const simpleGit = await loadSimpleGit();
    let top: string;
    try {
      top = (await simpleGit({ baseDir: dir }).env(gitEnv()).revparse(['--show-toplevel'])).trim();
    } catch {
      throw new NotAGitRepository(dir);
    }
    return new GitRepo(top, simpleGit);
  }

  /** The full hash of the commit `rev` names (tags are peeled); UnknownRevision otherwise. */
  async resolve(rev: string): Promise<string> {
    const hash = await this.tryResolve(rev);
    if (hash === null) throw new UnknownRevision(rev, this.dir);
    return hash;
  }

  async tryResolve(rev: string): Promise<string | null> {
    if (rev.startsWith('-') || rev.length === 0) return null;
    try {
      const out = await this.git.raw([
        'rev-parse',
        '--verify',
        '--quiet',
        '--end-of-options',
        `${rev}^{commit}`,
      ]);
      const hash = out.trim();
      return /^[0-9a-f]{40,64}$/.test(hash) ? hash : null;
    } catch {
      return null;
    }
  }

  async commitInfo(rev: string): Promise<GitCommit> {
    const hash = await this.resolve(rev);
    const out = await this.git.raw(['show', '-s', `--format=${FORMAT}`, hash]);
    const [c] = parseLog(out);
    if (!c) throw new Error(`git show printed nothing for ${hash}`);
    return c;
  }

  /**
   * Commits in `from..to`, oldest first: what lies after `from` up to and including `to`. With
   * the default ancestry path, only commits that descend from `from` (what bisect can judge).
   */
  async listRange(from: string, to: string, opts: RangeOptions = {}): Promise<GitCommit[]> {
    const a = await this.resolve(from);
    const b = await this.resolve(to);
    // --topo-order: parents before children even when dates disagree (rebased or merged work).
    const args = ['log', '--reverse', '--topo-order', `--format=${FORMAT}`];
    if (opts.firstParent) args.push('--first-parent');
    if (opts.ancestryPath ?? true) args.push('--ancestry-path');
    args.push(`${a}..${b}`, '--');
    return parseLog(await this.git.raw(args));
  }

  /** Whether `ancestor` is `descendant` or one of its ancestors. */
  async isAncestor(ancestor: string, descendant: string): Promise<boolean> {
    const a = await this.resolve(ancestor);
    const d = await this.resolve(descendant);
    // Not `merge-base --is-ancestor`: simple-git takes its silent exit 1 for success.
    const base = await this.git.raw(['merge-base', a, d]).catch(() => '');
    return base.trim() === a;
  }

  async tags(): Promise<string[]> {
    const out = await this.git.raw(['tag', '--list']);
    return out.split('\n').filter((t) => t.length > 0);
  }

  /**
   * The tag a package version was released as: `<prefix>-<version>`, `<version>`, `v<version>`,
   * `<prefix>-v<version>`, in that order, for each prefix. Null when none exists.
   */
  async findVersionTag(
    version: string,
    prefixes: readonly string[] = [],
  ): Promise<{ tag: string; hash: string } | null> {
    const names = [
      ...prefixes.map((p) => `${p}-${version}`),
      version,
      `v${version}`,
      ...prefixes.map((p) => `${p}-v${version}`),
    ];
    const existing = new Set(await this.tags());
    for (const tag of names) {
      if (!existing.has(tag)) continue;
      const hash = await this.tryResolve(`refs/tags/${tag}`);
      if (hash) return { tag, hash };
    }
    return null;
  }

  /**
   * Checks out `commit` detached in `path` (a directory grove owns, which must not exist) as a
   * linked worktree: the user's checkout is left alone.
   */
  async addWorktree(path: string, commit: string): Promise<void> {
    const hash = await this.resolve(commit);
    await this.serialized(() => this.git.raw(['worktree', 'add', '--detach', '--force', path, hash]));
  }

  /** Removes a worktree made by addWorktree, and git's record of it; a missing one is fine. */
  async removeWorktree(path: string): Promise<void> {
    await this.serialized(async () => {
      await this.git.raw(['worktree', 'remove', '--force', '--force', path]).catch(() => undefined);
      await this.git.raw(['worktree', 'prune']);
    });
  }

  private serialized<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.worktreeLock.then(fn, fn);
    this.worktreeLock = next.catch(() => undefined);
    return next;
  }
}

export function parseLog(out: string): GitCommit[] {
  return out
    .split('\x1e')
    .map((r) => r.replace(/^\n+/, ''))
    .filter((r) => r.length > 0)
    .map((record) => {
      const [hash = '', author = '', date = '', subject = '', parents = ''] = record.split('\x00');
      return {
        hash,
        author,
        date,
        subject,
        parents: parents
          .trim()
          .split(' ')
          .filter((p) => p.length > 0),
      };
    });
}
