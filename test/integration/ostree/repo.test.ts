// Repo against real ostree in temp dirs: commit, layering, metadata, log/show, refs, diff, prune,
// pulls over file:// (full, metadata-only with depth) and partial commits.
import { readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CommandFailed } from '../../../src/errors.js';
import { Ostree, type PullProgress, type Repo } from '../../../src/ostree/index.js';
import { removeDir, tempDir, writeTree } from './temp-trees.js';

const PKGLIST = `[('bash', '0', '5.2.15', '2.fc41', 'x86_64'), ('mesa-dri-drivers', '0', '24.2.3', '1.fc41', 'x86_64')]`;

describe('Repo (real ostree)', () => {
  const ostree = new Ostree();
  let dir: string;
  let server: Repo;
  const c: string[] = [];

  beforeAll(async () => {
    dir = await tempDir('repo');
    server = ostree.repo(join(dir, 'server'));
    await server.init('archive');
    // c[0]: base tree with a pkglist
    const base = await writeTree(join(dir, 't0'), { 'usr/bin/a': 'a\n', 'usr/share/doc': 'doc\n' });
    c.push(
      await server.commit({
        branch: 'os/main',
        trees: [{ dir: base }],
        subject: 'Base',
        body: 'First line\nsecond line',
        metadataStrings: { version: '1.0' },
        metadata: { 'rpmostree.rpmdb.pkglist': PKGLIST, 'grove.count': 'uint64 5' },
        timestamp: new Date('2024-05-06T07:08:09Z'),
      }),
    );
    // c[1]: layered: base by ref plus an overlay dir that changes a file and adds one
    const overlay = await writeTree(join(dir, 't1'), {
      'usr/bin/a': 'a2\n',
      'usr/lib/mesa.so': 'x'.repeat(5000),
    });
    c.push(
      await server.commit({
        branch: 'os/main',
        trees: [{ ref: 'os/main' }, { dir: overlay }],
        subject: 'Layer Mesa',
        metadataStrings: { version: '1.1' },
      }),
    );
    // c[2]: same content as c[1] (an empty overlay): same root tree
    const empty = await writeTree(join(dir, 't2'), {});
    c.push(
      await server.commit({
        branch: 'os/main',
        trees: [{ ref: 'os/main' }, { dir: empty }],
        subject: 'Rebuild',
        metadataStrings: { version: '1.2' },
      }),
    );
    await server.summaryUpdate();
  });

  afterAll(async () => {
    await removeDir(dir);
  });

  it('logs newest first with parents, versions and root trees', async () => {
    const log = await server.log('os/main');
    expect(log.map((x) => x.checksum)).toEqual([c[2], c[1], c[0]]);
    expect(log.map((x) => x.parent)).toEqual([c[1], c[0], null]);
    expect(log.map((x) => x.version)).toEqual(['1.2', '1.1', '1.0']);
    expect(log[0]!.rootTree).toBe(log[1]!.rootTree);
    expect(log[1]!.rootTree).not.toBe(log[2]!.rootTree);
  });

  it('shows one commit with everything, matching `ostree show` text', async () => {
    const info = await server.show(c[0]!);
    expect(info).toMatchObject({
      checksum: c[0],
      parent: null,
      subject: 'Base',
      body: 'First line\nsecond line',
      version: '1.0',
    });
    expect(info.timestamp.toISOString()).toBe('2024-05-06T07:08:09.000Z');
    const text = (await ostree.exec(['show', `--repo=${server.path}`, c[0]!])).stdout;
    expect(text).toContain(`ContentChecksum:  ${info.contentChecksum}`);
    expect((await server.show('os/main^')).checksum).toBe(c[1]);
  });

  it('reads metadata keys, numbers as written, and the pkglist', async () => {
    expect(await server.metadataKey(c[0]!, 'grove.count')).toBe('uint64 5');
    // ostree's default byte-swaps: what it prints for a natively written uint64 5.
    expect(await server.metadataKey(c[0]!, 'grove.count', { byteswap: true })).toBe(
      'uint64 360287970189639680',
    );
    expect(await server.metadataKey(c[0]!, 'nope')).toBeNull();
    expect(await server.pkglist(c[0]!)).toEqual([
      { name: 'bash', epoch: '0', version: '5.2.15', release: '2.fc41', arch: 'x86_64' },
      { name: 'mesa-dri-drivers', epoch: '0', version: '24.2.3', release: '1.fc41', arch: 'x86_64' },
    ]);
    expect(await server.pkglist(c[1]!)).toBeNull();
    await expect(server.metadataKey('0'.repeat(64), 'version')).rejects.toBeInstanceOf(CommandFailed);
  });

  it('diffs two commits', async () => {
    expect(await server.diff(c[0]!, c[1]!)).toEqual([
      { kind: 'M', path: '/usr/bin/a' },
      // A new directory is listed itself, then its content.
      { kind: 'A', path: '/usr/lib' },
      { kind: 'A', path: '/usr/lib/mesa.so' },
    ]);
    expect(await server.diff(c[1]!, c[2]!)).toEqual([]);
  });

  it('rev-parses, creates and deletes refs', async () => {
    expect(await server.revParse('os/main^^')).toBe(c[0]);
    await expect(server.revParse('no/such')).rejects.toThrow(/not found/);
    await expect(server.revParse('os/main^^^')).rejects.toBeInstanceOf(CommandFailed);
    expect(await server.tryRevParse('no/such')).toBeNull();
    await server.refCreate('grove/keep', c[0]!);
    await expect(server.refCreate('grove/keep', c[1]!)).rejects.toThrow(/already exists/);
    await server.refCreate('grove/keep', c[1]!, { force: true });
    expect(await server.revParse('grove/keep')).toBe(c[1]);
    expect(await server.refs()).toEqual(['grove/keep', 'os/main']);
    expect(await server.refs({ prefix: 'grove/' })).toEqual(['grove/keep']);
    expect(await server.refs({ prefix: 'gro' })).toEqual(['grove/keep']);
    await server.refDelete('grove/keep');
    expect(await server.refs({ prefix: 'grove/' })).toEqual([]);
  });

  it('returns the tip when skipIfUnchanged skips', async () => {
    const tmp = ostree.repo(join(dir, 'skip'));
    await tmp.init('bare-user');
    const t = await writeTree(join(dir, 'tskip'), { f: '1\n' });
    const a = await tmp.commit({ branch: 'x', trees: [{ dir: t }], subject: 'a' });
    expect(await tmp.commit({ branch: 'x', trees: [{ dir: t }], subject: 'b', skipIfUnchanged: true })).toBe(
      a,
    );
  });

  it('pulls over file:// with progress, and only metadata with a depth', async () => {
    const client = ostree.repo(join(dir, 'client'));
    await client.init('bare-user');
    await client.remoteAdd('origin', `file://${server.path}`);
    await client.remoteAdd('origin', 'file:///elsewhere', { ifNotExists: true });
    expect(await client.remoteList()).toEqual([{ name: 'origin', url: `file://${server.path}` }]);
    expect(await client.remoteUrl('origin')).toBe(`file://${server.path}`);
    expect(await client.remoteUrl('nope')).toBeNull();

    await client.pull('origin', ['os/main'], { commitMetadataOnly: true, depth: -1 });
    expect(await client.hasCommit(c[0]!)).toEqual({ present: true, partial: true });
    expect((await client.log('origin:os/main')).map((x) => x.checksum)).toEqual([c[2], c[1], c[0]]);

    const seen: PullProgress[] = [];
    await client.pull('origin', ['os/main'], { onProgress: (p) => seen.push(p) });
    expect(seen.at(-1)).toMatchObject({ done: true });
    expect(seen.at(-1)!.fetchedObjects).toBeGreaterThan(0);
    expect(await client.hasCommit(c[2]!)).toEqual({ present: true, partial: false });
    expect(await client.hasCommit(c[0]!)).toEqual({ present: true, partial: true });
    expect(await client.hasCommit('f'.repeat(64))).toEqual({ present: false, partial: false });
  });

  it('reports live progress on an HTTP pull (ostree -v object writes, then the summary)', async () => {
    // A minimal static server over the archive repo; the shared fixture server lives in fixtures/.
    const http = createServer((req, res) => {
      const file = join(server.path, decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname));
      readFile(file).then(
        (body) => res.end(body),
        () => res.writeHead(404).end(),
      );
    });
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = http.address() as AddressInfo;
      const client = ostree.repo(join(dir, 'http-client'));
      await client.init('bare-user');
      await client.remoteAdd('origin', `http://127.0.0.1:${port}`);
      const seen: PullProgress[] = [];
      await client.pull('origin', ['os/main'], { depth: -1, onProgress: (p) => seen.push(p) });
      const live = seen.filter((p) => !p.done);
      expect(live.length).toBeGreaterThan(3);
      expect(live.map((p) => p.fetchedObjects)).toEqual([...live.keys()].map((i) => i + 1));
      const last = seen.at(-1)!;
      expect(last.done).toBe(true);
      expect(last.line).toMatch(/content objects fetched; \d+ (B|KiB) transferred/);
      // Live counts come from "write of … complete" lines, which not every object gets (20 fetched,
      // 16 such lines here on 2022.7): approximate while running, exact at the end.
      expect(last.fetchedObjects).toBeGreaterThanOrEqual(live.at(-1)!.fetchedObjects);
      expect(last.bytes).toBeGreaterThan(0);
    } finally {
      await new Promise((resolve) => http.close(resolve));
    }
  });

  it('pulls a depth of history and names the first missing parent', async () => {
    const client = ostree.repo(join(dir, 'shallow'));
    await client.init('bare-user');
    await client.remoteAdd('origin', `file://${server.path}`);
    await client.pull('origin', ['os/main'], { commitMetadataOnly: true, depth: 1 });
    const log = await client.log('origin:os/main');
    expect(log.map((x) => x.checksum)).toEqual([c[2], c[1]]);
    expect(log.at(-1)!.parent).toBe(c[0]);
    expect(await client.hasCommit(c[0]!)).toEqual({ present: false, partial: false });
  });

  it('prunes and reports what it freed', async () => {
    const p = ostree.repo(join(dir, 'prune'));
    await p.init('archive');
    await p.remoteAdd('origin', `file://${server.path}`);
    await p.pull('origin', ['os/main'], { depth: -1 });
    expect((await p.prune({ refsOnly: true })).deletedObjects).toBe(0);
    const r = await p.prune({ refsOnly: true, depth: 0 });
    expect(r.totalObjects).toBeGreaterThan(r.deletedObjects);
    // c[0] and c[1] commits, c[0]'s dirtree for /usr/bin and the old usr/bin/a content...
    expect(r.deletedObjects).toBeGreaterThanOrEqual(2);
    expect(r.freedBytes).toBeGreaterThan(0);
    expect(await p.hasCommit(c[0]!)).toMatchObject({ present: false });
  });

  it('reports failures as CommandFailed with the meaningful stderr line', async () => {
    const missing = ostree.repo(join(dir, 'missing'));
    const err = await missing.refs().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CommandFailed);
    expect((err as CommandFailed).argv).toEqual(['ostree', 'refs', `--repo=${missing.path}`, '--list']);
    expect((err as CommandFailed).message).toMatch(/error: /);
    await rm(join(dir, 'missing'), { recursive: true, force: true });
  });
});
