// `grove trees …` as a new user would try them, on a sandbox with 12 trees in two stateroots:
// 9 of fedora (deployed by the fixture, one booted), 3 of another OS added with `grove trees add`.
// Sizes are checked against a du-style walk of the deployment directories (each inode once).
import { lstat, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeOsHistory, type OsHistory } from '../../fixtures/os-history.js';
import { makeSandbox, type Sandbox } from '../../fixtures/sandbox.js';
import { run } from '../../src/process/run.js';
import { json, runGrove, type GroveResult } from '../helpers/run-grove.js';
import { tempDir } from '../helpers/temp-dir.js';

interface JsonTree {
  index: number;
  stateroot: string;
  checksum: string;
  serial: number;
  version: string | null;
  booted: boolean;
  default: boolean;
  rollback: boolean;
  pinned: boolean;
  path: string;
  bisect: string[];
  usage: { own: number; shared: number; etc: number; complete: boolean };
}
interface JsonList {
  deployments: JsonTree[];
  totals: { content: number; etc: number; refsOnly: number; total: number };
}
interface JsonRemoval {
  dryRun: boolean;
  removed: Array<{ stateroot: string; checksum: string; serial: number; version: string }>;
  commands: string[][];
  freedBytes: number | null;
  estimatedFreedBytes: number;
}

/** du-style: per deployment, allocated bytes of files (outside /etc) linked from it alone, and the rest. */
async function duStyle(paths: string[]): Promise<Map<string, { own: number; shared: number }>> {
  const inodes = new Map<number, { bytes: number; nlink: number; links: number; holders: Set<string> }>();
  const walk = async (root: string, dir: string): Promise<void> => {
    for (const e of await readdir(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (dir === root && e.name === 'etc') continue;
      if (e.isDirectory()) await walk(root, p);
      else {
        const st = await lstat(p);
        const i = inodes.get(st.ino) ?? {
          bytes: st.blocks * 512,
          nlink: st.nlink,
          links: 0,
          holders: new Set(),
        };
        i.links++;
        i.holders.add(root);
        inodes.set(st.ino, i);
      }
    }
  };
  for (const p of paths) await walk(p, p);
  const out = new Map(paths.map((p) => [p, { own: 0, shared: 0 }]));
  for (const i of inodes.values()) {
    // The repository's object is the one link not in a deployment.
    const only = i.holders.size === 1 && i.links + 1 === i.nlink;
    for (const h of i.holders) out.get(h)![only ? 'own' : 'shared'] += i.bytes;
  }
  return out;
}

describe('grove trees: 12 trees in two stateroots', () => {
  let dir: { path: string; cleanup: () => Promise<void> };
  let fedora: OsHistory;
  let other: OsHistory;
  let sb: Sandbox;
  const grove = (...args: string[]): Promise<GroveResult> => runGrove(['--sysroot', sb.sysroot, ...args]);
  const list = async (...extra: string[]) => {
    const r = await grove('trees', 'list', '--json', ...extra);
    expect(r.code, r.stderr).toBe(0);
    return json<JsonList>(r);
  };

  beforeAll(async () => {
    dir = await tempDir('grove-trees-cli-');
    [fedora, other] = await Promise.all([
      makeOsHistory({ dir: join(dir.path, 'fedora'), commits: 10, files: 40, churnBytes: 8192 }),
      makeOsHistory({
        dir: join(dir.path, 'other'),
        commits: 3,
        os: 'verdant',
        ref: 'verdant/stable/x86_64',
        majorVersion: 7,
        seed: 7,
      }),
    ]);
    sb = await makeSandbox({
      dir: join(dir.path, 'sysroot'),
      os: fedora.os,
      remoteUrl: `file://${fedora.repo}`,
      ref: fedora.ref,
      deploy: fedora.commits.slice(0, 9).map((c) => c.checksum),
      boot: true,
    });
  });
  afterAll(() => dir?.cleanup());

  it('adds another OS into its own stateroot, showing pull progress, without changing the next boot', async () => {
    const first = await grove(
      'trees',
      'add',
      'verdant/stable/x86_64',
      '--os',
      'verdant',
      '--remote',
      `verdant=file://${other.repo}`,
      '--not-default',
    );
    expect(first.code, first.stderr).toBe(0);
    expect(first.stderr).toMatch(/pulling verdant:verdant\/stable\/x86_64: \d+.* objects/);
    expect(first.stderr).toMatch(/created stateroot verdant/);
    expect(first.stdout).toMatch(/deployed 7\.0003 .*\(verdant\)/);
    for (const c of other.commits.slice(0, 2)) {
      const r = await grove('trees', 'add', c.checksum, '--os', 'verdant', '--not-default', '--json');
      expect(r.code, r.stderr).toBe(0);
      expect(json<{ deployed: { checksum: string } }>(r).deployed.checksum).toBe(c.checksum);
    }
    const { deployments } = await list();
    expect(deployments).toHaveLength(12);
    expect(deployments.filter((d) => d.stateroot === 'verdant')).toHaveLength(3);
    expect(deployments[0]).toMatchObject({
      booted: true,
      default: true,
      checksum: fedora.commits[8]!.checksum,
    });
  });

  it('refuses bad input with one line and exit 2, changing nothing', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['trees', 'prune'], /prune needs a policy: --keep N/],
      [['trees', 'prune', '--keep', 'three'], /--keep 'three' is not a number/],
      [['trees', 'prune', '--older-than', '3x'], /--older-than '3x' is not a duration/],
      [['trees', 'pin', 'no such/tree'], /'no such\/tree' is not a tree spec/],
      [
        ['trees', 'add', 'x', '--remote', 'r=ftp://nope'],
        /'ftp:\/\/nope' is not an http\(s\):\/\/ or file:\/\/ URL/,
      ],
      [['trees', 'diff', '0', '1', '--packages', '--files'], /exclude each other/],
    ];
    const results = await Promise.all(cases.map(([args]) => grove(...args)));
    for (const [i, [args, message]] of cases.entries()) {
      const r = results[i]!;
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
    }
    expect((await list()).deployments).toHaveLength(12);
  });

  it('pins and unpins', async () => {
    const pin = await grove('trees', 'pin', 'fedora:7');
    expect(pin.code, pin.stderr).toBe(0);
    expect(pin.stdout).toMatch(/^pinned: 44\.0002 /);
    const pinned = (await list()).deployments.filter((d) => d.pinned);
    expect(pinned.map((d) => d.checksum)).toEqual([fedora.commits[1]!.checksum]);
    await grove('trees', 'pin', fedora.commits[2]!.version);
    const unpin = await grove('trees', 'unpin', fedora.commits[2]!.version);
    expect(unpin.stdout).toMatch(/^unpinned: 44\.0003/);
    expect((await list()).deployments.filter((d) => d.pinned)).toHaveLength(1);
  });

  it('lists roles and sizes that match a du-style measurement', async () => {
    const { deployments, totals } = await list();
    const du = await duStyle(deployments.map((d) => d.path));
    for (const d of deployments) {
      expect(d.usage.complete).toBe(true);
      expect({ path: d.path, ...d.usage, etc: 0, complete: true }).toEqual({
        path: d.path,
        ...du.get(d.path)!,
        etc: 0,
        complete: true,
      });
      const etc = await run(['du', '-s', '-B1', join(d.path, 'etc')]);
      expect(d.usage.etc).toBe(Number(etc.stdout.split('\t')[0]));
    }
    // Consecutive builds share almost everything; each has something of its own.
    expect(deployments.every((d) => d.usage.own > 0 && d.usage.shared > d.usage.own)).toBe(true);
    expect(totals.etc).toBe(deployments.reduce((a, d) => a + d.usage.etc, 0));
    expect(deployments[1]).toMatchObject({ rollback: true, stateroot: 'fedora' });

    const human = await grove('trees', 'list');
    expect(human.stdout).toMatch(/booted, default/);
    expect(human.stdout).toMatch(/12 trees: .* on disk/);
  });

  it('diff shows the planted package change, and the files that changed', async () => {
    const b = fedora.commits.find((c, i) => i > 0 && i < 9 && c.changes.length > 0)!;
    const a = fedora.commits[b.index - 1]!;
    const r = await grove('trees', 'diff', a.version, b.version, '--json');
    expect(r.code, r.stderr).toBe(0);
    const d = json<{
      packages: Array<{ name: string; old: string | null; new: string | null }>;
      files: unknown[];
    }>(r);
    for (const c of b.changes) {
      const p = d.packages.find((x) => x.name === c.name);
      expect(p, c.name).toBeDefined();
      if (c.to) expect(p!.new).toContain(c.to);
      if (c.from) expect(p!.old).toContain(c.from);
    }
    expect(d.packages).toHaveLength(b.changes.length);
    expect(d.files.length).toBeGreaterThan(0);
    const human = await grove('trees', 'diff', a.version, b.version, '--packages');
    expect(human.stdout).toContain(`${b.changes[0]!.name} `);
    expect(human.stdout).not.toMatch(/^files:/m);
  });

  it('prune --keep 3 --dry-run names exactly what prune then removes; booted, pinned and other-OS trees survive', async () => {
    const before = (await list()).deployments;
    const dry = await grove('trees', 'prune', '--keep', '3', '--dry-run', '--json');
    expect(dry.code, dry.stderr).toBe(0);
    const planned = json<JsonRemoval>(dry);
    expect(planned.dryRun).toBe(true);
    // fedora: 9 trees; the first 3 stay, the pinned one stays: 5 go. verdant is another stateroot.
    expect(planned.removed).toHaveLength(5);
    expect(planned.commands.at(-1)).toEqual(['ostree', 'admin', 'cleanup', `--sysroot=${sb.sysroot}`]);
    expect((await list()).deployments).toEqual(before); // a dry run changes nothing

    const human = await grove('trees', 'prune', '--keep', '3', '--dry-run');
    for (const t of planned.removed)
      expect(human.stdout).toContain(`would remove ${t.version} ${t.checksum.slice(0, 10)}.${t.serial}`);

    const real = await grove('trees', 'prune', '--keep', '3', '--json');
    expect(real.code, real.stderr).toBe(0);
    const done = json<JsonRemoval>(real);
    const ids = (r: JsonRemoval) => r.removed.map((t) => `${t.stateroot}/${t.checksum}.${t.serial}`).sort();
    expect(ids(done)).toEqual(ids(planned));
    expect(done.freedBytes).toBeGreaterThan(0);
    // Measured, and the estimate was close (ostree also frees metadata and boot files).
    expect(done.freedBytes!).toBeGreaterThanOrEqual(planned.estimatedFreedBytes * 0.8);

    const after = (await list()).deployments;
    expect(after).toHaveLength(7);
    const booted = before.find((d) => d.booted)!;
    const pinned = before.find((d) => d.pinned)!;
    expect(after.some((d) => d.checksum === booted.checksum && d.booted)).toBe(true);
    expect(after.some((d) => d.checksum === pinned.checksum && d.pinned)).toBe(true);
    expect(after.filter((d) => d.stateroot === 'verdant')).toHaveLength(3);
    const status = await run(['ostree', 'admin', 'status', `--sysroot=${sb.sysroot}`]);
    expect(status.stdout.match(/^[* ] \S+ [0-9a-f]{64}\.\d+/gm)).toHaveLength(7);
  });

  it('refuses to remove the booted tree, and a pinned one without --force', async () => {
    const booted = await grove('trees', 'remove', 'booted');
    expect(booted.code).toBe(1);
    expect(booted.stderr).toMatch(/is the booted tree.*Nothing was removed/);
    const pinnedIndex = (await list()).deployments.find((d) => d.pinned)!.index;
    const pinned = await grove('trees', 'remove', String(pinnedIndex));
    expect(pinned.code).toBe(1);
    expect(pinned.stderr).toMatch(/is pinned\. Unpin it first .* or pass --force/);
    expect((await list()).deployments).toHaveLength(7);
    const forced = await grove('trees', 'remove', String(pinnedIndex), '--force');
    expect(forced.code, forced.stderr).toBe(0);
    expect(forced.stdout).toMatch(/^removed 44\.0002/);
    expect(forced.stdout).toMatch(/freed /);
    expect((await list()).deployments).toHaveLength(6);
  });

  it('default and rollback choose the next boot, keeping the tree and its /etc', async () => {
    const verdant = (await list()).deployments.find((d) => d.stateroot === 'verdant')!;
    const r = await grove('trees', 'default', `verdant:0`);
    expect(r.code, r.stderr).toBe(0);
    const after = (await list()).deployments;
    expect(after[0]).toMatchObject({ stateroot: 'verdant', checksum: verdant.checksum });
    // rollback: the booted tree's previous one (fedora) becomes the next boot.
    const rollbackTree = after.find((d) => d.rollback)!;
    const rb = await grove('trees', 'rollback');
    expect(rb.code, rb.stderr).toBe(0);
    expect((await list()).deployments[0]!.checksum).toBe(rollbackTree.checksum);
  });
});
