import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GitRepo, GitWriter, NotAGitRepository, UnknownRevision, parseLog } from '../../../src/git/index.js';
import { tempDir } from '../../helpers/temp-dir.js';

const me = { name: 'Test Author', email: 'test@example.org' };
const at = (h: number) => new Date(Date.UTC(2024, 0, 1, h));

// A small history with a merge:  a - b - m - d  (main), with c on a topic branch off b, merged at m.
describe('git module', () => {
  let dir: { path: string; cleanup: () => Promise<void> };
  let hashes: Record<string, string>;
  let repo: GitRepo;

  beforeAll(async () => {
    dir = await tempDir();
    const w = await GitWriter.init(dir.path, me);
    const edit = (name: string, text: string) => writeFile(join(dir.path, name), text);
    hashes = {};
    await edit('f', 'a\n');
    hashes.a = await w.commitAll('a: first', at(0));
    await w.tag('v1.0');
    await w.tag('comp-1.1');
    await edit('f', 'b\n');
    hashes.b = await w.commitAll('b: second', at(1));
    await w.checkout('topic', { create: true });
    await edit('g', 'c\n');
    hashes.c = await w.commitAll('c: on a topic', at(2));
    await w.checkout('main');
    hashes.m = await w.merge('topic', 'Merge branch topic', at(3));
    await edit('f', 'd\n');
    hashes.d = await w.commitAll('d: "quotes", tabs\tand ünïcode', at(4), { name: 'Other', email: 'o@x' });
    await w.tag('2.0');
    repo = await GitRepo.open(join(dir.path));
  });
  afterAll(() => dir.cleanup());

  it('lists a range oldest first, merges included, or the mainline with --first-parent', async () => {
    const all = await repo.listRange('v1.0', 'HEAD');
    expect(all.map((c) => c.hash)).toEqual([hashes.b, hashes.c, hashes.m, hashes.d]);
    const main = await repo.listRange('v1.0', 'HEAD', { firstParent: true });
    expect(main.map((c) => c.hash)).toEqual([hashes.b, hashes.m, hashes.d]);
    expect(main[1]!.parents).toEqual([hashes.b, hashes.c]);
  });

  it('keeps only descendants of the old end with the ancestry path', async () => {
    const fromC = await repo.listRange(hashes.c!, 'HEAD');
    expect(fromC.map((c) => c.hash)).toEqual([hashes.m, hashes.d]);
  });

  it('reads commit info with author, ISO date and a subject that holds anything', async () => {
    const d = await repo.commitInfo('HEAD');
    expect(d).toMatchObject({
      hash: hashes.d,
      author: 'Other <o@x>',
      subject: 'd: "quotes", tabs\tand ünïcode',
      parents: [hashes.m],
    });
    expect(new Date(d.date).toISOString()).toBe(at(4).toISOString());
  });

  it('resolves tags, branches and abbreviations; refuses unknown revisions and options', async () => {
    expect(await repo.resolve('v1.0')).toBe(hashes.a);
    expect(await repo.resolve(hashes.b!.slice(0, 8))).toBe(hashes.b);
    expect(await repo.resolve('topic')).toBe(hashes.c);
    expect(await repo.tryResolve('nope')).toBeNull();
    expect(await repo.tryResolve('--all')).toBeNull();
    await expect(repo.resolve('nope')).rejects.toBeInstanceOf(UnknownRevision);
    expect(await repo.isAncestor('v1.0', 'HEAD')).toBe(true);
    expect(await repo.isAncestor('HEAD', 'v1.0')).toBe(false);
  });

  it('finds the tag of a package version in the usual spellings', async () => {
    expect(await repo.findVersionTag('1.1', ['comp'])).toEqual({ tag: 'comp-1.1', hash: hashes.a });
    expect(await repo.findVersionTag('1.0', ['comp'])).toEqual({ tag: 'v1.0', hash: hashes.a });
    expect(await repo.findVersionTag('2.0')).toEqual({ tag: '2.0', hash: hashes.d });
    expect(await repo.findVersionTag('3.0', ['comp'])).toBeNull();
  });

  it('checks out detached worktrees elsewhere without touching the checkout', async () => {
    const before = await readFile(join(dir.path, 'f'), 'utf8');
    const wt = join(dir.path, '..', `${dir.path.split('/').pop()}-wt`);
    await mkdir(wt, { recursive: true });
    const a = join(wt, 'a');
    const b = join(wt, 'b');
    // Two at once: worktree changes are serialized inside GitRepo.
    await Promise.all([repo.addWorktree(a, hashes.a!), repo.addWorktree(b, hashes.b!)]);
    expect(await readFile(join(a, 'f'), 'utf8')).toBe('a\n');
    expect(await readFile(join(b, 'f'), 'utf8')).toBe('b\n');
    expect((await GitRepo.open(a)).dir).toBe(a);
    await Promise.all([repo.removeWorktree(a), repo.removeWorktree(b)]);
    expect(await readdir(wt)).toEqual([]);
    await rm(wt, { recursive: true });
    expect(await readFile(join(dir.path, 'f'), 'utf8')).toBe(before);
    expect(await repo.resolve('HEAD')).toBe(hashes.d);
    await repo.removeWorktree(a); // already gone: fine
  });

  it('says what to do when a directory is not a repository', async () => {
    const t = await tempDir();
    try {
      await expect(GitRepo.open(t.path)).rejects.toBeInstanceOf(NotAGitRepository);
    } finally {
      await t.cleanup();
    }
  });
});

describe('parseLog', () => {
  it('splits records on the separator and fields on NUL', () => {
    const out = `${'a'.repeat(40)}\0A <a@x>\x002024-01-01T00:00:00+00:00\0s\0\x1e\n${'b'.repeat(40)}\0B <b@x>\x002024-01-01T01:00:00+00:00\0t\0${'a'.repeat(40)}\x1e\n`;
    expect(parseLog(out)).toEqual([
      {
        hash: 'a'.repeat(40),
        author: 'A <a@x>',
        date: '2024-01-01T00:00:00+00:00',
        subject: 's',
        parents: [],
      },
      {
        hash: 'b'.repeat(40),
        author: 'B <b@x>',
        date: '2024-01-01T01:00:00+00:00',
        subject: 't',
        parents: ['a'.repeat(40)],
      },
    ]);
    expect(parseLog('')).toEqual([]);
  });
});
