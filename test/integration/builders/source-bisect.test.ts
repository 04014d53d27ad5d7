import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { makeGitSource, type GitSource } from '../../../fixtures/git-source.js';
import { serveRepo, type RepoServer } from '../../../fixtures/http-server.js';
import { makeOsHistory, type OsHistory } from '../../../fixtures/os-history.js';
import { makeSandbox, type Sandbox } from '../../../fixtures/sandbox.js';
import type { BisectEnv } from '../../../src/bisect/bisect-env.js';
import { nextStep } from '../../../src/bisect/engine/index.js';
import type { BisectEvent } from '../../../src/bisect/events.js';
import { loadState } from '../../../src/bisect/find-state.js';
import { refineBisect } from '../../../src/bisect/refine.js';
import { resetBisect } from '../../../src/bisect/reset.js';
import { runBisection } from '../../../src/bisect/run.js';
import { startBisect } from '../../../src/bisect/start.js';
import { startSourceBisect } from '../../../src/bisect/start-source.js';
import { bisectStatus } from '../../../src/bisect/status.js';
import { statusJson } from '../../../src/cli/render/bisect.js';
import { createHttpClient } from '../../../src/http/index.js';
import { tempDir } from '../../helpers/temp-dir.js';

const COMMITS = 40;

/** The first candidate git's rule picks in a linear range of n commits: where the broken build goes. */
function firstCandidate(n: number): number {
  const ids = Array.from({ length: n }, (_, i) => `c${i}`);
  const next = nextStep({
    commits: ids.map((id) => ({ id })),
    verdicts: { c0: 'good', [`c${n - 1}`]: 'bad' },
  });
  if (next.kind !== 'test') throw new Error('expected a candidate');
  return next.index;
}

// The whole story of issue 4 through the real session: git commits built in worktrees, layered
// onto a server tree, deployed, booted in a sandbox and judged by glxcheck inside the tree.
describe('source bisection', () => {
  let dir: { path: string; cleanup: () => Promise<void> };
  let history: OsHistory;
  let server: RepoServer;
  let sb: Sandbox;
  let src: GitSource;
  const events: BisectEvent[] = [];
  let env: BisectEnv;
  const broken = firstCandidate(COMMITS);
  const regression = broken + 6;
  /** Commits whose build ran to the end, from events[from..] (a build started ahead and cancelled
   * when not needed leaves nothing). */
  const builtSince = (from: number) =>
    events
      .slice(from)
      .flatMap((e) =>
        e.kind === 'source-build' &&
        (e.event.kind === 'build-done' || (e.event.kind === 'build-failed' && !e.event.cached))
          ? [e.event.sourceCommit]
          : [],
      );

  beforeAll(async () => {
    dir = await tempDir();
    // A server whose own Mesa regresses at commit 5: the source bisection refines it later.
    history = await makeOsHistory({ dir: join(dir.path, 'server'), commits: 8, regressionAt: 5 });
    server = await serveRepo({ root: history.repo });
    sb = await makeSandbox({
      dir: join(dir.path, 'sysroot'),
      os: history.os,
      remoteUrl: server.url,
      ref: history.ref,
      deploy: [history.commits[1]!.checksum, history.commits[7]!.checksum],
      boot: true,
    });
    src = await makeGitSource({
      dir: join(dir.path, 'mesa'),
      commits: COMMITS,
      regressionAt: regression,
      brokenBuildAt: broken,
      oldVersion: history.commits[4]!.mesaVersion,
      newVersion: history.commits[5]!.mesaVersion,
    });
    env = {
      ostree: sb.ostree,
      sysroot: sb.sysroot,
      machine: sb.machine,
      http: createHttpClient(),
      emit: (e) => events.push(e),
    };
  });
  // A test that fails midway leaves its bisection running; reset it so the next test starts clean
  // and one failure stays one failure.
  afterEach(async (ctx) => {
    if (ctx.task.result?.state === 'fail') await resetBisect(env).catch(() => undefined);
  });
  afterAll(async () => {
    await server.close();
    await dir.cleanup();
  });

  it('names the planted commit, skipping the one that does not build', async () => {
    // The base is a good server tree (commit 1): only the build decides glxcheck's verdict.
    const start = await startSourceBisect(env, {
      source: src.dir,
      build: src.recipe,
      base: history.commits[1]!.version,
      good: src.oldTag,
      bad: src.newTag,
      jobs: 2,
    });
    expect(start.state.commits).toHaveLength(COMMITS);
    expect(start.advance.kind).toBe('testing');
    const r = await runBisection(env, { argv: ['/usr/bin/glxcheck'] });
    expect(r.advance.kind).toBe('done');
    const { state } = await loadState(env.sysroot);
    expect(state.result!.firstBad.checksum).toBe(src.commits[regression]!.hash);
    expect(state.verdicts[src.commits[broken]!.hash]).toMatchObject({
      verdict: 'skip',
      source: 'build-failed',
    });
    // What the first bad build changes against the build before it.
    expect(state.result!.files.map((f) => `${f.kind} ${f.path}`)).toEqual(
      expect.arrayContaining(['M /usr/share/mesa/state', 'M /usr/lib64/libGL.so.1']),
    );

    const json = statusJson(await bisectStatus(env));
    expect(json.firstBad).toMatchObject({
      checksum: src.commits[regression]!.hash,
      sourceCommit: {
        hash: src.commits[regression]!.hash,
        author: src.commits[regression]!.author,
        subject: 'gallium: skip the drawable check when creating a context',
      },
      built: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    // Each tested candidate booted as its own layered tree; none was judged on the wrong tree.
    expect(Object.values(state.verdicts).filter((v) => v.source === 'did-not-boot')).toEqual([]);
  });

  it('builds nothing it built before when the same bisection runs again after reset', async () => {
    const tested = Object.keys((await loadState(env.sysroot)).state.verdicts);
    await resetBisect(env);
    const first = new Set(builtSince(0));
    expect(first.size).toBeGreaterThan(4);
    const mark = events.length;
    await startSourceBisect(env, {
      source: src.dir,
      build: src.recipe,
      base: history.commits[1]!.version,
      good: src.oldTag,
      bad: src.newTag,
      jobs: 2,
    });
    await runBisection(env, { argv: ['/usr/bin/glxcheck'] });
    const { state } = await loadState(env.sysroot);
    expect(state.result!.firstBad.checksum).toBe(src.commits[regression]!.hash);
    // Builds ahead may finish a commit the first run cancelled; none is built a second time, and
    // every candidate the run needed came from the cache.
    const again = builtSince(mark);
    expect(again.filter((h) => first.has(h))).toEqual([]);
    expect(Object.keys(state.verdicts).filter((h) => again.includes(h))).toEqual([]);
    expect(Object.keys(state.verdicts).sort()).toEqual(tested.sort());
    await resetBisect(env);
  });

  it('refines a finished server bisection: the last good tree as base, the package tags as range', async () => {
    // The server bisection: glxcheck fails from commit 5 on, a Mesa update.
    await startBisect(env, { good: history.commits[1]!.version, bad: history.commits[7]!.version });
    await runBisection(env, { argv: ['/usr/bin/glxcheck'] });
    const server = (await loadState(env.sysroot)).state;
    expect(server.result!.firstBad.checksum).toBe(history.commits[5]!.checksum);
    await resetBisect(env);

    const refine = await refineBisect(env, { source: src.dir, build: src.recipe, jobs: 2 });
    expect(refine.range).toEqual({ package: 'mesa-dri-drivers', old: src.oldTag, new: src.newTag });
    expect(refine.base.checksum).toBe(history.commits[4]!.checksum);
    expect(refine.state.source!.base).toBe(history.commits[4]!.checksum);
    await runBisection(env, { argv: ['/usr/bin/glxcheck'] });
    const { state } = await loadState(env.sysroot);
    expect(state.result!.firstBad.checksum).toBe(src.commits[regression]!.hash);
    expect(state.result!.firstBad.built).toBeDefined();
    await resetBisect(env);
  });

  it('says what to do when there is nothing to refine or the range cannot be guessed', async () => {
    // The last bisection is now a source one.
    await expect(refineBisect(env, { source: src.dir, build: src.recipe })).rejects.toThrow(
      /already a source bisection/,
    );
  });
});
