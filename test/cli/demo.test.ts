// `grove demo --auto` (the README's main command) finds the planted regression and leaves the
// sandbox as it found it: the good and the bad tree deployed, the bad one the default, nothing of
// the bisection left. The background prefetch removes stale candidates while the demo runs; both
// change deployments by index, so this also proves they take turns.
import { execa } from 'execa';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runGrove } from '../helpers/run-grove.js';
import { tempDir } from '../helpers/temp-dir.js';

describe('grove demo --auto', () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  beforeAll(async () => {
    dir = await tempDir();
  });
  afterAll(async () => {
    await dir.cleanup();
  });

  it.each([3, 11])('finds the regression and restores the sandbox (seed %i)', async (seed) => {
    const keep = join(dir.path, `demo-${seed}`);
    const r = await runGrove(['demo', '--auto', '--keep', keep, '--commits', '40', '--seed', String(seed)]);
    expect(r.code, r.stderr + r.stdout).toBe(0);
    expect(r.stdout).toMatch(/✓ grove found the planted regression, (\S+), in \d+ reboots for 38 commits/);
    const start = /booted (\S+) \(bad\), rollback (\S+) \(good\)/.exec(r.stdout);
    expect(start).not.toBeNull();
    const [, bad, good] = start!;
    expect(r.stdout).toContain(`${bad} (`);

    const sysroot = join(keep, 'sysroot');
    const trees = await runGrove(['--sysroot', sysroot, '--json', 'trees', 'list']);
    expect(trees.code, trees.stderr).toBe(0);
    const list = JSON.parse(trees.stdout) as { deployments: { version: string; default: boolean }[] };
    expect(list.deployments.map((t) => t.version)).toEqual([bad, good]);
    expect(list.deployments[0]!.default).toBe(true);
    const refs = await execa('ostree', ['refs', `--repo=${join(sysroot, 'ostree', 'repo')}`]);
    expect(refs.stdout.split('\n').filter((l) => l.startsWith('grove/'))).toEqual([]);
  });
});
