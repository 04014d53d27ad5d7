// The host path of `grove bisect run`, end to end on a sandbox: `bisect run --systemd -- CMD`
// stores the test and installs the unit, then `bisect run --continue` is called once per boot,
// as systemd would, until the bisection ends. The unit is installed with the real systemctl
// (`--root=<deployment>`) into the /etc of the trees that boot, and removed at the end.
import { access, lstat, readFile, readdir, readlink } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveRepo, type RepoServer } from '../../fixtures/http-server.js';
import { makeOsHistory, type OsHistory } from '../../fixtures/os-history.js';
import { makeSandbox, type Sandbox } from '../../fixtures/sandbox.js';
import type { StepLog } from '../../src/bisect/run-step-log.js';
import type { BisectState } from '../../src/bisect/state.js';
import { RUN_UNIT_NAME } from '../../src/machine/systemd-unit.js';
import { json, runGrove } from '../helpers/run-grove.js';
import { tempDir } from '../helpers/temp-dir.js';

// The background prefetch is the bisect tests' business; here it would only outlive the temp dir.
const env = { GROVE_NO_PREFETCH: '1' };

const exists = (p: string) =>
  access(p).then(
    () => true,
    () => false,
  );

describe('grove bisect run across reboots (the systemd path, on a sandbox)', () => {
  let dir: { path: string; cleanup: () => Promise<void> };
  let history: OsHistory;
  let server: RepoServer;

  beforeAll(async () => {
    dir = await tempDir('grove-run-continue-');
    history = await makeOsHistory({
      dir: join(dir.path, 'server'),
      commits: 16,
      regressionAt: 11,
      // The halving lands on 9 after 7 good and 11 bad: a tree that cannot boot, mid-run.
      unbootable: [9],
    });
    server = await serveRepo({ root: history.repo });
  });
  afterAll(async () => {
    await server.close();
    await dir.cleanup();
  });

  async function sandbox(name: string): Promise<Sandbox> {
    const sb = await makeSandbox({
      dir: join(dir.path, name),
      os: history.os,
      remoteUrl: server.url,
      ref: history.ref,
      deploy: [history.commits[0]!.checksum, history.commits[15]!.checksum],
      boot: true,
    });
    const start = await runGrove(['--sysroot', sb.sysroot, 'bisect', 'start', 'rollback', 'booted'], { env });
    expect(start.code, start.stderr).toBe(0);
    return sb;
  }

  const deployDir = (sb: Sandbox) => join(sb.sysroot, 'ostree', 'deploy', history.os, 'deploy');
  const unitIn = (deployment: string) => join(deployment, 'etc', 'systemd', 'system', RUN_UNIT_NAME);
  const wantsIn = (deployment: string) =>
    join(deployment, 'etc', 'systemd', 'system', 'multi-user.target.wants', RUN_UNIT_NAME);
  const bisectDir = (sb: Sandbox) =>
    join(sb.sysroot, 'ostree', 'deploy', history.os, 'var', 'lib', 'grove', 'bisect');
  const readState = async (sb: Sandbox) =>
    JSON.parse(await readFile(join(bisectDir(sb), 'state.json'), 'utf8')) as BisectState;
  async function deploymentsWithUnit(sb: Sandbox): Promise<string[]> {
    const out: string[] = [];
    for (const d of await readdir(deployDir(sb))) {
      if (d.endsWith('.origin')) continue;
      if (await exists(unitIn(join(deployDir(sb), d)))) out.push(d);
    }
    return out.sort();
  }

  it('runs one step per boot until the first bad commit is named, then removes the unit', async () => {
    const sb = await sandbox('sysroot');
    const G = ['--sysroot', sb.sysroot, 'bisect', 'run'];
    const first = await runGrove([...G, '--systemd', '--', 'glxcheck'], { env });
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toMatch(/rebooting into step 1/);
    expect((await readState(sb)).run).toEqual({ argv: ['glxcheck'] });

    let done = false;
    let steps = 0;
    let judged = 0;
    while (!done) {
      expect(steps++).toBeLessThan(20);
      // What systemd would see on this boot: the unit, enabled, in the running tree's /etc.
      const booted = (await sb.machine.booted())!;
      const running = join(deployDir(sb), `${booted.checksum}.${booted.serial}`);
      expect(await readFile(unitIn(running), 'utf8')).toContain('bisect run --continue');
      // Enabled as systemctl does it: a symlink the running system resolves in its own /etc.
      expect((await lstat(wantsIn(running))).isSymbolicLink()).toBe(true);
      expect(await readlink(wantsIn(running))).toBe(`/etc/systemd/system/${RUN_UNIT_NAME}`);

      const r = await runGrove([...G, '--continue', '--json'], { env });
      expect(r.code, r.stderr).toBe(0);
      const out = json<{ kind: string; judged: { checksum: string } | null }>(r);
      if (out.judged) judged++;
      done = out.kind === 'done';
      if (!done) expect(out.kind).toBe('reboot');
    }
    // 14 commits between good and bad: about log2(14) steps, one of them a tree that cannot boot.
    expect(judged).toBeGreaterThanOrEqual(3);

    const state = await readState(sb);
    expect(state.run).toBeUndefined();
    expect(state.result?.firstBad.checksum).toBe(history.commits[11]!.checksum);
    expect(state.expected).toBeNull();
    expect(await deploymentsWithUnit(sb)).toEqual([]);
    // The original tree (booted at start: the bad one) is the default again.
    const status = await sb.ostree.sysroot(sb.sysroot).status();
    expect(status[0]!.checksum).toBe(state.original.checksum);

    // Each step kept its logs: deployed, booted, the test with its exit code, the verdict.
    const stepsDir = join(bisectDir(sb), 'steps');
    const stepDirs = (await readdir(stepsDir)).sort((a, b) => parseInt(a) - parseInt(b));
    expect(stepDirs.length).toBe(judged);
    let sawDidNotBoot = false;
    for (const d of stepDirs) {
      const log = JSON.parse(await readFile(join(stepsDir, d, 'step.json'), 'utf8')) as StepLog;
      expect(d).toBe(`${log.step}-${log.checksum.slice(0, 10)}`);
      expect(log.deployed?.serial).toBeGreaterThanOrEqual(0);
      expect(log.boot?.at).toBeTruthy();
      if (log.boot?.ok) {
        expect(log.test?.runs[0]?.exitCode).toBe(log.verdict?.verdict === 'good' ? 0 : 1);
        expect(await readFile(join(stepsDir, d, 'test.out'), 'utf8')).toMatch(/OpenGL|GL context/);
        expect(log.verdict?.source).toBe('run');
      } else {
        sawDidNotBoot = true;
        expect(log.checksum).toBe(history.commits[9]!.checksum);
        expect(log.verdict?.source).toBe('did-not-boot');
        expect(log.test).toBeUndefined();
      }
    }
    expect(sawDidNotBoot).toBe(true);

    const log = await runGrove(['--sysroot', sb.sysroot, 'bisect', 'log'], { env });
    expect(log.stdout).toContain(`# step logs: ${stepsDir}/`);

    // A boot after the end: the unit is gone, but a leftover would only clean itself up.
    const again = await runGrove([...G, '--continue'], { env });
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/no unattended bisection is going on/);
  });

  it('stops without a verdict, and removes the unit, when the test cannot run', async () => {
    const sb = await sandbox('sysroot-cannot-run');
    const G = ['--sysroot', sb.sysroot, 'bisect', 'run'];
    // A shell that says "not found" the way a missing command does (bubblewrap itself exits 1
    // when the program is missing, so the sandbox cannot show a real 127 for that).
    const first = await runGrove([...G, '--systemd', '--', 'sh', '-c', 'exit 127'], { env });
    expect(first.code, first.stderr).toBe(0);
    expect((await deploymentsWithUnit(sb)).length).toBeGreaterThan(0);
    const before = await readState(sb);

    const r = await runGrove([...G, '--continue'], { env });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(
      /stopped the unattended run .*command not found \(exit 127\); no verdict recorded/,
    );
    const after = await readState(sb);
    expect(after.run).toBeUndefined();
    expect(after.step).toBe(before.step);
    expect(after.expected?.checksum).toBe(before.expected?.checksum);
    expect(await deploymentsWithUnit(sb)).toEqual([]);
  });

  it('refuses --continue with a command, and a second run while one is going on', async () => {
    const sb = await sandbox('sysroot-usage');
    const G = ['--sysroot', sb.sysroot, 'bisect', 'run'];
    const bad = await runGrove([...G, '--continue', '--', 'glxcheck'], { env });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--continue takes the command stored/);
    expect((await runGrove([...G, '--systemd', '--', 'glxcheck'], { env })).code).toBe(0);
    const twice = await runGrove([...G, '--systemd', '--', 'glxcheck'], { env });
    expect(twice.code).toBe(1);
    expect(twice.stderr).toMatch(/an unattended run is already going on/);
  });
});
