// The replayable log, like git's BISECT_LOG: every line is a comment or a grove command with
// explicit checksums, so `grove bisect log > f; grove bisect replay f` rebuilds the same state.
import { mkdir, open, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { UserError } from '../errors.js';
import { writeFileDurably } from '../state/atomic-file.js';

/** Appends and fsyncs, so a verdict is on disk before grove deploys anything because of it. */
export async function appendLog(file: string, lines: string[]): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  const fh = await open(file, 'a');
  try {
    await fh.write(lines.map((l) => l + '\n').join(''));
    await fh.sync();
  } finally {
    await fh.close();
  }
}

export async function readLog(file: string): Promise<string> {
  return readFile(file, 'utf8').catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT') return '';
    throw e;
  });
}

export type LogCommand =
  | { kind: 'start'; good: string; bad: string; options: Record<string, string | string[] | boolean> }
  | { kind: 'verdict'; term: string; checksum: string };

/** Parses a log written by grove (or by hand in the same form). Comments and blanks are skipped. */
export function parseLog(text: string): LogCommand[] {
  const out: LogCommand[] = [];
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (!line || line.startsWith('#')) return;
    const words = line.split(/\s+/);
    if (words[0] !== 'grove' || words[1] !== 'bisect' || words.length < 3) {
      throw new UserError(`line ${i + 1} of the log is not a grove bisect command: ${line}`);
    }
    const verb = words[2]!;
    const rest = words.slice(3);
    if (verb === 'start') {
      const options: Record<string, string | string[] | boolean> = {};
      const positional: string[] = [];
      for (let k = 0; k < rest.length; k++) {
        const w = rest[k]!;
        if (!w.startsWith('--')) {
          positional.push(w);
          continue;
        }
        const [name, inline] = w.slice(2).split('=', 2) as [string, string | undefined];
        const value = inline ?? rest[++k];
        if (value === undefined) throw new UserError(`line ${i + 1} of the log: --${name} has no value`);
        const prev = options[name];
        options[name] =
          prev === undefined ? value : [...(Array.isArray(prev) ? prev : [String(prev)]), value];
      }
      if (positional.length !== 2) throw new UserError(`line ${i + 1} of the log: start needs GOOD and BAD`);
      out.push({ kind: 'start', good: positional[0]!, bad: positional[1]!, options });
      return;
    }
    if (rest.length !== 1 || !/^[0-9a-f]{64}$/.test(rest[0]!)) {
      throw new UserError(`line ${i + 1} of the log: '${verb}' needs one full checksum: ${line}`);
    }
    out.push({ kind: 'verdict', term: verb, checksum: rest[0]! });
  });
  return out;
}

/**
 * Takes verdicts back out of the log (after an undo), with the comment line written before each,
 * so that replaying the log gives the state as it is now.
 */
export async function dropFromLog(file: string, checksums: string[]): Promise<void> {
  const lines = (await readLog(file)).split('\n');
  const drop = new Set<number>();
  for (let i = lines.length - 1; i >= 0; i--) {
    const m = /^grove bisect (\S+) ([0-9a-f]{64})$/.exec(lines[i]!.trim());
    if (!m || m[1] === 'start' || !checksums.includes(m[2]!)) continue;
    drop.add(i);
    if (i > 0 && lines[i - 1]!.startsWith('#')) drop.add(i - 1);
    checksums = checksums.filter((c) => c !== m[2]);
    if (checksums.length === 0) break;
  }
  await writeFileDurably(file, lines.filter((_, i) => !drop.has(i)).join('\n'));
}
