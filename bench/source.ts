// The `source` row of `npm run bench`: a whole unattended source bisection (git commits built,
// layered onto a base tree, deployed, booted in a sandbox, judged by a test inside the tree) with
// --jobs 2, against the same bisection building one candidate at a time after each verdict (what
// `git bisect run` with a build step does). Same fixture, same run; a build takes about as long
// as a test. Then the --jobs 2 bisection again after reset: it should build nothing.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { makeGitSource } from '../fixtures/git-source.js';
import { makeOsHistory } from '../fixtures/os-history.js';
import { makeSandbox, type Sandbox } from '../fixtures/sandbox.js';
import type { BisectEnv } from '../src/bisect/bisect-env.js';
import type { BisectEvent } from '../src/bisect/events.js';
import { loadState } from '../src/bisect/find-state.js';
import { resetBisect } from '../src/bisect/reset.js';
import { runBisection } from '../src/bisect/run.js';
import { startSourceBisect } from '../src/bisect/start-source.js';
import { BuildCache } from '../src/builders/source-cache.js';
import { createHttpClient } from '../src/http/index.js';

export interface SourceBench {
  /** Wall time of start + run with --jobs 2 (builds ahead while each candidate is tested). */
  parallelSeconds: number;
  /** The same bisection with --jobs 1: each candidate built after the verdict that asks for it. */
  serialSeconds: number;
  /** serialSeconds / parallelSeconds (target >= 1.5). */
  ratio: number;
  /**
   * Commits built again when the --jobs 2 bisection was repeated after reset, although the first
   * run had built them to the end (target 0). A speculative build that a verdict cancelled the
   * first time may legitimately finish the second time: that is no rebuild.
   */
  rebuiltOnRepeat: number;
  /**
   * Builds the repeat started at all: speculative ones a verdict cancelled the first time are
   * started again (and cancelled again); every build a step waited for came from the cache.
   */
  startedOnRepeat: number;
  /** Seconds the repeated bisection took (every build from the cache). */
  repeatSeconds: number;
  commits: number;
  /** Verdicts each bisection needed (the same for all three runs). */
  steps: number;
  buildSeconds: number;
  testSeconds: number;
  /** Builds run to the end in the --jobs 2 run, speculative ones included, and in the serial one. */
  builds: { parallel: number; serial: number };
  firstBadFound: boolean;
}

export async function benchSource(opts: { quick?: boolean } = {}): Promise<SourceBench> {
  const commits = opts.quick ? 40 : 100;
  const buildSeconds = opts.quick ? 1 : 2;
  const testSeconds = buildSeconds;
  const dir = await mkdtemp(join(tmpdir(), 'grove-bench-source-'));
  try {
    const history = await makeOsHistory({ dir: join(dir, 'server'), commits: 2, regressionAt: null });
    const sb: Sandbox = await makeSandbox({
      dir: join(dir, 'sysroot'),
      os: history.os,
      remoteUrl: `file://${history.repo}`,
      ref: history.ref,
      deploy: [history.commits[1]!.checksum],
      boot: true,
    });
    const src = await makeGitSource({ dir: join(dir, 'mesa'), commits, buildSeconds });
    const events: BisectEvent[] = [];
    const env: BisectEnv = {
      ostree: sb.ostree,
      sysroot: sb.sysroot,
      machine: sb.machine,
      http: createHttpClient(),
      emit: (e) => events.push(e),
    };
    const completed = (from = 0) =>
      events
        .slice(from)
        .flatMap((e) =>
          e.kind === 'source-build' &&
          (e.event.kind === 'build-done' || (e.event.kind === 'build-failed' && !e.event.cached))
            ? [e.event.sourceCommit]
            : [],
        );
    const startedBuilds = () =>
      events.filter((e) => e.kind === 'source-build' && e.event.kind === 'build-start').length;
    // The test sleeps as long as a build takes, then asks glxcheck, inside the booted tree.
    const test = ['sh', '-c', `sleep ${testSeconds}; exec /usr/bin/glxcheck`];
    const bisect = async (jobs: number) => {
      const from = events.length;
      const startedBefore = startedBuilds();
      const started = performance.now();
      await startSourceBisect(env, {
        source: src.dir,
        build: src.recipe,
        good: src.oldTag,
        bad: src.newTag,
        base: history.commits[1]!.checksum,
        jobs,
      });
      const r = await runBisection(env, { argv: test });
      const seconds = (performance.now() - started) / 1000;
      const { state } = await loadState(env.sysroot);
      const found = state.result?.firstBad.checksum === src.commits[src.regressionAt!]!.hash;
      await resetBisect(env);
      return {
        seconds,
        steps: r.steps,
        built: completed(from),
        started: startedBuilds() - startedBefore,
        found,
      };
    };
    const cache = BuildCache.forSysroot(sb.ostree.sysroot(sb.sysroot).repo(), sb.sysroot, history.os);

    const serial = await bisect(1);
    await cache.clear();
    const parallel = await bisect(2);
    const repeat = await bisect(2);
    return {
      parallelSeconds: round(parallel.seconds),
      serialSeconds: round(serial.seconds),
      ratio: round(serial.seconds / parallel.seconds),
      rebuiltOnRepeat: repeat.built.filter((c) => parallel.built.includes(c)).length,
      startedOnRepeat: repeat.started,
      repeatSeconds: round(repeat.seconds),
      commits,
      steps: parallel.steps,
      buildSeconds,
      testSeconds,
      builds: { parallel: parallel.built.length, serial: serial.built.length },
      firstBadFound: serial.found && parallel.found && repeat.found,
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function round(x: number): number {
  return Math.round(x * 100) / 100;
}

// `node dist/bench/source.js [--quick]`: this row alone.
if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  process.env.OSTREE_SYSROOT_DEBUG = 'mutable-deployments';
  const r = await benchSource({ quick: process.argv.includes('--quick') });
  process.stdout.write(JSON.stringify(r, null, 2) + '\n');
}
