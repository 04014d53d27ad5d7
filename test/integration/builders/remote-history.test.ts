// listRange against a generated OS history served over real HTTP on 127.0.0.1, compared with
// what `ostree log` says about the same repository.
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  commitObjectPath,
  pruneHistory,
  serveRepo,
  type FaultOptions,
  type RepoServer,
} from '../../../fixtures/http-server.js';
import { makeOsHistory, type OsHistory } from '../../../fixtures/os-history.js';
import {
  CorruptRemoteObject,
  fetchCommit,
  listRange,
  NotAncestor,
  RemoteCommitNotFound,
  RemoteRefNotFound,
  resolveRemoteRef,
  type ListProgress,
  type RemoteCommit,
} from '../../../src/builders/remote-history.js';
import { createHttpClient, HttpError } from '../../../src/http/index.js';
import { run } from '../../../src/process/run.js';

let dir: string;
let history: OsHistory;
let server: RepoServer;
const csum = (i: number) => history.commits[i]!.checksum;
const ostree = async (...args: string[]) => (await run(['ostree', `--repo=${history.repo}`, ...args])).stdout;
const servers: RepoServer[] = [];
async function serve(faults: FaultOptions = {}, root = history.repo) {
  const s = await serveRepo({ root, faults });
  servers.push(s);
  return s;
}
const ostreeDate = (d: Date) =>
  d
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d+Z$/, ' +0000');
const paths = (s: RepoServer) => s.requests.map((r) => r.path);
const commitRequests = (s: RepoServer) => paths(s).filter((p) => p.endsWith('.commit'));
// Quick retries: the tests are about what is retried, not how long the server is given.
const quickHttp = () => createHttpClient({ retryDelayMs: 5 });

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'grove-remote-history-'));
  history = await makeOsHistory({ dir: join(dir, 'repo'), commits: 32, regressionAt: 20 });
  server = await serve();
});

afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()));
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('listRange', () => {
  it('lists ~30 commits oldest first with their metadata, one GET per commit', async () => {
    const s = await serve();
    const events: ListProgress[] = [];
    const range = await listRange({
      baseUrl: s.url,
      good: csum(1),
      bad: csum(31),
      onProgress: (e) => events.push(e),
    });
    expect(range.missing).toEqual([]);
    expect(range.gapAfterGood).toBe(false);
    expect(range.commits.map((c) => c.checksum)).toEqual(history.commits.slice(1, 32).map((c) => c.checksum));
    range.commits.forEach((c, k) => {
      const f = history.commits[k + 1]!;
      expect(c.version).toBe(f.version);
      expect(c.timestamp).toEqual(f.timestamp);
      expect(c.subject).toBe(f.subject);
      expect(c.packages).toEqual(f.packages);
      expect(c.parent).toBe(history.commits[k]!.checksum);
    });
    // good, then bad and each commit down to good's child: each object once, nothing else.
    expect(commitRequests(s).sort()).toEqual(range.commits.map((c) => commitObjectPath(c.checksum)).sort());
    expect(s.requests).toHaveLength(31);
    expect(events.map((e) => e.fetched)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
    expect(events[0]).toEqual({ kind: 'list', fetched: 1, maxDepth: 10_000 });
  });

  it('agrees with `ostree log` on the same repository', async () => {
    const range = await listRange({ baseUrl: server.url, good: csum(3), bad: csum(28) });
    const log = await ostree('log', csum(28));
    const blocks = log.split(/^(?=commit )/m).filter((b) => b.startsWith('commit '));
    const fromLog = blocks.map((b) => ({
      checksum: /^commit ([0-9a-f]{64})/.exec(b)![1],
      version: /^Version: (.+)$/m.exec(b)?.[1] ?? null,
      date: /^Date: +(.+)$/m.exec(b)![1],
    }));
    const toGood = fromLog.slice(0, fromLog.findIndex((c) => c.checksum === csum(3)) + 1).reverse();
    expect(
      range.commits.map((c) => ({
        checksum: c.checksum,
        version: c.version,
        date: ostreeDate(c.timestamp),
      })),
    ).toEqual(toGood);
    const [, , , , rootTree, rootMeta] = (await ostree('ls', '-C', '-d', csum(28), '/')).trim().split(/\s+/);
    expect(range.commits.at(-1)).toMatchObject({ rootTree, rootMeta });
  });

  it('returns good and bad only when good is the direct parent of bad', async () => {
    const s = await serve();
    const range = await listRange({ baseUrl: s.url, good: csum(9), bad: csum(10) });
    expect(range.commits.map((c) => c.checksum)).toEqual([csum(9), csum(10)]);
    expect(range).toMatchObject({ missing: [], gapAfterGood: false });
    expect(s.requests).toHaveLength(2);
  });

  it('says good is newer when good and bad were given the other way round', async () => {
    const err = await listRange({ baseUrl: server.url, good: csum(20), bad: csum(5) }).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(NotAncestor);
    expect(err).toMatchObject({ reason: 'root', walked: 6 });
    const message = (err as Error).message;
    expect(message).toContain(
      `good ${csum(20).slice(0, 12)} (${history.commits[20]!.version}, 2025-01-06 20:00:00 UTC)`,
    );
    expect(message).toContain(`is not an ancestor of bad ${csum(5).slice(0, 12)}`);
    expect(message).toMatch(/good is newer than bad/);
    expect(message).not.toContain('\n');
  });

  it('says they are on different branches when bad’s history ends without good', async () => {
    // A side branch off commit 5, dated before bad.
    const side = (
      await ostree(
        'commit',
        '--branch=side',
        `--parent=${csum(5)}`,
        `--tree=ref=${csum(5)}`,
        `--timestamp=${ostreeDate(new Date(history.commits[5]!.timestamp.getTime() + 1800_000))}`,
        '--subject=side build',
      )
    ).trim();
    const err = await listRange({ baseUrl: server.url, good: side, bad: csum(12) }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NotAncestor);
    expect((err as Error).message).toMatch(/ends at a root commit after 13 commits without reaching good/);
  });

  it('stops at maxCommits', async () => {
    const s = await serve();
    const err = await listRange({ baseUrl: s.url, good: csum(0), bad: csum(31), maxCommits: 10 }).catch(
      (e: unknown) => e,
    );
    expect(err).toMatchObject({ name: 'NotAncestor', reason: 'limit', walked: 10 });
    expect((err as Error).message).toMatch(/not within 10 commits of bad/);
    expect(commitRequests(s)).toHaveLength(11);
  });

  it('reports a pruned commit in the middle, keeps good, and flags the gap', async () => {
    const s = await serve(pruneHistory(history, 12, 12));
    const range = await listRange({ baseUrl: s.url, good: csum(2), bad: csum(25), http: quickHttp() });
    expect(range.commits.map((c) => c.checksum)).toEqual([
      csum(2),
      ...history.commits.slice(13, 26).map((c) => c.checksum),
    ]);
    expect(range.missing).toEqual([
      { checksum: csum(12), reason: expect.stringMatching(/HTTP 404.*pruned/) },
    ]);
    expect(range.gapAfterGood).toBe(true);
    // A 404 is an answer: asked once, not retried.
    expect(paths(s).filter((p) => p === commitObjectPath(csum(12)))).toHaveLength(1);
  });

  it('retries a 500 and then succeeds', async () => {
    const s = await serve({ fail500: { [commitObjectPath(csum(20))]: 1 } });
    const range = await listRange({ baseUrl: s.url, good: csum(15), bad: csum(25), http: quickHttp() });
    expect(range.commits.map((c) => c.checksum)).toEqual(
      history.commits.slice(15, 26).map((c) => c.checksum),
    );
    expect(paths(s).filter((p) => p === commitObjectPath(csum(20)))).toHaveLength(2);
  });

  it('resolves refs, and says which ref or commit the server lacks', async () => {
    expect(await resolveRemoteRef(server.url, history.ref)).toBe(csum(31));
    const range = await listRange({ baseUrl: server.url + '/', good: csum(29), bad: history.ref });
    expect(range.commits.map((c) => c.checksum)).toEqual([csum(29), csum(30), csum(31)]);
    await expect(resolveRemoteRef(server.url, 'no/such/ref')).rejects.toThrow(RemoteRefNotFound);
    await expect(resolveRemoteRef(server.url, 'no/such/ref')).rejects.toThrow(/No ref "no\/such\/ref"/);
    const absent = 'f'.repeat(64);
    await expect(listRange({ baseUrl: server.url, good: absent, bad: csum(3) })).rejects.toThrow(
      RemoteCommitNotFound,
    );
    await expect(listRange({ baseUrl: server.url, good: csum(3), bad: absent })).rejects.toThrow(
      /bad commit f{64} is not on the server/,
    );
    await expect(listRange({ baseUrl: server.url, good: csum(3), bad: csum(3) })).rejects.toThrow(
      /same commit/,
    );
  });

  it('rejects an object whose checksum is not the one asked for', async () => {
    // A server whose object for commit 8 holds commit 7's bytes.
    const root = join(dir, 'corrupt');
    const object = join(root, commitObjectPath(csum(8)));
    await mkdir(dirname(object), { recursive: true });
    await writeFile(object, await readFile(join(history.repo, commitObjectPath(csum(7)))));
    const s = await serve({}, root);
    const err = await fetchCommit(s.url, csum(8)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CorruptRemoteObject);
    expect((err as Error).message).toBe(
      `The server sent a bad object for ${s.url}${commitObjectPath(csum(8))}: its checksum is ${csum(7)}. ` +
        "Try again; if it persists, the server's repository is damaged.",
    );
  });

  it('turns a connection that breaks on every try into an HttpError naming the URL', async () => {
    const s = await serve({ resetMidBody: [commitObjectPath(csum(6))] });
    const err = await listRange({ baseUrl: s.url, good: csum(4), bad: csum(9), http: quickHttp() }).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(HttpError);
    expect((err as Error).message).toMatch(
      new RegExp(`^GET ${s.url}${commitObjectPath(csum(6))} failed: .* \\(after 4 attempts\\)\\.`),
    );
    expect(paths(s).filter((p) => p === commitObjectPath(csum(6)))).toHaveLength(4);
  });

  it('reads nothing twice with a shared cache', async () => {
    const s = await serve();
    const cache = new Map<string, RemoteCommit>();
    await listRange({ baseUrl: s.url, good: csum(10), bad: csum(20), cache });
    const before = s.requests.length;
    const range = await listRange({ baseUrl: s.url, good: csum(5), bad: csum(20), cache });
    expect(range.commits).toHaveLength(16);
    // Only 9..5 are new (10 is in the cache, as good of the first call).
    expect(s.requests.length - before).toBe(5);
    expect(await fetchCommit(s.url, 'a'.repeat(64))).toBeNull();
  });

  it('stops when aborted', async () => {
    const controller = new AbortController();
    const promise = listRange({
      baseUrl: server.url,
      good: csum(0),
      bad: csum(31),
      signal: controller.signal,
      onProgress: (e) => e.fetched === 3 && controller.abort(),
    });
    await expect(promise).rejects.toMatchObject({ name: 'AbortError' });
  });
});
