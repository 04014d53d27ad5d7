// Lists a build server's commits between a good and a bad tree by reading `.commit` objects over
// HTTP, parent by parent from bad, instead of `ostree pull --commit-metadata-only --depth=-1`.
// The chain is inherently sequential (each object names the next), so the cost is one round trip
// per commit: connections are kept alive, good is fetched alongside bad, nothing is fetched twice,
// and the walk stops at good (never past it). Every object is checked against its checksum.
import { UserError } from '../errors.js';
import { createHttpClient, isNotFound, type HttpClient } from '../http/index.js';
import { commitChecksum, InvalidCommitObject, parseCommitObject } from '../ostree/commit-object.js';
import type { Package } from '../ostree/index.js';
import {
  CorruptRemoteObject,
  NotAncestor,
  RemoteCommitNotFound,
  RemoteRefNotFound,
} from './remote-history-errors.js';
import { commitObjectUrl, isChecksum, refUrl } from './repo-url.js';

export {
  CorruptRemoteObject,
  NotAncestor,
  RemoteCommitNotFound,
  RemoteRefNotFound,
} from './remote-history-errors.js';

export interface RemoteCommit {
  checksum: string;
  parent: string | null;
  version: string | null;
  timestamp: Date;
  subject: string;
  body: string;
  rootTree: string;
  rootMeta: string;
  packages: Package[] | null;
}

export interface HistoryRange {
  /** Oldest first: good first, bad last. */
  commits: RemoteCommit[];
  /** Commits the server pruned inside the range (404): reported, left out. */
  missing: Array<{ checksum: string; reason: string }>;
  /**
   * The walk could not reach good because of missing history: the commits between good and the
   * first known one (`commits[1]`) are unknown.
   */
  gapAfterGood: boolean;
}

export interface ListProgress {
  kind: 'list';
  /** Commits read from the server so far in the walk from bad. */
  fetched: number;
  /** The most the walk will read. */
  maxDepth?: number;
}

export interface RemoteOptions {
  /** Default: a client created for the call and closed after it. */
  http?: HttpClient;
  signal?: AbortSignal;
  /** Commits already read, by checksum; read and filled. Lets several calls share work. */
  cache?: Map<string, RemoteCommit>;
}

export interface ListRangeOptions extends RemoteOptions {
  baseUrl: string;
  /** A full checksum, or a ref on the server. */
  good: string;
  /** A full checksum, or a ref on the server. */
  bad: string;
  onProgress?: (e: ListProgress) => void;
  /** Most commits to read walking from bad. Default 10000. */
  maxCommits?: number;
}

export const DEFAULT_MAX_COMMITS = 10_000;

export async function listRange(opts: ListRangeOptions): Promise<HistoryRange> {
  return withClient(opts, async (ctx) => {
    const maxCommits = opts.maxCommits ?? DEFAULT_MAX_COMMITS;
    const [good, bad] = await Promise.all([
      resolveRev(opts.baseUrl, opts.good, ctx),
      resolveRev(opts.baseUrl, opts.bad, ctx),
    ]);
    if (good === bad) {
      throw new UserError(
        `good and bad are the same commit (${good}): there is nothing between them to bisect.`,
      );
    }
    // Good is needed in any case (its data, or its date for an error): fetch it while the walk starts.
    const goodCommit = fetchRequired(opts.baseUrl, good, 'good', ctx);
    goodCommit.catch(() => undefined); // awaited below; don't let an early walk error leave it unhandled
    const walked: RemoteCommit[] = [await fetchRequired(opts.baseUrl, bad, 'bad', ctx)];
    opts.onProgress?.({ kind: 'list', fetched: 1, maxDepth: maxCommits });
    const missing: HistoryRange['missing'] = [];
    let next = walked[0]!.parent;
    while (next !== good) {
      if (next === null || walked.length >= maxCommits) {
        const g = await goodCommit;
        throw new NotAncestor(g, walked[0]!, next === null ? 'root' : 'limit', walked.length);
      }
      const c = await fetchCommit(opts.baseUrl, next, ctx);
      if (c === null) {
        // A pruned object also hides its parent: the history below it cannot be read.
        missing.push({
          checksum: next,
          reason: `not on the server (HTTP 404 for ${commitObjectUrl(opts.baseUrl, next)}): pruned history`,
        });
        break;
      }
      walked.push(c);
      opts.onProgress?.({ kind: 'list', fetched: walked.length, maxDepth: maxCommits });
      next = c.parent;
    }
    return { commits: [await goodCommit, ...walked.reverse()], missing, gapAfterGood: missing.length > 0 };
  });
}

/** The checksum a ref of the server points to (`refs/heads/<ref>`). */
export async function resolveRemoteRef(
  baseUrl: string,
  ref: string,
  opts: RemoteOptions = {},
): Promise<string> {
  return withClient(opts, async (ctx) => {
    const url = refUrl(baseUrl, ref);
    const text = await ctx.http.getText(url, { signal: ctx.signal });
    if (isNotFound(text)) throw new RemoteRefNotFound(ref, url);
    const checksum = text.trim();
    if (!isChecksum(checksum)) throw new CorruptRemoteObject(url, 'a ref file must hold one 64-hex checksum');
    return checksum;
  });
}

/** One commit of the server, or null if the server does not have it (404). */
export async function fetchCommit(
  baseUrl: string,
  checksum: string,
  opts: RemoteOptions = {},
): Promise<RemoteCommit | null> {
  const cached = opts.cache?.get(checksum);
  if (cached) return cached;
  if (!isChecksum(checksum))
    throw new UserError(`"${checksum}" is not a full commit checksum (64 hex digits).`);
  return withClient(opts, async (ctx) => {
    const url = commitObjectUrl(baseUrl, checksum);
    const res = await ctx.http.get(url, { signal: ctx.signal });
    if (isNotFound(res)) return null;
    const actual = commitChecksum(res.body);
    if (actual !== checksum) throw new CorruptRemoteObject(url, `its checksum is ${actual}`);
    let remote: RemoteCommit;
    try {
      const c = parseCommitObject(res.body);
      remote = {
        checksum,
        parent: c.parent,
        version: c.version,
        timestamp: c.timestamp,
        subject: c.subject,
        body: c.body,
        rootTree: c.rootTree,
        rootMeta: c.rootMeta,
        packages: c.packages,
      };
    } catch (e) {
      if (e instanceof InvalidCommitObject) throw new CorruptRemoteObject(url, e.message);
      throw e;
    }
    ctx.cache?.set(checksum, remote);
    return remote;
  });
}

async function fetchRequired(
  baseUrl: string,
  checksum: string,
  role: string,
  ctx: Ctx,
): Promise<RemoteCommit> {
  const c = await fetchCommit(baseUrl, checksum, ctx);
  if (c === null) throw new RemoteCommitNotFound(role, checksum, commitObjectUrl(baseUrl, checksum));
  return c;
}

async function resolveRev(baseUrl: string, rev: string, ctx: Ctx): Promise<string> {
  return isChecksum(rev.toLowerCase()) ? rev.toLowerCase() : resolveRemoteRef(baseUrl, rev, ctx);
}

type Ctx = RemoteOptions & { http: HttpClient };

async function withClient<T>(opts: RemoteOptions, fn: (ctx: Ctx) => Promise<T>): Promise<T> {
  if (opts.http) return fn({ ...opts, http: opts.http });
  const http = createHttpClient();
  try {
    return await fn({ ...opts, http });
  } finally {
    await http.close();
  }
}
