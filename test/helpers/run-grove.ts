// Runs the built grove binary as a subprocess, as a user would.
import { execa } from 'execa';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..', '..');

/** The bundled CLI, as `npm run build` makes it: the file package.json's bin names. */
export const GROVE_BIN = join(
  root,
  (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { bin: { grove: string } }).bin.grove,
);

export interface GroveResult {
  code: number;
  stdout: string;
  stderr: string;
}

export async function runGrove(
  args: readonly string[],
  opts: { env?: Record<string, string | undefined>; input?: string; cwd?: string } = {},
): Promise<GroveResult> {
  const r = await execa(process.execPath, [GROVE_BIN, ...args], {
    reject: false,
    env: { DEBUG: undefined, GROVE_SYSROOT: undefined, ...opts.env },
    input: opts.input ?? '',
    cwd: opts.cwd,
  });
  return { code: r.exitCode ?? -1, stdout: String(r.stdout), stderr: String(r.stderr) };
}

/** Parses stdout as JSON, failing the test with what grove said when it is not. */
export function json<T = unknown>(r: GroveResult): T {
  try {
    return JSON.parse(r.stdout) as T;
  } catch {
    throw new Error(`grove did not print JSON (exit ${r.code}):\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
  }
}
