import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { pruneHistory, type RepoServer } from '../../fixtures/http-server.js';
import type { OsHistory } from '../../fixtures/os-history.js';
import type { Sandbox } from '../../fixtures/sandbox.js';
import { json, runGrove, type GroveResult } from '../helpers/run-grove.js';
import { servedHistory, type ServedHistory } from '../helpers/served-history.js';

interface StatusJson {
  state: string;
  expected: string | null;
  tested: Array<{ checksum: string; verdict: string; source: string }>;
  firstBad: { checksum: string } | null;
  missing: Array<{ checksum: string }>;
}

// 24 commits; the Mesa regression at 18; commits 9..13 cannot boot (empty kernels).
const COMMITS = 24;
const PLANTED = 18;

describe('bisect: failed boots, pruned history, replay, bad input', () => {
  let world: ServedHistory;
  let history: OsHistory;
  let server: RepoServer;
  let sb: Sandbox;
  const grove = (...args: string[]) => runGrove(['--sysroot', sb.sysroot, ...args]);

  beforeAll(async () => {
    world = await servedHistory({ commits: COMMITS, regressionAt: PLANTED, unbootable: [9, 10, 11, 12, 13] });
    ({ history, server } = world);
  });
  afterAll(() => world.close());

  /** A fresh sandbox booted into the bad tree, the good one as rollback. */
  async function freshSandbox(): Promise<void> {
    sb = await world.bootedIntoBad();
  }
  afterEach(() => server.setFaults({}));

  /** Reboot, run glxcheck in the booted tree, give the verdict, until grove prints a result. */
  async function bisectByHand(first: GroveResult): Promise<{ last: GroveResult; stderr: string }> {
    let last = first;
    let stderr = first.stderr;
    for (let guard = 0; guard < 25 && /Deployed .* as the next boot/.test(last.stdout); guard++) {
      expect((await grove('machine', 'reboot')).code).toBe(0);
      const t = await grove('machine', 'exec', '--', 'glxcheck');
      last = await grove('bisect', t.code === 0 ? 'good' : 'bad');
      expect(last.code, last.stderr).toBe(0);
      stderr += last.stderr;
    }
    return { last, stderr };
  }

  it('records did-not-boot for a candidate that fell back, never judging the wrong tree, and still finds the commit', async () => {
    await freshSandbox();
    const { last, stderr } = await bisectByHand(await grove('bisect', 'start', 'rollback', 'booted'));
    expect(stderr).toMatch(/did not boot .*recorded as did-not-boot/);
    expect(last.stdout).toContain(`First bad commit: ${history.commits[PLANTED]!.checksum}`);
    const s = json<StatusJson>(await grove('bisect', 'status', '--json'));
    const dnb = s.tested.filter((t) => t.source === 'did-not-boot');
    expect(dnb.length).toBeGreaterThan(0);
    for (const t of dnb) {
      const i = history.commits.findIndex((c) => c.checksum === t.checksum);
      expect(history.commits[i]!.bootable).toBe(false);
      expect(t.verdict).toBe('skip');
    }
    // every non-skip verdict agrees with the planted history
    for (const t of s.tested.filter((x) => x.verdict !== 'skip')) {
      const i = history.commits.findIndex((c) => c.checksum === t.checksum);
      expect(t.verdict).toBe(i >= PLANTED ? 'bad' : 'good');
    }

    // replay: the saved log rebuilds the same verdicts and result
    const log = (await grove('bisect', 'log')).stdout;
    const file = join(world.dir, 'saved.log');
    await writeFile(file, log);
    expect((await grove('bisect', 'reset')).code).toBe(0);
    const replay = await grove('bisect', 'replay', file);
    expect(replay.code, replay.stderr).toBe(0);
    expect(replay.stdout).toContain(`First bad commit: ${history.commits[PLANTED]!.checksum}`);
    const again = json<StatusJson>(await grove('bisect', 'status', '--json'));
    expect(again.tested.map((t) => [t.checksum, t.verdict])).toEqual(
      s.tested.map((t) => [t.checksum, t.verdict]),
    );
    expect((await grove('bisect', 'reset')).code).toBe(0);
  });

  it('reports history the server pruned inside the range, leaves it out and goes on', async () => {
    await freshSandbox();
    server.setFaults(pruneHistory(history, 4, 7));
    const start = await grove('bisect', 'start', 'rollback', 'booted');
    expect(start.code, start.stderr).toBe(0);
    expect(start.stderr).toMatch(
      new RegExp(
        `server pruned 1 commit\\(s\\) in the range \\(${history.commits[7]!.checksum.slice(0, 10)}\\)`,
      ),
    );
    const { last } = await bisectByHand(start);
    expect(last.stdout).toContain(`First bad commit: ${history.commits[PLANTED]!.checksum}`);
    const s = json<StatusJson>(await grove('bisect', 'status', '--json'));
    expect(s.missing.map((m) => m.checksum)).toEqual([history.commits[7]!.checksum]);
    expect((await grove('bisect', 'reset')).code).toBe(0);
  });

  it('explains every bad input in one line and changes nothing', async () => {
    await freshSandbox();
    const cases: Array<[string[], RegExp, number]> = [
      [['bisect', 'start', 'rollback', '44.9999'], /no deployed tree and none of the .* match 44\.9999/, 1],
      [['bisect', 'start', 'bogus/spec', 'booted'], /'bogus\/spec' is not a tree spec/, 2],
      [['bisect', 'start', 'booted', 'booted'], /are the same tree/, 2],
      [['bisect', 'start', 'booted', 'rollback'], /good is newer than bad/, 1],
      [['bisect', 'start', '7', 'booted'], /there is no tree 7: .* has 2 deployments/, 1],
      [['bisect', 'skip'], /no bisection in progress/, 1],
      [
        ['bisect', 'start', '--term-old', 'same', '--term-new', 'same', 'rollback', 'booted'],
        /both 'same'/,
        2,
      ],
      [['bisect', 'start', 'rollback'], /needs GOOD and BAD/, 2],
      [
        ['bisect', 'start', '--os', 'nope', 'rollback', 'booted'],
        /--os nope is not a stateroot .*there: fedora/,
        1,
      ],
    ];
    const before = await grove('trees', 'list', '--json');
    for (const [args, re, code] of cases) {
      const r = await grove(...args);
      expect(r.stderr, args.join(' ')).toMatch(re);
      expect(r.code, args.join(' ')).toBe(code);
      expect(r.stderr.trim().split('\n'), args.join(' ')).toHaveLength(1);
    }
    expect((await grove('trees', 'list', '--json')).stdout).toBe(before.stdout);

    // custom terms, and a verdict for an explicit tree without booting it
    const start = await grove(
      'bisect',
      'start',
      '--term-old',
      'broken',
      '--term-new',
      'fixed',
      'rollback',
      'booted',
    );
    expect(start.code, start.stderr).toBe(0);
    const wrongWord = await grove('bisect', 'good', history.commits[3]!.version);
    expect(wrongWord.code).toBe(2);
    expect(wrongWord.stderr).toMatch(/'good' is not a verdict of this bisection: use broken, fixed or skip/);
    const explicit = await grove('bisect', 'broken', history.commits[3]!.version);
    expect(explicit.code, explicit.stderr).toBe(0);
    const outside = await grove('bisect', 'fixed', 'abcdef0123');
    expect(outside.code).toBe(1);

    // a corrupt state file: one line, nothing changed
    const store = join(sb.sysroot, 'ostree/deploy/fedora/var/lib/grove/bisect/state.json');
    const saved = await readFile(store, 'utf8');
    await writeFile(store, '{"schema": 1, "commits": [');
    const corrupt = await grove('bisect', 'status');
    expect(corrupt.code).toBe(1);
    expect(corrupt.stderr).toMatch(/bisect state .* is corrupt .*Move it away/);
    expect(corrupt.stderr.trim().split('\n')).toHaveLength(1);
    const corruptVerdict = await grove('bisect', 'fixed');
    expect(corruptVerdict.code).toBe(1);
    expect(await readFile(store, 'utf8')).toBe('{"schema": 1, "commits": [');
    await writeFile(store, saved);
    expect((await grove('bisect', 'reset')).code).toBe(0);
  });
  it('says so when the tree the bisection started from was removed behind its back', async () => {
    await freshSandbox();
    const start = await grove('bisect', 'start', 'rollback', 'booted');
    expect(start.code, start.stderr).toBe(0);
    const bad = history.commits[COMMITS - 1]!.checksum;
    const list = json<{ deployments: Array<{ index: number; checksum: string }> }>(
      await grove('trees', 'list', '--json'),
    );
    const index = list.deployments.find((d) => d.checksum === bad)!.index;
    await sb.ostree.exec(['admin', 'undeploy', `--sysroot=${sb.sysroot}`, String(index)]);
    const reset = await grove('bisect', 'reset');
    expect(reset.code, reset.stderr).toBe(0);
    expect(reset.stdout).toMatch(/is no longer deployed; \S+ \([0-9a-f]{10}\.\d\) boots next/);
    expect(reset.stdout).toContain(`grove trees add ${bad}`);
    expect(reset.stdout).not.toContain('is the default tree again');
    const after = json<{ deployments: Array<{ checksum: string; serial: number; default: boolean }> }>(
      await grove('trees', 'list', '--json'),
    );
    const next = after.deployments.find((d) => d.default)!;
    expect(reset.stdout).toContain(`(${next.checksum.slice(0, 10)}.${next.serial}) boots next`);
    expect(after.deployments.map((d) => d.checksum)).not.toContain(bad);
  });
});
