import lockfile from 'proper-lockfile';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OsHistory } from '../../fixtures/os-history.js';
import type { Sandbox } from '../../fixtures/sandbox.js';
import { sysrootLockPath } from '../../src/state/paths.js';
import { json, runGrove } from '../helpers/run-grove.js';
import { servedHistory, type ServedHistory } from '../helpers/served-history.js';

const COMMITS = 40;
const PLANTED = 27;

describe('bisect options: --package, the sysroot lock, bisect run', () => {
  let world: ServedHistory;
  let history: OsHistory;
  let sb: Sandbox;
  const grove = (...args: string[]) => runGrove(['--sysroot', sb.sysroot, ...args]);

  beforeAll(async () => {
    world = await servedHistory({ commits: COMMITS, regressionAt: PLANTED });
    ({ history } = world);
  });
  afterAll(() => world.close());
  async function freshSandbox() {
    sb = await world.bootedIntoBad();
  }

  it('with --package, tests only commits that change a matching package and says so', async () => {
    await freshSandbox();
    const start = await grove('bisect', 'start', '--package', 'mesa-*', 'rollback', 'booted');
    expect(start.code, start.stderr).toBe(0);
    const mesaCommits = history.commits
      .slice(1, -1)
      .filter((c) => c.changes.some((p) => p.name.startsWith('mesa-')));
    expect(start.stderr).toContain(`(${mesaCommits.length} change mesa-*)`);
    const run = await grove('bisect', 'run', '--', 'glxcheck');
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain(`First bad commit: ${history.commits[PLANTED]!.checksum}`);
    expect(run.stdout).toMatch(/first bad among commits that change mesa-\*; the regression lies after/);
    const s = json<{ tested: Array<{ checksum: string }> }>(await grove('bisect', 'status', '--json'));
    const mesa = new Set(mesaCommits.map((c) => c.checksum));
    for (const t of s.tested) expect(mesa.has(t.checksum)).toBe(true);
    expect(s.tested.length).toBeLessThanOrEqual(Math.ceil(Math.log2(mesaCommits.length + 1)));
    expect((await grove('bisect', 'reset')).code).toBe(0);
  });

  it('refuses to change a sysroot another grove command holds, and changes nothing', async () => {
    await freshSandbox();
    const before = (await grove('trees', 'list', '--json')).stdout;
    const release = await lockfile.lock(sysrootLockPath(sb.sysroot), { realpath: false });
    try {
      const r = await runGrove(['--sysroot', sb.sysroot, 'bisect', 'start', 'rollback', 'booted'], {
        env: { GROVE_LOCK_WAIT: '1' },
      });
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/another grove command is changing this system/);
      expect(json<{ state: string }>(await grove('bisect', 'status', '--json')).state).toBe('none');
      expect((await grove('trees', 'list', '--json')).stdout).toBe(before);
    } finally {
      await release();
    }
  });

  it('runs unattended, with the exit codes git uses, and keeps a log of each step', async () => {
    await freshSandbox();
    expect((await grove('bisect', 'start', 'rollback', 'booted')).code).toBe(0);
    const missing = await grove('bisect', 'run', '--', 'no-such-test');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/could not be run .*command not found/);
    const run = await grove(
      'bisect',
      'run',
      '--times',
      '2',
      '--',
      'sh',
      '-c',
      'echo "step $GROVE_STEP $GROVE_VERSION"; glxcheck',
    );
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain(`First bad commit: ${history.commits[PLANTED]!.checksum}`);
    expect(run.stderr).toMatch(/step 1 of ~\d+: booting/);
    const log = await grove('bisect', 'log');
    expect(log.stdout).toMatch(/# step logs: .*\/steps\//);
    expect((await grove('bisect', 'reset')).code).toBe(0);
  });
});
