// One OSTree repository: typed wrappers over `ostree --repo=PATH ...`.
import { access, readFile } from 'node:fs/promises';
import * as nodePath from 'node:path';
import { CommandFailed } from '../errors.js';
import { positional } from './check-arguments.js';
import type { OstreeRunner } from './ostree.js';
import { parseRawLog, parseRawShow } from './parse-commit.js';
import { parseDiff } from './parse-diff.js';
import { parsePkglist } from './parse-pkglist.js';
import { parsePrune } from './parse-prune.js';
import { PullProgressTracker } from './parse-pull-progress.js';
import { parseRemoteList } from './parse-remote-list.js';
import type { CommitInfo, DiffEntry, Package, PruneResult, PullProgress, RepoMode } from './types.js';

export type CommitTree = { dir: string } | { ref: string } | { tar: string };

export interface CommitOptions {
  /** Ref to write. Without `parent`, the ref's current tip becomes the parent. */
  branch?: string;
  /** Write no ref (the commit is only reachable by checksum: prune deletes it). */
  orphan?: boolean;
  /** Parent checksum, or "none". */
  parent?: string;
  /** Layered in order: later trees overwrite earlier ones (`--tree=ref=BASE --tree=dir=BUILD`). */
  trees: CommitTree[];
  subject: string;
  body?: string;
  /** Values in GVariant text, e.g. `[('bash', '0', '5.2', '1', 'x86_64')]` or `uint64 5`. */
  metadata?: Record<string, string>;
  metadataStrings?: Record<string, string>;
  timestamp?: Date;
  /** Prints the branch tip instead of committing when the content is unchanged. */
  skipIfUnchanged?: boolean;
  bootable?: boolean;
  /** Deletes the `dir` trees' content as it is committed. */
  consume?: boolean;
  ownerUid?: number;
  ownerGid?: number;
  generateSizes?: boolean;
}

export interface PullOptions {
  commitMetadataOnly?: boolean;
  /** Parents to fetch; -1 for all. ostree stops silently where the server pruned history. */
  depth?: number;
  /** Progress snapshots; asking for them makes grove run `ostree pull -v` (see parse-pull-progress.ts). */
  onProgress?: (p: PullProgress) => void;
  signal?: AbortSignal;
}

const CHECKSUM = /^[0-9a-f]{64}$/;

export class Repo {
  constructor(
    private readonly exec: OstreeRunner,
    readonly path: string,
  ) {}

  private get repoArg(): string {
    return `--repo=${this.path}`;
  }

  async init(mode: RepoMode): Promise<void> {
    await this.exec(['init', this.repoArg, `--mode=${mode}`]);
  }

  async remoteAdd(
    name: string,
    url: string,
    opts: { gpgVerify?: boolean; ifNotExists?: boolean } = {},
  ): Promise<void> {
    const args = ['remote', 'add', this.repoArg];
    if (!opts.gpgVerify) args.push('--no-gpg-verify');
    if (opts.ifNotExists) args.push('--if-not-exists');
    args.push(positional('remote name', name), positional('remote URL', url));
    await this.exec(args);
  }

  async remoteList(): Promise<Array<{ name: string; url: string }>> {
    const r = await this.exec(['remote', 'list', this.repoArg, '-u']);
    return parseRemoteList(r.stdout);
  }

  /** Null when there is no such remote. */
  async remoteUrl(name: string): Promise<string | null> {
    const r = await this.exec(['remote', 'show-url', this.repoArg, positional('remote name', name)], {
      allowFailure: true,
    });
    if (r.exitCode === 0) return r.stdout.trim();
    if (/not found/i.test(r.stderr)) return null;
    throw new CommandFailed(r.argv, r.exitCode, r.stderr);
  }

  async pull(remote: string, refs: string[], opts: PullOptions = {}): Promise<void> {
    const args = ['pull', this.repoArg];
    if (opts.commitMetadataOnly) args.push('--commit-metadata-only');
    if (opts.depth !== undefined) {
      if (!Number.isSafeInteger(opts.depth) || opts.depth < -1) {
        throw new RangeError(`pull depth must be an integer >= -1, got ${opts.depth}`);
      }
      args.push(`--depth=${opts.depth}`);
    }
    const onProgress = opts.onProgress;
    if (onProgress) args.push('-v');
    args.push(positional('remote name', remote), ...refs.map((r) => positional('ref', r)));
    const tracker = new PullProgressTracker();
    const feed = (line: string) => {
      for (const p of tracker.feed(line)) onProgress?.(p);
    };
    await this.exec(args, {
      signal: opts.signal,
      ...(onProgress ? { onStdoutLine: feed, onStderrLine: feed } : {}),
    });
    if (onProgress && !tracker.current.done) onProgress({ ...tracker.current, done: true });
  }

  /** History from `rev` back, newest first, as far as the repo has it. */
  async log(rev: string): Promise<CommitInfo[]> {
    const r = await this.exec(['log', this.repoArg, '--raw', positional('revision', rev)]);
    return parseRawLog(r.stdout).commits;
  }

  /** One commit, with parent, root dirtree/dirmeta and content checksum, from one `show --raw`. */
  async show(rev: string): Promise<CommitInfo> {
    const r = await this.exec(['show', this.repoArg, '--raw', positional('revision', rev)]);
    return parseRawShow(r.stdout);
  }

  /**
   * Raw GVariant text of a commit metadata key; null when the commit lacks the key.
   * `byteswap: false` (the default) passes -B: numbers read back as `commit --add-metadata` wrote
   * them on this host. `byteswap: true` is ostree's default, right for big-endian values such as
   * those ostree and rpm-ostree themselves write (2022.7 swaps every number on little-endian hosts).
   */
  async metadataKey(rev: string, key: string, opts: { byteswap?: boolean } = {}): Promise<string | null> {
    const args = ['show', this.repoArg, `--print-metadata-key=${key}`];
    if (!opts.byteswap) args.push('-B');
    args.push(positional('revision', rev));
    const r = await this.exec(args, { allowFailure: true });
    if (r.exitCode === 0) return r.stdout.trim();
    if (/No such metadata key/.test(r.stderr)) return null;
    throw new CommandFailed(r.argv, r.exitCode, r.stderr);
  }

  /** `rpmostree.rpmdb.pkglist` (a(sssss)); null when the commit has none. */
  async pkglist(rev: string): Promise<Package[] | null> {
    const text = await this.metadataKey(rev, 'rpmostree.rpmdb.pkglist');
    return text === null ? null : parsePkglist(text);
  }

  /**
   * Ref names, remote ones as `remote:ref`. `prefix` is a plain string prefix, filtered here:
   * `ostree refs PREFIX` matches whole path components only, strips the prefix from what it prints,
   * and rejects a trailing '/' (2022.7). Sorted: ostree prints them in hash-table order.
   */
  async refs(opts: { prefix?: string } = {}): Promise<string[]> {
    const r = await this.exec(['refs', this.repoArg, '--list']);
    const all = r.stdout
      .split('\n')
      .filter((l) => l.length > 0)
      .sort();
    const prefix = opts.prefix;
    return prefix ? all.filter((ref) => ref.startsWith(prefix)) : all;
  }

  async refCreate(name: string, checksum: string, opts: { force?: boolean } = {}): Promise<void> {
    const args = ['refs', this.repoArg, `--create=${positional('ref', name)}`];
    if (opts.force) args.push('--force');
    args.push(positional('checksum', checksum));
    await this.exec(args);
  }

  /** Deleting a ref that does not exist succeeds (2022.7). */
  async refDelete(name: string): Promise<void> {
    await this.exec(['refs', this.repoArg, '--delete', positional('ref', name)]);
  }

  /** The checksum of `rev` (`REF`, `REMOTE:REF`, `REV^`, a checksum); CommandFailed when unknown. */
  async revParse(rev: string): Promise<string> {
    const r = await this.exec(['rev-parse', this.repoArg, positional('revision', rev)]);
    return r.stdout.trim();
  }

  /** Null when `rev` does not resolve ("Refspec 'x' not found", "has no parent"). */
  async tryRevParse(rev: string): Promise<string | null> {
    const r = await this.exec(['rev-parse', this.repoArg, positional('revision', rev)], {
      allowFailure: true,
    });
    return r.exitCode === 0 ? r.stdout.trim() : null;
  }

  /**
   * Whether the commit object is in the repo, and whether it is partial (pulled with
   * --commit-metadata-only, or interrupted). Reads the repo layout directly: no ostree command
   * answers this without printing the commit. Trap (2022.7): a `pull --depth` that reaches a parent
   * the server pruned leaves `state/<csum>.commitpartial` although the commit object never arrived,
   * so partial is only reported for a present commit.
   */
  async hasCommit(checksum: string): Promise<{ present: boolean; partial: boolean }> {
    if (!CHECKSUM.test(checksum)) throw new RangeError(`Not a commit checksum: ${JSON.stringify(checksum)}`);
    const object = nodePath.join(this.path, 'objects', checksum.slice(0, 2), `${checksum.slice(2)}.commit`);
    const present = await exists(object);
    const partial = present && (await exists(nodePath.join(this.path, 'state', `${checksum}.commitpartial`)));
    return { present, partial };
  }

  /**
   * The commit a local ref points to, read from refs/heads without running ostree (a hot path:
   * every bisect deploy checks its ref). Null when the ref does not exist.
   */
  async localRefTarget(name: string): Promise<string | null> {
    if (name.split('/').some((p) => p === '' || p === '.' || p === '..')) {
      throw new RangeError(`Not a ref name: ${JSON.stringify(name)}`);
    }
    try {
      const text = (
        await readFile(nodePath.join(this.path, 'refs', 'heads', ...name.split('/')), 'utf8')
      ).trim();
      return CHECKSUM.test(text) ? text : null;
    } catch {
      return null;
    }
  }

  async diff(a: string, b: string): Promise<DiffEntry[]> {
    const r = await this.exec(['diff', this.repoArg, positional('revision', a), positional('revision', b)]);
    return parseDiff(r.stdout);
  }

  /** Returns the new commit's checksum (or the branch tip when skipIfUnchanged skipped). */
  async commit(opts: CommitOptions): Promise<string> {
    const r = await this.exec(commitArgs(this.path, opts));
    const checksum = r.stdout.trim().split('\n').pop() ?? '';
    if (!CHECKSUM.test(checksum)) {
      throw new Error(`ostree commit printed no checksum: ${JSON.stringify(r.stdout)}`);
    }
    return checksum;
  }

  /** Deletes unreachable objects. `depth` counts parents kept per ref (-1 all, 0 only the tips). */
  async prune(opts: { refsOnly?: boolean; depth?: number } = {}): Promise<PruneResult> {
    const args = ['prune', this.repoArg];
    if (opts.refsOnly) args.push('--refs-only');
    if (opts.depth !== undefined) {
      if (!Number.isSafeInteger(opts.depth) || opts.depth < -1) {
        throw new RangeError(`prune depth must be an integer >= -1, got ${opts.depth}`);
      }
      args.push(`--depth=${opts.depth}`);
    }
    const r = await this.exec(args);
    return parsePrune(r.stdout);
  }

  /**
   * Regenerates `summary`. Needed after every commit or ref change in a repo that others pull
   * from: when a summary exists, `ostree pull` takes ref tips from it, so a stale summary makes
   * clients silently pull the old commit (seen with file:// remotes on 2022.7).
   */
  async summaryUpdate(): Promise<void> {
    await this.exec(['summary', this.repoArg, '-u']);
  }
}

/** The argv of `ostree commit` (exported for tests and --dry-run). */
export function commitArgs(repoPath: string, opts: CommitOptions): string[] {
  if (opts.trees.length === 0) throw new RangeError('commit needs at least one tree');
  if (!opts.branch && !opts.orphan) throw new RangeError('commit needs a branch or orphan: true');
  const args = ['commit', `--repo=${repoPath}`];
  if (opts.branch) args.push(`--branch=${opts.branch}`);
  if (opts.orphan) args.push('--orphan');
  if (opts.parent) args.push(`--parent=${opts.parent}`);
  for (const t of opts.trees) {
    if ('dir' in t) args.push(`--tree=dir=${t.dir}`);
    else if ('ref' in t) args.push(`--tree=ref=${t.ref}`);
    else args.push(`--tree=tar=${t.tar}`);
  }
  args.push(`--subject=${opts.subject}`);
  if (opts.body !== undefined) args.push(`--body=${opts.body}`);
  for (const [k, v] of Object.entries(opts.metadata ?? {}))
    args.push(`--add-metadata=${metadataKeyArg(k)}=${v}`);
  for (const [k, v] of Object.entries(opts.metadataStrings ?? {})) {
    args.push(`--add-metadata-string=${metadataKeyArg(k)}=${v}`);
  }
  // `@SECONDS` is read by ostree's parse_datetime(); no time zone or locale involved.
  if (opts.timestamp) args.push(`--timestamp=@${Math.floor(opts.timestamp.getTime() / 1000)}`);
  if (opts.skipIfUnchanged) args.push('--skip-if-unchanged');
  if (opts.bootable) args.push('--bootable');
  if (opts.consume) args.push('--consume');
  if (opts.ownerUid !== undefined) args.push(`--owner-uid=${opts.ownerUid}`);
  if (opts.ownerGid !== undefined) args.push(`--owner-gid=${opts.ownerGid}`);
  if (opts.generateSizes) args.push('--generate-sizes');
  return args;
}

/** ostree splits KEY=VALUE at the first '=', so a key cannot hold one. */
function metadataKeyArg(key: string): string {
  if (!key || key.includes('=')) throw new RangeError(`Invalid metadata key ${JSON.stringify(key)}`);
  return key;
}

async function exists(p: string): Promise<boolean> {
  try {
    await access(p);
    return true;
  } catch {
    return false;
  }
}
