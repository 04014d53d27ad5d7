// The fixture generators' command line, as the README's "by hand" section uses it: a history, a
// server for it, a sandbox booted into its last commit, and grove on that sandbox.
import { execa, type ResultPromise } from 'execa';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { json, runGrove } from '../helpers/run-grove.js';
import { tempDir } from '../helpers/temp-dir.js';

const CLI = join(import.meta.dirname, '..', '..', 'dist', 'fixtures', 'cli.js');
const fixtures = (...args: string[]) => execa(process.execPath, [CLI, ...args], { reject: false });

describe('fixtures command line', () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let server: ResultPromise | null = null;
  let url = '';
  beforeAll(async () => {
    dir = await tempDir();
    const made = await fixtures(
      'make-history',
      '--dir',
      join(dir.path, 'h'),
      '--commits',
      '6',
      '--regression-at',
      '4',
    );
    expect(made.exitCode, made.stderr).toBe(0);
    server = execa(process.execPath, [CLI, 'serve', '--root', join(dir.path, 'h')], { reject: false });
    const lines = createInterface({ input: server.stdout! });
    url = await new Promise<string>((resolve) => lines.once('line', resolve));
  });
  afterAll(async () => {
    server?.kill('SIGTERM');
    await server;
    await dir.cleanup();
  });

  it('makes a sandbox booted into the last commit, with the first as rollback', async () => {
    const sysroot = join(dir.path, 'sr');
    const r = await fixtures(
      'make-sandbox',
      '--dir',
      sysroot,
      '--history',
      join(dir.path, 'h'),
      '--url',
      url,
    );
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout.trim()).toBe(sysroot);
    const trees = json<{ deployments: Array<{ version: string; booted: boolean; rollback: boolean }> }>(
      await runGrove(['--sysroot', sysroot, '--json', 'trees', 'list']),
    );
    expect(trees.deployments.map((d) => [d.version, d.booted, d.rollback])).toEqual([
      ['44.0006', true, false],
      ['44.0001', false, true],
    ]);
    const start = await runGrove(['--sysroot', sysroot, 'bisect', 'start', 'rollback', 'booted']);
    expect(start.code, start.stderr).toBe(0);
    const run = await runGrove(['--sysroot', sysroot, 'bisect', 'run', '--', 'glxcheck']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/First bad commit: [0-9a-f]{64}\n {2}version 44\.0005/);
  });

  it('names a --deploy it cannot resolve, and exits 2', async () => {
    const r = await fixtures(
      'make-sandbox',
      '--dir',
      join(dir.path, 'sr2'),
      '--history',
      join(dir.path, 'h'),
      '--url',
      url,
      '--deploy',
      'first,99',
    );
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/--deploy 99 is not first, last, an index below 6/);
  });
});
