import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeGitSource, type GitSource } from '../../fixtures/git-source.js';
import { serveRepo, type RepoServer } from '../../fixtures/http-server.js';
import { makeOsHistory, type OsHistory } from '../../fixtures/os-history.js';
import { makeSandbox, type Sandbox } from '../../fixtures/sandbox.js';
import { nextStep } from '../../src/bisect/engine/index.js';
import { json, runGrove } from '../helpers/run-grove.js';
import { tempDir } from '../helpers/temp-dir.js';

interface StatusJson {
  state: string;
  firstBad: {
    checksum: string;
    sourceCommit?: { hash: string; author: string; subject: string };
    built?: string;
  } | null;
  tested: Array<{ checksum: string; verdict: string; source: string }>;
}
interface BuildsJson {
  builds: Array<{ ok: boolean; sourceCommit: string; reason?: string; log?: string }>;
}

const COMMITS = 30;
/** git's first candidate in a linear range of n commits: where the commit that does not build goes. */
function firstCandidate(n: number): number {
  const ids = Array.from({ length: n }, (_, i) => ({ id: `c${i}` }));
  const next = nextStep({ commits: ids, verdicts: { c0: 'good', [`c${n - 1}`]: 'bad' } });
  if (next.kind !== 'test') throw new Error('expected a candidate');
  return next.index;
}
const BROKEN = firstCandidate(COMMITS);
const PLANTED = BROKEN + 6;

// Issue 4 as a new user would try it: the grove binary on a sandbox, a git checkout and a build command.
describe('grove bisect start --source (CLI)', () => {
  let dir: { path: string; cleanup: () => Promise<void> };
  let history: OsHistory;
  let server: RepoServer;
  let sb: Sandbox;
  let src: GitSource;
  const grove = (...args: string[]) => runGrove(['--sysroot', sb.sysroot, ...args]);

  beforeAll(async () => {
    dir = await tempDir();
    history = await makeOsHistory({ dir: join(dir.path, 'server'), commits: 3, regressionAt: null });
    server = await serveRepo({ root: history.repo });
    sb = await makeSandbox({
      dir: join(dir.path, 'sysroot'),
      os: history.os,
      remoteUrl: server.url,
      ref: history.ref,
      deploy: [history.commits[2]!.checksum],
      boot: true,
    });
    src = await makeGitSource({
      dir: join(dir.path, 'mesa'),
      commits: COMMITS,
      regressionAt: PLANTED,
      brokenBuildAt: BROKEN,
    });
  });
  afterAll(async () => {
    await server.close();
    await dir.cleanup();
  });

  it('bisects the source unattended and names the commit, its author and subject', async () => {
    const start = await grove(
      'bisect',
      'start',
      '--source',
      src.dir,
      '--build',
      src.recipe,
      '--jobs',
      '2',
      src.oldTag,
      src.newTag,
    );
    expect(start.code, start.stderr).toBe(0);
    expect(start.stderr).toContain('28 commits between good and bad');
    expect(start.stdout).toMatch(
      /Deployed mesa-24\.2\.3-\d+-g[0-9a-f]{10} \([0-9a-f]{10}\) as the next boot/,
    );
    const run = await grove('bisect', 'run', '--', '/usr/bin/glxcheck');
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain(`First bad commit: ${src.commits[PLANTED]!.hash}`);
    expect(run.stdout).toContain(`  author ${src.commits[PLANTED]!.author}`);
    expect(run.stdout).toMatch(/tested as the OSTree commit [0-9a-f]{64}/);
    const status = json<StatusJson>(await grove('bisect', 'status', '--json'));
    expect(status.firstBad).toMatchObject({
      checksum: src.commits[PLANTED]!.hash,
      sourceCommit: {
        hash: src.commits[PLANTED]!.hash,
        author: src.commits[PLANTED]!.author,
        subject: src.commits[PLANTED]!.subject,
      },
    });
    expect(status.tested).toContainEqual(
      expect.objectContaining({
        checksum: src.commits[BROKEN]!.hash,
        verdict: 'skip',
        source: 'build-failed',
      }),
    );
  });

  it('lists the cached builds and the failed one, and clears them', async () => {
    const list = json<BuildsJson>(await grove('builds', 'list', '--json'));
    expect(list.builds.filter((b) => b.ok).length).toBeGreaterThan(3);
    expect(list.builds.filter((b) => !b.ok)).toEqual([
      expect.objectContaining({
        sourceCommit: src.commits[BROKEN]!.hash,
        reason: 'the build command exit 1',
      }),
    ]);
    const human = await grove('builds', 'list');
    expect(human.stdout).toContain('failed: the build command exit 1');
    expect((await grove('bisect', 'reset')).code).toBe(0);
    const cleared = await grove('builds', 'clear');
    expect(cleared.code, cleared.stderr).toBe(0);
    expect(cleared.stdout).toMatch(/^Removed \d+ builds and 1 failure record; freed /);
    expect(json<BuildsJson>(await grove('builds', 'list', '--json')).builds).toEqual([]);
  });

  it('by hand, builds the candidates that can come next in the background while one is tested', async () => {
    const start = await grove(
      'bisect',
      'start',
      '--source',
      src.dir,
      '--build',
      src.recipe,
      '--jobs',
      '2',
      src.oldTag,
      src.newTag,
    );
    expect(start.code, start.stderr).toBe(0);
    const file = join(sb.sysroot, 'ostree/deploy/fedora/var/lib/grove/bisect/prefetch.json');
    const read = async () =>
      JSON.parse(await readFile(file, 'utf8')) as {
        batches: string[][];
        done: string[];
        failed: unknown[];
        finished: boolean;
      };
    let rec = await read();
    for (let i = 0; i < 600 && !rec.finished; i++) {
      await sleep(100);
      rec = await read();
    }
    expect(rec.finished).toBe(true);
    // both candidates that can come next (and within the budget the level after) were built
    expect(rec.batches[0]).toHaveLength(2);
    for (const id of rec.batches[0]!)
      expect([...rec.done, ...rec.failed.map((f) => (f as { checksum: string }).checksum)]).toContain(id);
    expect((await grove('machine', 'reboot')).code).toBe(0);
    const test = await grove('machine', 'exec', '--', '/usr/bin/glxcheck');
    const verdict = await grove('bisect', test.code === 0 ? 'good' : 'bad');
    expect(verdict.code, verdict.stderr).toBe(0);
    // the next candidate was one the background built: the verdict only deployed it
    const next = json<{ expected: string }>(await grove('bisect', 'status', '--json')).expected;
    expect(rec.done).toContain(next);
    expect((await grove('bisect', 'reset')).code).toBe(0);
  });

  it('refuses source options without --source, and --source without --build, in one line', async () => {
    const a = await grove('bisect', 'start', '--jobs', '2', 'booted', 'booted');
    expect(a.code).toBe(2);
    expect(a.stderr.trim()).toBe('grove: --jobs goes with --source DIR (a source bisection).');
    const b = await grove('bisect', 'start', '--source', src.dir, src.oldTag, src.newTag);
    expect(b.code).toBe(2);
    expect(b.stderr).toMatch(/--source needs --build/);
    const c = await grove('builds', 'clear', '--older-than', 'soon');
    expect(c.code).toBe(2);
  });
});
