// Data types of the ostree module: what the parsers return and the Repo/Sysroot methods take.
import type { GVariantValue } from './parse-gvariant.js';

export type RepoMode = 'archive' | 'bare' | 'bare-user' | 'bare-user-only';

/** One entry of `rpmostree.rpmdb.pkglist` (GVariant type `a(sssss)`); epoch is "0" when unset. */
export interface Package {
  name: string;
  epoch: string;
  version: string;
  release: string;
  arch: string;
}

export interface CommitInfo {
  checksum: string;
  /** Null for a root commit. The parent object itself may be absent (pulled with --depth). */
  parent: string | null;
  subject: string;
  body: string;
  timestamp: Date;
  /** The `version` metadata string, if any. */
  version: string | null;
  /** What `ostree show` prints as ContentChecksum: sha256(root dirtree csum ‖ root dirmeta csum). */
  contentChecksum: string | null;
  /** Root dirtree checksum: equal root trees mean identical content. */
  rootTree?: string;
  rootMeta?: string;
  /**
   * The commit metadata (a{sv}) with variants unwrapped. Numbers are as `ostree show --raw` prints
   * them: converted from big-endian, so a number written natively by `commit --add-metadata` on a
   * little-endian host reads byte-swapped (use metadataKey(..., { byteswap: false }) for those).
   */
  metadata?: Record<string, GVariantValue>;
}

export interface PullProgress {
  /**
   * Objects (metadata + content) fetched so far. Without a TTY it is counted from `pull -v` lines,
   * which not every object produces: an undercount while running, exact in the final (done) one.
   */
  fetchedObjects: number;
  /** Known only from ostree's TTY line "Receiving objects: 45% (x/y)"; null otherwise. */
  totalObjects: number | null;
  /** Bytes transferred so far; ostree prints them rounded (kB, KiB), so this is approximate. */
  bytes: number;
  metadataObjects?: number;
  /** True for the final summary line ("N metadata, M content objects fetched; ..."). */
  done: boolean;
  /** The line this was parsed from (escape sequences and padding removed). */
  line: string;
}

export interface Deployment {
  /** Position in `ostree admin status`: 0 is the default (next boot). Changes after every write. */
  index: number;
  stateroot: string;
  checksum: string;
  serial: number;
  booted: boolean;
  staged: boolean;
  pending: boolean;
  rollback: boolean;
  pinned: boolean;
  version: string | null;
  /** The origin refspec; null for `origin: none` and `origin: <unknown origin type>` (rpm-ostree layering). */
  origin: string | null;
  /** `Unlocked:` state (development, hotfix, transient), null when locked. */
  unlocked: string | null;
  /** Absolute deployment directory: <sysroot>/ostree/deploy/<stateroot>/deploy/<checksum>.<serial> */
  path: string;
  /** Marked `(finalization locked)` (newer ostree, staged deployments only). */
  finalizationLocked?: boolean;
}

export interface PruneResult {
  totalObjects: number;
  deletedObjects: number;
  /** Parsed from ostree's g_format_size text ("1.2 kB"): exact below 1000 bytes, ~3 digits above. */
  freedBytes: number;
}

export interface DiffEntry {
  kind: 'A' | 'D' | 'M';
  path: string;
}
