// State files are written whole or not at all, and reach the disk before grove does anything
// that depends on them (deploy, reboot): write-file-atomic writes a temp file, fsyncs it, renames
// it over the target and (with fsync on) syncs the result.
import { mkdir, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type WriteFileAtomic from 'write-file-atomic';
import { UserError } from '../errors.js';

export async function writeFileDurably(path: string, data: string): Promise<void> {
  // Loaded on the first write, not at start-up: read-only commands never write (it loads
  // node:worker_threads). CommonJS (`module.exports = writeFile`): the function is the default.
  const { default: writeFileAtomic } = (await import('write-file-atomic')) as unknown as {
    default: typeof WriteFileAtomic;
  };
  await mkdir(dirname(path), { recursive: true });
  await writeFileAtomic(path, data, { fsync: true });
}

export async function writeJsonDurably(path: string, value: unknown): Promise<void> {
  await writeFileDurably(path, JSON.stringify(value, null, 2) + '\n');
}

/** Reads JSON; null when the file does not exist; a UserError naming the file when it is corrupt. */
export async function readJsonFile<T>(path: string, what: string): Promise<T | null> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new UserError(
      `${what} ${path} is corrupt (not valid JSON). Move it away to start over; nothing was changed.`,
    );
  }
}
