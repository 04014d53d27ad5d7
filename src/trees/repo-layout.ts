// Reads a sysroot's (bare) repository straight from its layout: commit and dirtree objects, the
// size of content objects, and ref files. `trees list` needs this to answer in well under a second
// with 50 deployments: one `ostree show` per commit, or one lstat per deployed file, costs seconds.
// Nothing here writes; every write goes through src/ostree.
import { lstat, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseCommitObject, type CommitObject } from '../ostree/commit-object.js';
import { decodeGVariant, parseType } from '../ostree/gvariant-binary.js';

const DIRTREE_TYPE = parseType('(a(say)a(sayay))');

export interface Dirtree {
  /** Content object checksums of the files (regular files and symlinks) directly in this directory. */
  files: string[];
  /** Dirtree checksums of the subdirectories. */
  dirs: string[];
}

export interface ObjectSize {
  /** Allocated bytes (st_blocks × 512), what `du` counts. */
  bytes: number;
  /** Apparent size (st_size). */
  size: number;
  /** Hard links: in a sysroot repo, 1 + the links from deployments. */
  nlink: number;
}

const hex = (b: Uint8Array) => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex');

export class RepoLayout {
  private readonly dirtrees = new Map<string, Promise<Dirtree | null>>();
  private readonly commits = new Map<string, Promise<CommitObject | null>>();
  private readonly sizes = new Map<string, Promise<ObjectSize | null>>();

  constructor(readonly path: string) {}

  objectPath(checksum: string, kind: 'commit' | 'dirtree' | 'dirmeta' | 'file'): string {
    return join(this.path, 'objects', checksum.slice(0, 2), `${checksum.slice(2)}.${kind}`);
  }

  /** The commit object, decoded; null when the repo does not have it (or it is unreadable). */
  commit(checksum: string): Promise<CommitObject | null> {
    let p = this.commits.get(checksum);
    if (!p) {
      p = readFile(this.objectPath(checksum, 'commit')).then(
        (bytes) => parseCommitObject(bytes),
        () => null,
      );
      this.commits.set(checksum, p);
    }
    return p;
  }

  /** A dirtree object; null when missing (a partial, metadata-only commit). */
  dirtree(checksum: string): Promise<Dirtree | null> {
    let p = this.dirtrees.get(checksum);
    if (!p) {
      p = readFile(this.objectPath(checksum, 'dirtree')).then(
        (bytes) => {
          const [files, dirs] = decodeGVariant(DIRTREE_TYPE, bytes) as [
            Array<[string, Uint8Array]>,
            Array<[string, Uint8Array, Uint8Array]>,
          ];
          return { files: files.map((f) => hex(f[1])), dirs: dirs.map((d) => hex(d[1])) };
        },
        () => null,
      );
      this.dirtrees.set(checksum, p);
    }
    return p;
  }

  /** Size of a content object; null when missing. */
  fileSize(checksum: string): Promise<ObjectSize | null> {
    let p = this.sizes.get(checksum);
    if (!p) {
      p = lstat(this.objectPath(checksum, 'file')).then(
        (st) => ({ bytes: st.blocks * 512, size: st.size, nlink: st.nlink }),
        () => null,
      );
      this.sizes.set(checksum, p);
    }
    return p;
  }

  /**
   * Every ref with the commit it points at: `name` for local refs (refs/heads), `remote:name` for
   * remote ones. Read from the ref files (a checksum and a newline each), as ostree itself does.
   */
  async refs(): Promise<Array<{ ref: string; checksum: string }>> {
    const out: Array<{ ref: string; checksum: string }> = [];
    const walk = async (dir: string, prefix: string): Promise<void> => {
      const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
      await Promise.all(
        entries.map(async (e) => {
          const p = join(dir, e.name);
          if (e.isDirectory()) return walk(p, `${prefix}${e.name}/`);
          const text = (await readFile(p, 'utf8').catch(() => '')).trim();
          if (/^[0-9a-f]{64}$/.test(text)) out.push({ ref: `${prefix}${e.name}`, checksum: text });
        }),
      );
    };
    await walk(join(this.path, 'refs', 'heads'), '');
    const remotes = await readdir(join(this.path, 'refs', 'remotes'), { withFileTypes: true }).catch(
      () => [],
    );
    await Promise.all(
      remotes
        .filter((r) => r.isDirectory())
        .map((r) => walk(join(this.path, 'refs', 'remotes', r.name), `${r.name}:`)),
    );
    return out.sort((a, b) => (a.ref < b.ref ? -1 : a.ref > b.ref ? 1 : 0));
  }
}
