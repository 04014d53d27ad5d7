// Writing git history: what fixtures and tests need to make repositories. grove itself never
// commits to a user's repository.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SimpleGit } from 'simple-git';
import { run } from '../process/run.js';
import { gitEnv } from './git-env.js';
import { loadSimpleGit, type SimpleGitFactory } from './git-repo.js';

export interface Identity {
  name: string;
  email: string;
}

/** One commit of a linear history for importHistory: the files it adds or changes. */
export interface ImportCommit {
  message: string;
  author: Identity;
  date: Date;
  files: Record<string, { text: string; executable?: boolean }>;
  /** Lightweight tags to put on this commit. */
  tags?: string[];
}

export class GitWriter {
  private readonly git: SimpleGit;

  private constructor(
    readonly dir: string,
    private readonly identity: Identity,
    simpleGit: SimpleGitFactory,
  ) {
    this.git = simpleGit({ baseDir: dir }).env(this.baseEnv());
  }

  /** `git init` in an existing directory, on branch `branch`. */
  static async init(dir: string, identity: Identity, branch = 'main'): Promise<GitWriter> {
    const w = new GitWriter(dir, identity, await loadSimpleGit());
    await w.git.raw(['init', '--quiet', `--initial-branch=${branch}`]);
    return w;
  }

  /** Commits everything in the working tree (new, changed and deleted files). Returns the hash. */
  async commitAll(message: string, date: Date, author: Identity = this.identity): Promise<string> {
    await this.git.raw(['add', '--all']);
    return this.commit(message, date, author, ['--allow-empty']);
  }

  /** A merge of `branch` into the current branch (no fast-forward). */
  async merge(branch: string, message: string, date: Date): Promise<string> {
    const env = this.dateEnv(date, this.identity);
    await this.git
      .env({ ...this.baseEnv(), ...env })
      .raw(['merge', '--no-ff', '--no-gpg-sign', '--quiet', '-m', message, branch]);
    return this.head();
  }

  /**
   * Writes a linear history onto `branch` with one `git fast-import` (a hundred commits in a
   * fraction of a second, where a process per commit takes seconds), then checks it out. Returns
   * the commit hashes in order. fast-import reads the history on stdin, which simple-git cannot
   * give, so it runs through grove's process runner.
   */
  async importHistory(commits: readonly ImportCommit[], branch = 'main'): Promise<string[]> {
    const chunks: string[] = [];
    const data = (text: string) => `data ${Buffer.byteLength(text)}\n${text}\n`;
    const who = (id: Identity, date: Date) =>
      `${id.name} <${id.email}> ${Math.floor(date.getTime() / 1000)} +0000`;
    commits.forEach((c, i) => {
      chunks.push(`commit refs/heads/${branch}\nmark :${i + 1}\n`);
      chunks.push(`author ${who(c.author, c.date)}\ncommitter ${who(this.identity, c.date)}\n`);
      chunks.push(data(c.message));
      for (const [path, f] of Object.entries(c.files)) {
        if (/[\n"]/.test(path) || path.startsWith('/'))
          throw new RangeError(`cannot import path ${JSON.stringify(path)}`);
        chunks.push(`M ${f.executable ? '100755' : '100644'} inline ${path}\n`, data(f.text));
      }
      chunks.push('\n');
      for (const tag of c.tags ?? []) chunks.push(`reset refs/tags/${tag}\nfrom :${i + 1}\n\n`);
    });
    const scratch = await mkdtemp(join(tmpdir(), 'grove-git-import-'));
    try {
      const marks = join(scratch, 'marks');
      await run(['git', '-C', this.dir, 'fast-import', '--quiet', `--export-marks=${marks}`], {
        input: chunks.join(''),
        env: this.baseEnv(),
      });
      const byMark = new Map<number, string>();
      for (const line of (await readFile(marks, 'utf8')).split('\n')) {
        const m = /^:(\d+) ([0-9a-f]{40,64})$/.exec(line);
        if (m) byMark.set(Number(m[1]), m[2]!);
      }
      await this.git.raw(['checkout', '--quiet', '--force', branch]);
      return commits.map((_, i) => {
        const hash = byMark.get(i + 1);
        if (!hash) throw new Error(`git fast-import did not report commit ${i + 1}`);
        return hash;
      });
    } finally {
      await rm(scratch, { recursive: true, force: true });
    }
  }

  async checkout(branch: string, opts: { create?: boolean } = {}): Promise<void> {
    await this.git.raw(opts.create ? ['checkout', '--quiet', '-b', branch] : ['checkout', '--quiet', branch]);
  }

  async tag(name: string, rev = 'HEAD'): Promise<void> {
    await this.git.raw(['tag', name, rev]);
  }

  async head(): Promise<string> {
    return (await this.git.raw(['rev-parse', 'HEAD'])).trim();
  }

  private async commit(message: string, date: Date, author: Identity, extra: string[]): Promise<string> {
    await this.git
      .env({ ...this.baseEnv(), ...this.dateEnv(date, author) })
      .raw(['commit', '--quiet', '--no-verify', '--no-gpg-sign', ...extra, '-m', message]);
    return this.head();
  }

  /** Identity and dates come from the environment and signing is off: the same history on any machine. */
  private baseEnv(): Record<string, string> {
    return gitEnv({ GIT_CONFIG_NOSYSTEM: '1' });
  }

  private dateEnv(date: Date, author: Identity): Record<string, string> {
    const when = `${Math.floor(date.getTime() / 1000)} +0000`;
    return {
      GIT_AUTHOR_NAME: author.name,
      GIT_AUTHOR_EMAIL: author.email,
      GIT_AUTHOR_DATE: when,
      GIT_COMMITTER_NAME: this.identity.name,
      GIT_COMMITTER_EMAIL: this.identity.email,
      GIT_COMMITTER_DATE: when,
    };
  }
}
