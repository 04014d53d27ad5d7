import { execa } from 'execa';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveRepo, type RepoServer } from '../../fixtures/http-server.js';
import { makeOsHistory, type OsHistory } from '../../fixtures/os-history.js';
import { makeSandbox, type Sandbox } from '../../fixtures/sandbox.js';
import { GROVE_BIN, json, runGrove } from '../helpers/run-grove.js';
import { tempDir } from '../helpers/temp-dir.js';

interface TreesJson {
  deployments: Array<{
    index: number;
    stateroot: string;
    checksum: string;
    serial: number;
    version: string | null;
    timestamp: string | null;
    origin: string | null;
    booted: boolean;
    default: boolean;
    rollback: boolean;
    pinned: boolean;
    staged: boolean;
    path: string;
  }>;
}

describe('grove as a new user meets it', () => {
  let dir: { path: string; cleanup: () => Promise<void> };
  let history: OsHistory;
  let server: RepoServer;
  let sb: Sandbox;

  beforeAll(async () => {
    dir = await tempDir();
    history = await makeOsHistory({
      dir: join(dir.path, 'server'),
      commits: 8,
      regressionAt: 5,
      unbootable: [6],
    });
    server = await serveRepo({ root: history.repo });
    sb = await makeSandbox({
      dir: join(dir.path, 'sysroot'),
      os: history.os,
      remoteUrl: server.url,
      ref: history.ref,
      deploy: [history.commits[2]!.checksum, history.commits[7]!.checksum],
    });
  });
  afterAll(async () => {
    await server.close();
    await dir.cleanup();
  });

  it('prints its version and help', async () => {
    const v = await runGrove(['--version']);
    expect(v.code).toBe(0);
    expect(v.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
    // The bin of earlier builds, which a running bisection's systemd unit may name, still runs.
    const old = await execa(process.execPath, [join(GROVE_BIN, '..', 'grove.mjs'), '--version'], {
      reject: false,
    });
    expect(old.exitCode, old.stderr).toBe(0);
    expect(old.stdout.trim()).toBe(v.stdout.trim());
    const h = await runGrove(['help']);
    expect(h.code).toBe(0);
    expect(h.stdout).toMatch(/bisect/);
    expect(h.stdout).toMatch(/trees/);
    const sub = await runGrove(['trees', 'list', '--help']);
    expect(sub.code).toBe(0);
    expect(sub.stdout).toMatch(/--sysroot/);
  });

  it('answers a usage error with one line and exit 2', async () => {
    for (const args of [
      ['frobnicate'],
      ['trees', 'list', '--bogus'],
      ['bisect', 'start', '--did-not-boot', 'maybe', 'a', 'b'],
    ]) {
      const r = await runGrove(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr.trim().split('\n'), args.join(' ')).toHaveLength(1);
      expect(r.stderr).toMatch(/^grove: /);
      expect(r.stdout).toBe('');
    }
  });

  it('names a sysroot that is missing or not a sysroot, and what to do', async () => {
    const missing = await runGrove(['trees', 'list', '--sysroot', join(dir.path, 'nope')]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/--sysroot .*nope does not exist/);
    const plain = join(dir.path, 'plain');
    await mkdir(plain);
    const notOne = await runGrove(['--sysroot', plain, 'trees', 'list']);
    expect(notOne.code).toBe(1);
    expect(notOne.stderr).toMatch(/is not an OSTree sysroot .*ostree admin init-fs/);
    expect(notOne.stderr.trim().split('\n')).toHaveLength(1);
    expect(notOne.stderr).not.toMatch(/at .*\.js:\d+/); // no stack trace
  });

  it('says when ostree is not installed', async () => {
    const r = await runGrove(['trees', 'list', '--sysroot', sb.sysroot], { env: { PATH: '/nonexistent' } });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/ostree is not installed.*apt-get install ostree/);
  });

  it('says when a sysroot has no deployments', async () => {
    const empty = join(dir.path, 'empty');
    await mkdir(empty);
    await sb.ostree.sysroot(empty).initFs();
    const r = await runGrove(['trees', 'list', '--sysroot', empty]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/no deployments in .*grove trees add/);
  });

  it('refuses machine exec before anything booted', async () => {
    const r = await runGrove(['--sysroot', sb.sysroot, 'machine', 'exec', '--', 'true']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/no tree is booted .*grove machine reboot/);
    const s = json<{ machine: string; booted: unknown }>(
      await runGrove(['--sysroot', sb.sysroot, 'machine', 'status', '--json']),
    );
    expect(s).toEqual({ machine: 'sandbox', booted: null });
  });

  it('boots the sandbox, lists the trees with roles, and runs commands in the booted tree', async () => {
    const boot = await runGrove(['machine', 'reboot', '--sysroot', sb.sysroot]);
    expect(boot.code).toBe(0);
    expect(boot.stdout).toMatch(new RegExp(`booted fedora ${history.commits[7]!.checksum.slice(0, 10)}`));

    const status = json<{
      machine: string;
      booted: { stateroot: string; checksum: string; serial: number; path: string };
    }>(await runGrove(['--sysroot', sb.sysroot, 'machine', 'status', '--json']));
    expect(status.machine).toBe('sandbox');
    expect(status.booted).toMatchObject({
      stateroot: 'fedora',
      checksum: history.commits[7]!.checksum,
      serial: 0,
    });

    // global options before or after the command
    const a = json<TreesJson>(await runGrove(['--sysroot', sb.sysroot, 'trees', 'list', '--json']));
    const b = json<TreesJson>(await runGrove(['trees', 'list', '--sysroot', sb.sysroot, '--json']));
    const c = json<TreesJson>(
      await runGrove(['trees', 'list', '--json'], { env: { GROVE_SYSROOT: sb.sysroot } }),
    );
    expect(b).toEqual(a);
    expect(c).toEqual(a);
    expect(a.deployments).toHaveLength(2);
    expect(a.deployments[0]).toMatchObject({
      index: 0,
      stateroot: 'fedora',
      checksum: history.commits[7]!.checksum,
      version: history.commits[7]!.version,
      timestamp: history.commits[7]!.timestamp.toISOString(),
      origin: `fedora:${history.ref}`,
      booted: true,
      default: true,
      rollback: false,
      pinned: false,
      staged: false,
    });
    expect(a.deployments[1]).toMatchObject({ index: 1, booted: false, default: false, rollback: true });

    const table = await runGrove(['--sysroot', sb.sysroot, 'trees', 'list']);
    expect(table.code).toBe(0);
    expect(table.stdout).toContain(history.commits[7]!.version);
    expect(table.stdout).toMatch(/booted, default/);
    expect(table.stdout).toMatch(/rollback/);

    const cat = await runGrove([
      '--sysroot',
      sb.sysroot,
      'machine',
      'exec',
      '--',
      'cat',
      '/usr/lib/os-release',
    ]);
    expect(cat.code).toBe(0);
    expect(cat.stdout).toContain(history.commits[7]!.version);
    const glx = await runGrove(['--sysroot', sb.sysroot, 'machine', 'exec', '--', 'glxcheck']);
    expect(glx.code).toBe(1); // commit 7 is past the planted regression at 5
  });

  it('falls back past a tree whose kernel is empty', async () => {
    const sysroot = sb.ostree.sysroot(sb.sysroot);
    await sysroot.repo().pull(sb.remote, [history.commits[6]!.checksum]);
    await sysroot.deploy(history.commits[6]!.checksum, { os: 'fedora', retain: true, noPrune: true });
    const boot = await runGrove(['--sysroot', sb.sysroot, 'machine', 'reboot']);
    expect(boot.code).toBe(0);
    expect(boot.stderr).toMatch(/failed: kernel .* is empty; falling back/);
    const s = json<{ booted: { checksum: string } }>(
      await runGrove(['--sysroot', sb.sysroot, 'machine', 'status', '--json']),
    );
    expect(s.booted.checksum).toBe(history.commits[7]!.checksum);
  });

  it('reports a corrupt firmware record instead of guessing', async () => {
    const other = join(dir.path, 'corrupt');
    await mkdir(join(other, '.grove-sandbox'), { recursive: true });
    await sb.ostree.sysroot(other).initFs();
    await writeFile(join(other, '.grove-sandbox', 'firmware.json'), '{not json');
    const r = await runGrove(['--sysroot', other, 'machine', 'status']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/corrupt/);
  });
});
