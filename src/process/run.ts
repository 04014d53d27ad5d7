// The one place grove starts subprocesses. argv arrays only: nothing is ever parsed by a shell
// unless the user's own command is passed to `sh -c` on purpose (builds), and then as one argument.
import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import type { ResultPromise } from 'execa';
import { CommandFailed, MissingProgram } from '../errors.js';

export interface RunOptions {
  cwd?: string;
  env?: Record<string, string | undefined>;
  /** Data for stdin. */
  input?: string;
  /** Don't throw on a non-zero exit; the caller inspects `exitCode`. */
  allowFailure?: boolean;
  /** Called with each stderr line as it arrives (progress). */
  onStderrLine?: (line: string) => void;
  /** Called with each stdout line as it arrives. */
  onStdoutLine?: (line: string) => void;
  signal?: AbortSignal;
  /** Milliseconds; the process is killed (SIGTERM, then SIGKILL) after that. */
  timeout?: number;
  /** Connect the child to our terminal (stdin, stdout, stderr) instead of capturing. */
  inherit?: boolean;
  /** Debian package to name when the program is missing. */
  debianPackage?: string;
}

export interface RunResult {
  argv: readonly string[];
  stdout: string;
  stderr: string;
  exitCode: number | null;
  signal: string | null;
  timedOut: boolean;
}

// GROVE_TRACE=1: every subprocess with its wall time on stderr, to see where a command's time goes.
const TRACE = process.env.GROVE_TRACE === '1';
function trace(argv: readonly string[], ms: number): void {
  process.stderr.write(`trace: ${ms.toFixed(0).padStart(5)} ms  ${argv.join(' ').slice(0, 160)}\n`);
}

/** Runs argv[0] with argv[1..]; throws CommandFailed on failure unless allowFailure. */
export async function run(argv: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
  const [file, ...args] = argv;
  if (!file) throw new Error('run: empty argv');
  // execa (with the stream modules it loads) loads with the first subprocess, not at every start.
  const { execa } = await import('execa');
  const child: ResultPromise = execa(file, args, {
    cwd: opts.cwd,
    env: opts.env,
    extendEnv: true,
    ...(opts.inherit
      ? { stdio: 'inherit' as const }
      : { input: opts.input, stdin: opts.input === undefined ? ('ignore' as const) : ('pipe' as const) }),
    reject: false,
    stripFinalNewline: false,
    cancelSignal: opts.signal,
    timeout: opts.timeout,
    forceKillAfterDelay: 2000,
  });
  if (opts.onStderrLine) forEachLine(child.stderr, opts.onStderrLine);
  if (opts.onStdoutLine) forEachLine(child.stdout, opts.onStdoutLine);
  const started = TRACE ? performance.now() : 0;
  const r = await child;
  if (TRACE) trace(argv, performance.now() - started);
  if (r.code === 'ENOENT' || (r.failed && r.exitCode === undefined && /ENOENT/.test(String(r.message)))) {
    throw new MissingProgram(file, opts.debianPackage ?? file);
  }
  const result: RunResult = {
    argv,
    stdout: String(r.stdout ?? ''),
    stderr: String(r.stderr ?? ''),
    exitCode: r.exitCode ?? null,
    signal: r.signal ?? null,
    timedOut: Boolean(r.timedOut),
  };
  if (!opts.allowFailure && (result.exitCode !== 0 || result.signal)) {
    throw new CommandFailed(argv, result.exitCode, result.stderr, result.signal ?? undefined);
  }
  return result;
}

function forEachLine(stream: NodeJS.ReadableStream | null, fn: (line: string) => void): void {
  if (!stream) return;
  let buf = '';
  stream.on('data', (chunk: Buffer | string) => {
    buf += chunk.toString();
    // ostree's progress rewrites one line with \r; treat \r as a line end too.
    const parts = buf.split(/\r\n|\n|\r/);
    buf = parts.pop() ?? '';
    for (const p of parts) if (p.trim()) fn(p);
  });
  stream.on('end', () => {
    if (buf.trim()) fn(buf);
  });
}

/**
 * Starts argv in its own process group, detached from ours, with output to logFile: work that
 * goes on after this command exits (prefetching the next candidates). Returns its pid.
 */
export async function spawnDetached(argv: readonly string[], logFile: string): Promise<number> {
  const [file, ...args] = argv;
  if (!file) throw new Error('spawnDetached: empty argv');
  const fd = openSync(logFile, 'a');
  try {
    const child = spawn(file, args, { detached: true, stdio: ['ignore', fd, fd] });
    const pid = child.pid;
    child.unref();
    if (pid === undefined) throw new Error(`could not start ${file}`);
    return pid;
  } finally {
    closeSync(fd);
  }
}
