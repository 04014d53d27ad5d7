// `grove bisect run` on a sandbox, as issue 6's "done when" tries it: through unbootable
// candidates, a flaky test, skips, a timeout and an abort, to the planted first bad commit.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sandbox } from '../../fixtures/sandbox.js';
import { json, runGrove } from '../helpers/run-grove.js';
import { servedHistory, type ServedHistory } from '../helpers/served-history.js';

// 24 commits; Mesa breaks at 18; commits 9..13 cannot boot (empty kernels).
const COMMITS = 24;
const PLANTED = 18;

/**
 * glxcheck made flaky: the first run of each step passes whatever the tree, later runs tell the
 * truth (a counter per step in /var, which a sandbox keeps like a host does).
 */
const FLAKY = [
  'sh',
  '-c',
  'f=/var/tmp/runs-$GROVE_STEP; n=$(($(cat $f 2>/dev/null || echo 0) + 1)); echo $n > $f; ' +
    '[ $n -eq 1 ] && { echo "flaky pass"; exit 0; }; exec glxcheck',
];

/** The n-th test of the whole bisection: 1 says skip, 2 hangs, 3 aborts once; the rest glxcheck. */
const AWKWARD = [
  'sh',
  '-c',
  'f=/var/tmp/tests; n=$(($(cat $f 2>/dev/null || echo 0) + 1)); echo $n > $f; ' +
    'case $n in 1) exit 125;; 2) sleep 30;; 3) exit 130;; esac; exec glxcheck',
];

interface StatusJson {
  tested: Array<{ checksum: string; verdict: string; source: string; note?: string }>;
  firstBad: { checksum: string } | null;
}

interface StepJson {
  test?: { runs: unknown[]; outcome: { kind: string; verdict?: string; why: string } };
  boot?: { ok: boolean };
}

describe('grove bisect run on a sandbox', () => {
  let world: ServedHistory;
  beforeAll(async () => {
    world = await servedHistory({ commits: COMMITS, regressionAt: PLANTED, unbootable: [9, 10, 11, 12, 13] });
  });
  afterAll(() => world.close());

  const groveOn =
    (sb: Sandbox) =>
    (...args: string[]) =>
      runGrove(['--sysroot', sb.sysroot, ...args]);
  /** A fresh sandbox booted into the bad tree, with a bisection between it and the good one. */
  const startedSandbox = async () => {
    const sb = await world.bootedIntoBad();
    const grove = groveOn(sb);
    expect((await grove('bisect', 'start', 'rollback', 'booted')).code).toBe(0);
    return { sb, grove };
  };
  const stepLogs = async (sb: Sandbox): Promise<StepJson[]> => {
    const dir = join(
      sb.sysroot,
      'ostree',
      'deploy',
      world.history.os,
      'var',
      'lib',
      'grove',
      'bisect',
      'steps',
    );
    const names = (await readdir(dir)).sort((a, b) => parseInt(a) - parseInt(b));
    return Promise.all(
      names.map(async (n) => JSON.parse(await readFile(join(dir, n, 'step.json'), 'utf8')) as StepJson),
    );
  };

  it('needs --times to see through a flaky test, survives unbootable trees, and records the runs', async () => {
    const { history } = world;
    // Once only: a flaky pass makes every tree good, and the run blames the bad end itself.
    const { grove: g1 } = await startedSandbox();
    const fooled = await g1('bisect', 'run', '--', ...FLAKY);
    expect(fooled.code, fooled.stderr).toBe(0);
    expect(fooled.stdout).toContain(`First bad commit: ${history.commits[COMMITS - 1]!.checksum}`);

    const { sb, grove } = await startedSandbox();
    const run = await grove('bisect', 'run', '--times', '3', '--', ...FLAKY);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain(`First bad commit: ${history.commits[PLANTED]!.checksum}`);
    expect(run.stderr).toMatch(/step \d+: \S+ \(\w{10}\) did not boot/);
    expect(run.stderr).toMatch(/is bad \(exit 1, 2 runs,/);
    expect(run.stderr).toMatch(/is good \(exit 0, 3 runs,/);

    const s = json<StatusJson>(await grove('bisect', 'status', '--json'));
    for (const t of s.tested) {
      const i = history.commits.findIndex((c) => c.checksum === t.checksum);
      if (t.source === 'did-not-boot') expect(history.commits[i]!.bootable).toBe(false);
      else expect(t.verdict).toBe(i >= PLANTED ? 'bad' : 'good');
    }
    expect(s.tested.some((t) => t.source === 'did-not-boot')).toBe(true);
    // Each tested step's log has every run: a bad tree fails on its second, a good one passes 3.
    const tested = (await stepLogs(sb)).filter((l) => l.test);
    expect(tested.length).toBeGreaterThan(2);
    for (const l of tested) {
      expect(l.test!.runs).toHaveLength(l.test!.outcome.verdict === 'bad' ? 2 : 3);
    }
    expect((await grove('bisect', 'reset')).code).toBe(0);
  });

  it('skips on 125 and on a timeout, stops on 130 without a verdict, and goes on when run again', async () => {
    const { history } = world;
    const { sb, grove } = await startedSandbox();
    const first = await grove('bisect', 'run', '--timeout', '2', '--', ...AWKWARD);
    expect(first.code).toBe(1);
    expect(first.stderr).toMatch(/is skip \(exit 125,/);
    expect(first.stderr).toMatch(/is skip \(timed out,/);
    expect(first.stderr).toMatch(
      /the test asked to stop the bisection \(exit 130\); no verdict was recorded for \S+\. Run it again to go on\./,
    );
    const stopped = json<StatusJson>(await grove('bisect', 'status', '--json'));
    const skips = stopped.tested.filter((t) => t.verdict === 'skip' && t.source === 'run');
    expect(skips).toHaveLength(2);

    const again = await grove('bisect', 'run', '--timeout', '2', '--', ...AWKWARD);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toContain(`First bad commit: ${history.commits[PLANTED]!.checksum}`);
    const done = json<StatusJson>(await grove('bisect', 'status', '--json'));
    // The aborted step was tested again; the two skips stand.
    expect(done.tested.filter((t) => t.verdict === 'skip' && t.source === 'run')).toHaveLength(2);
    const outcomes = (await stepLogs(sb)).flatMap((l) => (l.test ? [l.test.outcome.why] : []));
    // The stopped step's log now holds the test that gave its verdict.
    expect(outcomes.slice(0, 3)).toEqual(['exit 125', 'timed out', expect.stringMatching(/^exit [01]$/)]);
    expect((await grove('bisect', 'reset')).code).toBe(0);
  });
  it('exits 1 when skips leave more than one candidate for first bad, naming them', async () => {
    const { history } = world;
    const { grove } = await startedSandbox();
    const before = history.commits[PLANTED - 1]!;
    const r = await grove(
      'bisect',
      'run',
      '--',
      'sh',
      '-c',
      `[ "$GROVE_CHECKSUM" = ${before.checksum} ] && exit 125; exec glxcheck`,
    );
    expect(r.code, r.stderr).toBe(1);
    expect(r.stdout).toContain('The first bad commit could be any of:');
    expect(r.stdout).toContain(before.checksum);
    expect(r.stdout).toContain(history.commits[PLANTED]!.checksum);
    expect((await grove('bisect', 'reset')).code).toBe(0);
  });
});
