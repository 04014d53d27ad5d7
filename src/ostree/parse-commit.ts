// Parses `ostree show --raw REV` and `ostree log --raw REV`: for each commit a line
// `commit <checksum>` followed by the commit GVariant `(a{sv}aya(say)sstayay)` on one line
// (metadata, parent, related, subject, body, timestamp, root dirtree, root dirmeta).
// The raw form is exact where the text form is not (subject/body indentation, dates) and, unlike
// the text form, carries the root dirtree/dirmeta checksums. ostree byte-swaps the whole variant
// on little-endian hosts before printing, so the big-endian timestamp reads correctly (2022.7).
import { bytesToHex, parseGVariant, type GVariantValue } from './parse-gvariant.js';
import type { CommitInfo } from './types.js';

export interface RawLog {
  /** Newest first, as ostree prints them. */
  commits: CommitInfo[];
  /** ostree printed "<< History beyond this commit not fetched >>": the oldest commit's parent is not in the repo. */
  truncated: boolean;
}

export function parseRawLog(stdout: string): RawLog {
  const commits: CommitInfo[] = [];
  let truncated = false;
  let checksum: string | null = null;
  for (const raw of stdout.split('\n')) {
    const line = raw.trim();
    if (!line) continue;
    const head = /^commit ([0-9a-f]{64})$/.exec(line);
    if (head) {
      checksum = head[1]!;
    } else if (line.startsWith('<<') && /not fetched/.test(line)) {
      truncated = true;
    } else if (line.startsWith('(') && checksum) {
      commits.push(commitFromVariant(checksum, parseGVariant(line)));
      checksum = null;
    } else {
      throw new Error(`Unexpected line in ostree raw commit output: ${JSON.stringify(line)}`);
    }
  }
  return { commits, truncated };
}

/** `ostree show --raw REV`: exactly one commit. */
export function parseRawShow(stdout: string): CommitInfo {
  const { commits } = parseRawLog(stdout);
  if (commits.length !== 1)
    throw new Error(`Expected one commit in ostree show --raw output, got ${commits.length}`);
  return commits[0]!;
}

export function commitFromVariant(checksum: string, v: GVariantValue): CommitInfo {
  if (!Array.isArray(v) || v.length < 8) throw new Error(`Commit ${checksum}: not a commit variant`);
  const [meta, parentBytes, , subject, body, timestamp, rootTreeBytes, rootMetaBytes] = v;
  const metadata = isRecord(meta) ? meta : {};
  const parent = bytesToHex(parentBytes ?? null);
  const rootTree = bytesToHex(rootTreeBytes ?? null);
  const rootMeta = bytesToHex(rootMetaBytes ?? null);
  const seconds = typeof timestamp === 'bigint' ? Number(timestamp) : Number(timestamp ?? 0);
  const version = metadata['version'];
  const info: CommitInfo = {
    checksum,
    parent: parent ? parent : null,
    subject: typeof subject === 'string' ? subject : '',
    body: typeof body === 'string' ? body : '',
    timestamp: new Date(seconds * 1000),
    version: typeof version === 'string' ? version : null,
    contentChecksum: rootTree && rootMeta ? contentChecksum(rootTree, rootMeta) : null,
    metadata,
  };
  if (rootTree) info.rootTree = rootTree;
  if (rootMeta) info.rootMeta = rootMeta;
  return info;
}

/** What ostree_commit_get_content_checksum() computes: sha256 over the two binary checksums. */
export function contentChecksum(rootTree: string, rootMeta: string): string {
  // node:crypto loads on first use, not at every start of the CLI.
  const { createHash } = process.getBuiltinModule('node:crypto');
  return createHash('sha256')
    .update(Buffer.from(rootTree, 'hex'))
    .update(Buffer.from(rootMeta, 'hex'))
    .digest('hex');
}

function isRecord(v: GVariantValue | undefined): v is Record<string, GVariantValue> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
