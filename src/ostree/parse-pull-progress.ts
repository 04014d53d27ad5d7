// Progress of `ostree pull`.
//
// What ostree 2022.7 prints (checked here):
// - Not on a TTY: nothing while pulling, then one summary line on stdout, e.g.
//   "11 metadata, 10 content objects fetched; 902 KiB transferred in 3 seconds; 921.7 kB content written"
//   (`imported` instead of `fetched` for file:// remotes, no "transferred" part then).
// - On a TTY: status lines redrawn in place, each preceded by ESC 7/ESC 8 (save/restore cursor)
//   and padded with spaces, e.g. "Receiving metadata objects: 3/(estimating) 828 bytes/s 828 bytes".
// - With -v (what grove uses when a caller wants progress): "OT: write of <csum>.<type> complete"
//   on stderr for every object written, which is the only live signal without a TTY.
// The tracker below accepts all three and keeps the best numbers seen so far.
import { parseFormattedSize, SIZE_PATTERN } from './parse-size.js';
import type { PullProgress } from './types.js';

const SUMMARY = new RegExp(
  String.raw`^(?:(\d+) delta parts, (\d+) loose fetched|(\d+) metadata, (\d+) content objects (?:fetched|imported))` +
    String.raw`(?: \((\d+) meta, (\d+) content local\))?` +
    String.raw`(?:; (\d+) (B|KiB) transferred in \d+ seconds?)?` +
    String.raw`(?:; ${SIZE_PATTERN} content written)?`,
);
const RECEIVING_METADATA = new RegExp(
  String.raw`^Receiving metadata objects: (\d+)/\(estimating\) \S+[\s\u00a0]\S+/s ${SIZE_PATTERN}`,
);
const RECEIVING_OBJECTS = new RegExp(
  String.raw`^Receiving objects: \d+% \((\d+)/(\d+)\) \S+[\s\u00a0]\S+/s ${SIZE_PATTERN}`,
);
const RECEIVING_DELTAS = new RegExp(String.raw`^Receiving delta parts: (\d+)/(\d+) ${SIZE_PATTERN}/`);
const VERBOSE_WRITE = /^OT: write of [0-9a-f]{64}\.(commit|dirtree|dirmeta|file|filez) complete$/;

// ESC 7 / ESC 8 and CSI sequences that a TTY pull writes between redraws.
// eslint-disable-next-line no-control-regex
const ESCAPES = /\x1b(?:[78]|\[[0-9;?]*[A-Za-z])/g;

/** Splits one chunk of pull output into the status texts it holds (escapes and padding removed). */
export function pullStatusTexts(chunk: string): string[] {
  return chunk
    .split(/\r|\n|\x1b[78]/) // eslint-disable-line no-control-regex
    .map((s) =>
      s
        .replace(ESCAPES, '')
        .replace(/\u00a0/g, ' ')
        .trim(),
    )
    .filter((s) => s.length > 0);
}

/** Parses one status text on its own (no state); null when it carries no progress. */
export function parsePullProgressLine(text: string): PullProgress | null {
  const line = text
    .replace(ESCAPES, '')
    .replace(/\u00a0/g, ' ')
    .trim();
  let m = SUMMARY.exec(line);
  if (m) {
    const metadata = m[3] !== undefined ? Number(m[3]) : undefined;
    const fetched = m[2] !== undefined ? Number(m[2]) : Number(m[3]) + Number(m[4]);
    const local = m[5] !== undefined ? Number(m[5]) + Number(m[6]) : 0;
    const transferred = m[7] !== undefined ? Number(m[7]) * (m[8] === 'KiB' ? 1024 : 1) : null;
    const written = m[9] !== undefined ? parseFormattedSize(`${m[9]} ${m[10]}`) : null;
    const p: PullProgress = {
      fetchedObjects: fetched + local,
      totalObjects: fetched + local,
      bytes: transferred ?? written ?? 0,
      done: true,
      line,
    };
    if (metadata !== undefined) p.metadataObjects = metadata;
    return p;
  }
  m = RECEIVING_METADATA.exec(line);
  if (m) {
    const n = Number(m[1]);
    return {
      fetchedObjects: n,
      totalObjects: null,
      bytes: parseFormattedSize(`${m[2]} ${m[3]}`) ?? 0,
      metadataObjects: n,
      done: false,
      line,
    };
  }
  // Objects and static-delta parts are reported in the same shape: done/total and bytes.
  for (const re of [RECEIVING_OBJECTS, RECEIVING_DELTAS]) {
    m = re.exec(line);
    if (m) {
      return {
        fetchedObjects: Number(m[1]),
        totalObjects: Number(m[2]),
        bytes: parseFormattedSize(`${m[3]} ${m[4]}`) ?? 0,
        done: false,
        line,
      };
    }
  }
  return null;
}

/** Turns the lines of one pull (stdout and stderr, any mode) into monotonic progress snapshots. */
export class PullProgressTracker {
  private written = 0;
  private writtenMetadata = 0;
  private last: PullProgress = { fetchedObjects: 0, totalObjects: null, bytes: 0, done: false, line: '' };

  /** Feeds one line as the runner delivers it; returns the snapshots it produced (often none). */
  feed(chunk: string): PullProgress[] {
    const out: PullProgress[] = [];
    for (const text of pullStatusTexts(chunk)) {
      const p = this.parse(text);
      if (p) out.push(p);
    }
    return out;
  }

  get current(): PullProgress {
    return this.last;
  }

  private parse(text: string): PullProgress | null {
    const w = VERBOSE_WRITE.exec(text);
    if (w) {
      this.written++;
      if (w[1] !== 'file' && w[1] !== 'filez') this.writtenMetadata++;
      return this.merge({
        fetchedObjects: this.written,
        totalObjects: null,
        bytes: 0,
        metadataObjects: this.writtenMetadata,
        done: false,
        line: text,
      });
    }
    if (text.startsWith('OT: ')) return null;
    const p = parsePullProgressLine(text);
    return p ? this.merge(p) : null;
  }

  private merge(p: PullProgress): PullProgress {
    const prev = this.last;
    const next: PullProgress = {
      fetchedObjects: p.done ? p.fetchedObjects : Math.max(prev.fetchedObjects, p.fetchedObjects),
      totalObjects: p.totalObjects ?? prev.totalObjects,
      bytes: p.done ? p.bytes : Math.max(prev.bytes, p.bytes),
      done: p.done,
      line: p.line,
    };
    const meta = p.metadataObjects ?? prev.metadataObjects;
    if (meta !== undefined) next.metadataObjects = p.done ? (p.metadataObjects ?? meta) : meta;
    this.last = next;
    return next;
  }
}
