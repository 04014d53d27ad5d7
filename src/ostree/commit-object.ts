// Reads an ostree `.commit` object, the GVariant `(a{sv}aya(say)sstayay)`:
// metadata, parent checksum (0 or 32 bytes), related objects, subject, body, timestamp,
// root dirtree checksum, root dirmeta checksum. The object's SHA-256 is the commit checksum.
import { decodeGVariant, GVariantError, Variant, type GValue } from './gvariant-binary.js';
import type { Package } from './types.js';

export type { Package } from './types.js';

export const COMMIT_GVARIANT_TYPE = '(a{sv}aya(say)sstayay)';

export interface CommitObject {
  /** Commit metadata with each value taken out of its variant (`x`/`t` values are bigint). */
  metadata: Record<string, unknown>;
  /** Parent commit checksum, hex; null for a root commit. */
  parent: string | null;
  subject: string;
  body: string;
  timestamp: Date;
  /** Root dirtree checksum, hex. */
  rootTree: string;
  /** Root dirmeta checksum, hex. */
  rootMeta: string;
  /** `metadata.version`, when it is a string. */
  version: string | null;
  /** `metadata['rpmostree.rpmdb.pkglist']`, when it is an `a(sssss)`. */
  packages: Package[] | null;
}

/** The bytes are not a commit object (or not the one asked for). */
export class InvalidCommitObject extends Error {
  override name = 'InvalidCommitObject';
}

/** The SHA-256 of an object's bytes, hex: what ostree names it by. */
export function commitChecksum(bytes: Uint8Array): string {
  // node:crypto loads on first use, not at every start of the CLI.
  const { createHash } = process.getBuiltinModule('node:crypto');
  return createHash('sha256').update(bytes).digest('hex');
}

/**
 * Parses a commit object. With `checksum`, also checks that the bytes hash to it, so that a
 * truncated or substituted download is an error rather than wrong history.
 */
export function parseCommitObject(bytes: Uint8Array, checksum?: string): CommitObject {
  const label = checksum ? `commit ${checksum}` : 'commit object';
  if (checksum !== undefined) {
    const actual = commitChecksum(bytes);
    if (actual !== checksum.toLowerCase()) {
      throw new InvalidCommitObject(`${label}: the bytes have checksum ${actual}, not the one asked for`);
    }
  }
  let fields: GValue;
  try {
    // Metadata values are in the committing host's byte order: little-endian everywhere ostree runs.
    fields = decodeGVariant(COMMIT_GVARIANT_TYPE, bytes, { littleEndian: true });
  } catch (e) {
    if (e instanceof GVariantError)
      throw new InvalidCommitObject(`${label} is not a valid commit: ${e.message}`);
    throw e;
  }
  const [meta, parent, , subject, body, timestamp, rootTree, rootMeta] = fields as [
    GValue[][],
    Uint8Array,
    GValue,
    string,
    string,
    bigint,
    Uint8Array,
    Uint8Array,
  ];
  const metadata = Object.fromEntries(meta.map(([k, v]) => [k as string, (v as Variant).value]));
  return {
    metadata,
    parent: parent.length === 0 ? null : checksumHex(parent, 'parent', label),
    subject,
    body,
    // ostree writes the timestamp big-endian whatever the host (GUINT64_TO_BE in ostree-repo-commit.c).
    timestamp: new Date(Number(byteSwap64(timestamp)) * 1000),
    rootTree: checksumHex(rootTree, 'root dirtree', label),
    rootMeta: checksumHex(rootMeta, 'root dirmeta', label),
    version: typeof metadata.version === 'string' ? metadata.version : null,
    packages: packageList(meta),
  };
}

function checksumHex(bytes: Uint8Array, what: string, label: string): string {
  if (bytes.length !== 32)
    throw new InvalidCommitObject(`${label}: ${what} checksum has ${bytes.length} bytes, not 32`);
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}

function byteSwap64(n: bigint): bigint {
  const view = new DataView(new ArrayBuffer(8));
  view.setBigUint64(0, n, true);
  return view.getBigUint64(0, false);
}

const PKGLIST_KEY = 'rpmostree.rpmdb.pkglist';

function packageList(meta: GValue[][]): Package[] | null {
  const entry = meta.findLast(([k]) => k === PKGLIST_KEY);
  const v = entry?.[1];
  if (!(v instanceof Variant) || v.type !== 'a(sssss)') return null;
  return (v.value as string[][]).map(([name = '', epoch = '', version = '', release = '', arch = '']) => ({
    name,
    epoch,
    version,
    release,
    arch,
  }));
}
