// What every part of the bench shares: the build server (twice: throttled for what is measured,
// unthrottled to set sandboxes up), sandboxes that start where a user starts (the good tree and
// the bad one deployed, the bad one booted), and the built grove binary.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { serveRepo, type RepoServer } from '../fixtures/http-server.js';
import type { OsHistory } from '../fixtures/os-history.js';
import { makeSandbox, type Sandbox } from '../fixtures/sandbox.js';
import { nextStep, type Verdict } from '../src/bisect/engine/index.js';
import { run, type RunResult } from '../src/process/run.js';
import { readJsonFile } from '../src/state/atomic-file.js';
import { groveVarDir } from '../src/state/paths.js';
import type { BenchProfile } from './profile.js';

/** The CLI as users run it: the file package.json's bin names (package.json found upwards). */
export const GROVE = groveBin();

function groveBin(): string {
  let dir = import.meta.dirname;
  while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
  const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { bin: { grove: string } };
  return join(dir, pkg.bin.grove);
}

export interface BenchEnv {
  profile: BenchProfile;
  history: OsHistory;
  work: string;
  /** 30 ms per request, 5 MB/s: every measured pull goes through this one. */
  server: RepoServer;
  /** The same repository without limits, to set sandboxes up quickly. */
  setupServer: RepoServer;
}

export async function openServers(history: OsHistory, profile: BenchProfile) {
  const server = await serveRepo({ root: history.repo, ...profile.server });
  const setupServer = await serveRepo({ root: history.repo });
  return { server, setupServer };
}

/**
 * A sandbox with good and bad deployed and bad booted, as when a user notices a regression.
 * `local` commits are copied into its repository beforehand (untimed) and kept by a ref; the
 * remote then points at the throttled server.
 */
export async function benchSandbox(env: BenchEnv, name: string, local: string[] = []): Promise<Sandbox> {
  const c = env.history.commits;
  const sb = await makeSandbox({
    dir: join(env.work, name),
    os: env.history.os,
    remoteUrl: env.setupServer.url,
    ref: env.history.ref,
    deploy: [c[0]!.checksum, c[c.length - 1]!.checksum],
    boot: true,
  });
  const repo = join(sb.sysroot, 'ostree', 'repo');
  for (const checksum of local) {
    await sb.ostree.exec([`--repo=${repo}`, 'pull-local', env.history.repo, checksum]);
    await sb.ostree.exec([`--repo=${repo}`, 'refs', `--create=bench/local/${checksum}`, checksum]);
  }
  await sb.ostree.exec([`--repo=${repo}`, 'config', 'set', `remote "${sb.remote}".url`, env.server.url]);
  return sb;
}

export function grove(
  sysroot: string,
  args: string[],
  env: Record<string, string> = {},
  allowFailure = false,
): Promise<RunResult> {
  return run([process.execPath, GROVE, '--sysroot', sysroot, ...args], { env, allowFailure });
}

/**
 * The candidates a bisection of the history tests, in order, with the verdict each gets: what
 * grove's engine picks when every commit from the planted regression on is bad.
 */
export function plannedSequence(
  history: OsHistory,
): Array<{ checksum: string; index: number; bad: boolean }> {
  const firstBad = history.firstBad ?? history.commits.length - 1;
  const commits = history.commits.map((c) => ({ id: c.checksum, rootTree: c.checksum, eligible: true }));
  const verdicts: Record<string, Verdict> = {
    [commits[0]!.id]: 'good',
    [commits[commits.length - 1]!.id]: 'bad',
  };
  const out: Array<{ checksum: string; index: number; bad: boolean }> = [];
  for (;;) {
    const next = nextStep({ commits, verdicts });
    if (next.kind !== 'test') return out;
    const bad = next.index >= firstBad;
    out.push({ checksum: next.id, index: next.index, bad });
    verdicts[next.id] = bad ? 'bad' : 'good';
  }
}

/**
 * Waits for the background prefetch grove started in this sandbox to end (so a phase neither
 * leaks a process nor shares the server with the next one). After `limitSeconds` it is stopped.
 */
export async function waitForPrefetch(sysroot: string, os: string, limitSeconds = 120): Promise<void> {
  const file = join(groveVarDir(sysroot, os), 'bisect', 'prefetch.json');
  const rec = await readJsonFile<{ pid?: number }>(file, 'prefetch record').catch(() => null);
  const pid = rec?.pid;
  if (!pid) return;
  const deadline = Date.now() + limitSeconds * 1000;
  while (alive(pid)) {
    if (Date.now() > deadline) {
      process.kill(pid, 'SIGTERM');
      return;
    }
    await sleep(100);
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
