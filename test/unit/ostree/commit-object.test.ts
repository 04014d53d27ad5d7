// Real commit objects, written by the installed ostree into a temp archive repo, read back with
// parseCommitObject and compared with what `ostree` itself says about them.
import { mkdtemp, readFile, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commitChecksum, InvalidCommitObject, parseCommitObject } from '../../../src/ostree/commit-object.js';
import { Variant } from '../../../src/ostree/gvariant-binary.js';
import { run } from '../../../src/process/run.js';

let dir: string;
let repo: string;
const ostree = async (...args: string[]) => (await run(['ostree', `--repo=${repo}`, ...args])).stdout.trim();
const objectBytes = (csum: string) =>
  readFile(join(repo, 'objects', csum.slice(0, 2), `${csum.slice(2)}.commit`));

const PKG =
  '[("mesa-dri-drivers", "0", "24.2.3", "1.fc41", "x86_64"), ("mutter", "0", "47.1", "2.fc41", "x86_64")]';
const MIX =
  '(uint32 258, int64 -5, "héllo", [byte 1, 2], @ms nothing, <1.5>, {"a": <true>}, @as [], ' +
  'objectpath "/a/b", int16 -2, uint16 65535, byte 7, uint64 1234567890123)';
const LONG = 'x'.repeat(70_000);
let root: string;
let child: string;
let big: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'grove-commit-object-'));
  repo = join(dir, 'repo');
  const tree = join(dir, 'tree');
  await mkdir(tree);
  await writeFile(join(tree, 'a'), 'one\n');
  await ostree('init', '--mode=archive');
  const commit = (...args: string[]) => ostree('commit', '--branch=os', `--tree=dir=${tree}`, ...args);
  root = await commit(
    '--add-metadata-string=version=44.0001',
    `--add-metadata=rpmostree.rpmdb.pkglist=${PKG}`,
    `--add-metadata=mix=${MIX}`,
    '--timestamp=2024-10-01 12:00:00 +0000',
    '--subject=First build',
    '--body=The first one.\n\nWith two paragraphs.',
  );
  await writeFile(join(tree, 'b'), 'two\n');
  child = await commit(
    '--timestamp=2024-10-02 08:30:15 +0000',
    '--subject=Second build',
    '--add-metadata-string=version=44.0002',
  );
  big = await commit(
    '--timestamp=2024-10-03 00:00:00 +0000',
    '--subject=',
    `--add-metadata-string=long=${LONG}`,
  );
});

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('parseCommitObject on objects ostree wrote', () => {
  it('reads what `ostree log` and `ostree rev-parse` show', async () => {
    const c = parseCommitObject(await objectBytes(child), child);
    expect(c.parent).toBe(await ostree('rev-parse', `${child}^`));
    expect(c.parent).toBe(root);
    expect(c.subject).toBe('Second build');
    expect(c.body).toBe('');
    expect(c.version).toBe('44.0002');
    expect(c.packages).toBeNull();
    const log = await ostree('log', child);
    expect(log).toContain(`Date:  2024-10-02 08:30:15 +0000`);
    expect(c.timestamp.toISOString()).toBe('2024-10-02T08:30:15.000Z');
    expect(log).toContain('Version: 44.0002');
  });

  it('reads a root commit: no parent, body, root dirtree and dirmeta', async () => {
    const c = parseCommitObject(await objectBytes(root), root);
    expect(c.parent).toBeNull();
    expect(c.subject).toBe('First build');
    expect(c.body).toBe('The first one.\n\nWith two paragraphs.');
    expect(c.timestamp.toISOString()).toBe('2024-10-01T12:00:00.000Z');
    // `ostree ls -C` prints the directory's dirtree then dirmeta checksum.
    const [, , , , tree, meta] = (await ostree('ls', '-C', '-d', root, '/')).split(/\s+/);
    expect(c.rootTree).toBe(tree);
    expect(c.rootMeta).toBe(meta);
  });

  it('reads version and the rpm package list', async () => {
    const c = parseCommitObject(await objectBytes(root));
    expect(c.version).toBe('44.0001');
    expect(await ostree('show', '--print-metadata-key=version', root)).toBe("'44.0001'");
    expect(c.packages).toEqual([
      { name: 'mesa-dri-drivers', epoch: '0', version: '24.2.3', release: '1.fc41', arch: 'x86_64' },
      { name: 'mutter', epoch: '0', version: '47.1', release: '2.fc41', arch: 'x86_64' },
    ]);
    expect(c.metadata['ostree.ref-binding']).toEqual(['os']);
  });

  it('reads metadata of every kind glib serialises, in host (little-endian) byte order', async () => {
    const c = parseCommitObject(await objectBytes(root));
    expect(c.metadata.mix).toEqual([
      258,
      -5n,
      'héllo',
      Uint8Array.from([1, 2]),
      null,
      new Variant('d', 1.5),
      [['a', new Variant('b', true)]],
      [],
      '/a/b',
      -2,
      65535,
      7,
      1234567890123n,
    ]);
  });

  it('reads a commit larger than 64 KiB (4-byte framing offsets)', async () => {
    const bytes = await objectBytes(big);
    expect(bytes.length).toBeGreaterThan(65_536);
    const c = parseCommitObject(bytes, big);
    expect(c.metadata.long).toBe(LONG);
    expect(c.subject).toBe('');
    expect(c.parent).toBe(child);
    expect(c.version).toBeNull();
  });
});

describe('checksums', () => {
  it('are the SHA-256 of the object, as ostree names it', async () => {
    for (const csum of [root, child, big]) expect(commitChecksum(await objectBytes(csum))).toBe(csum);
  });

  it('reject bytes that are not the commit asked for', async () => {
    const bytes = await objectBytes(child);
    expect(() => parseCommitObject(bytes, root)).toThrow(InvalidCommitObject);
    expect(() => parseCommitObject(bytes, root)).toThrow(
      new RegExp(`commit ${root}: the bytes have checksum ${child}`),
    );
  });

  it('reject truncated objects as invalid commits', async () => {
    const bytes = (await objectBytes(child)).subarray(0, 100);
    expect(() => parseCommitObject(bytes)).toThrow(/commit object is not a valid commit/);
  });
});
