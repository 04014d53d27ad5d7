import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveRepo, type RepoServer } from '../../fixtures/http-server.js';
import { makeOsHistory, type OsHistory } from '../../fixtures/os-history.js';
import { makeSandbox, type Sandbox } from '../../fixtures/sandbox.js';
import { json, runGrove } from '../helpers/run-grove.js';
import { tempDir } from '../helpers/temp-dir.js';

interface StatusJson {
  state: 'none' | 'testing' | 'done';
  terms: { old: string; new: string };
  good: string | null;
  bad: string | null;
  expected: string | null;
  remaining: number;
  stepsLeft: number;
  tested: Array<{ checksum: string; version: string | null; verdict: string }>;
  firstBad: {
    checksum: string;
    version: string;
    parent: string;
    packages: Array<{ name: string; old: string | null; new: string | null }>;
  } | null;
  candidates: unknown[];
}
interface Tree {
  checksum: string;
  serial: number;
  stateroot: string;
  origin: string | null;
  pinned: boolean;
  booted: boolean;
  default: boolean;
}

// The story of issue 3: a 150-commit history, the user booted into the bad tree, the good one is
// the rollback; bisect by hand through reboots and verdicts.
describe('bisecting a 150-commit history by hand', () => {
  const COMMITS = 150;
  const PLANTED = 97;
  let dir: { path: string; cleanup: () => Promise<void> };
  let history: OsHistory;
  let server: RepoServer;
  let sb: Sandbox;
  const grove = (...args: string[]) => runGrove(['--sysroot', sb.sysroot, ...args]);

  beforeAll(async () => {
    dir = await tempDir();
    history = await makeOsHistory({
      dir: join(dir.path, 'server'),
      commits: COMMITS,
      regressionAt: PLANTED,
      noChange: [40, 41],
    });
    server = await serveRepo({ root: history.repo, latencyMs: 1 });
    sb = await makeSandbox({
      dir: join(dir.path, 'sysroot'),
      os: history.os,
      remoteUrl: server.url,
      ref: history.ref,
      deploy: [history.commits[0]!.checksum, history.commits[COMMITS - 1]!.checksum],
      boot: true,
    });
  });
  afterAll(async () => {
    await server.close();
    await dir.cleanup();
  });

  it('names the planted first bad commit within ⌈log2(n)⌉ reboots, with its package diff, and reset restores the system', async () => {
    const before = json<{ deployments: Tree[] }>(await grove('trees', 'list', '--json')).deployments;

    const none = json<StatusJson>(await grove('bisect', 'status', '--json'));
    expect(none.state).toBe('none');
    const early = await grove('bisect', 'good');
    expect(early.code).toBe(1);
    expect(early.stderr).toMatch(/no bisection in progress .*grove bisect start/);

    const start = await grove('bisect', 'start', 'rollback', 'booted');
    expect(start.code, start.stderr).toBe(0);
    expect(start.stderr).toMatch(new RegExp(`${COMMITS - 2} commits between good and bad`));
    expect(start.stdout).toMatch(/Deployed .* as the next boot/);

    // Verdict before the reboot: refused, nothing recorded.
    const tooSoon = await grove('bisect', 'bad');
    expect(tooSoon.code).toBe(1);
    expect(tooSoon.stderr).toMatch(/has not rebooted since grove deployed/);

    // A second start while one runs: refused.
    const again = await grove('bisect', 'start', 'rollback', 'booted');
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/already running/);

    let reboots = 0;
    let last = start;
    for (let guard = 0; guard < 20 && !/First bad commit:/.test(last.stdout); guard++) {
      const status = json<StatusJson>(await grove('bisect', 'status', '--json'));
      expect(status.state).toBe('testing');
      expect(status.expected).toMatch(/^[0-9a-f]{64}$/);
      expect((await grove('machine', 'reboot')).code).toBe(0);
      reboots++;
      const booted = json<{ booted: { checksum: string } }>(
        await grove('machine', 'status', '--json'),
      ).booted;
      expect(booted.checksum).toBe(status.expected);
      const test = await grove('machine', 'exec', '--', 'glxcheck');
      last = await grove('bisect', test.code === 0 ? 'good' : 'bad');
      expect(last.code, last.stderr).toBe(0);
    }
    expect(last.stdout).toContain(`First bad commit: ${history.commits[PLANTED]!.checksum}`);
    expect(last.stdout).toContain(history.commits[PLANTED]!.version);
    expect(last.stdout).toMatch(/mesa-dri-drivers \S+ → \S+/);
    expect(reboots).toBeLessThanOrEqual(Math.ceil(Math.log2(COMMITS - 2)));

    const done = json<StatusJson>(await grove('bisect', 'status', '--json'));
    expect(done.state).toBe('done');
    expect(done.firstBad).toMatchObject({
      checksum: history.commits[PLANTED]!.checksum,
      version: history.commits[PLANTED]!.version,
      parent: history.commits[PLANTED - 1]!.checksum,
    });
    const planted = history.commits[PLANTED]!.changes.map((c) => c.name).sort();
    expect(done.firstBad!.packages.map((p) => p.name).sort()).toEqual(planted);
    expect(done.tested.length).toBe(reboots);

    const view = await grove('bisect', 'view');
    expect(view.code).toBe(0);
    expect(view.stdout).toContain(history.commits[PLANTED]!.version);
    expect(view.stdout).toMatch(/✗/);

    const log = await grove('bisect', 'log');
    expect(
      log.stdout.split('\n').filter((l) => /^grove bisect (good|bad) [0-9a-f]{64}$/.test(l)),
    ).toHaveLength(reboots);

    // reset: the original is the default again; the running candidate goes after the next reboot
    const reset = await grove('bisect', 'reset');
    expect(reset.code, reset.stderr).toBe(0);
    expect((await grove('machine', 'reboot')).code).toBe(0);
    const cleanup = await grove('bisect', 'reset');
    expect(cleanup.code, cleanup.stderr).toBe(0);
    const after = json<{ deployments: Tree[] }>(await grove('trees', 'list', '--json')).deployments;
    const shape = (ts: Tree[]) =>
      ts.map((t) => ({
        checksum: t.checksum,
        stateroot: t.stateroot,
        origin: t.origin,
        pinned: t.pinned,
        booted: t.booted,
        default: t.default,
      }));
    expect(shape(after)).toEqual(shape(before));
    const refs = await sb.ostree.sysroot(sb.sysroot).repo().refs({ prefix: 'grove/' });
    expect(refs).toEqual([]);
    expect(json<StatusJson>(await grove('bisect', 'status', '--json')).state).toBe('none');
  });
});
