// Deploying ahead, end to end with the built CLI: while a candidate is tested, the background
// process deploys both candidates that can come next after every other tree; a verdict then only
// moves one of them to the front (same deployment, no new one); the bisection still names the
// planted commit, and reset leaves the trees the user started with. Without the order helper
// (GROVE_OSTREE_HELPER=none) nothing is deployed ahead and a verdict deploys, as before.
import { lstat, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sandbox } from '../../fixtures/sandbox.js';
import { isAlive } from '../../src/bisect/prefetch.js';
import { json, runGrove } from '../helpers/run-grove.js';
import { servedHistory, type ServedHistory } from '../helpers/served-history.js';

interface Tree {
  stateroot: string;
  checksum: string;
  serial: number;
  booted: boolean;
  default: boolean;
  rollback: boolean;
  pinned: boolean;
  bisect: string[];
}

const PLANTED = 19;

describe('bisect: candidates deployed ahead', () => {
  let served: ServedHistory;

  beforeAll(async () => {
    served = await servedHistory({ commits: 30, regressionAt: PLANTED });
  });
  afterAll(() => served?.close());

  const cli = (sb: Sandbox, env: Record<string, string> = {}) => ({
    grove: (...args: string[]) => runGrove(['--sysroot', sb.sysroot, ...args], { env }),
    trees: async () =>
      json<{ deployments: Tree[] }>(
        await runGrove(['--sysroot', sb.sysroot, 'trees', 'list', '--json'], { env }),
      ).deployments,
  });
  const id = (t: Pick<Tree, 'checksum' | 'serial'>) => `${t.checksum}.${t.serial}`;

  it('deploys both next candidates last, and a verdict moves one to the front', async () => {
    const sb = await served.bootedIntoBad();
    const { grove, trees } = cli(sb);
    const before = (await trees()).map(id);
    const start = await grove('bisect', 'start', 'rollback', 'booted');
    expect(start.code, start.stderr).toBe(0);
    await prefetchDone(sb);

    let list = await trees();
    const ahead = list.filter((t) => t.bisect.includes('ahead'));
    expect(ahead).toHaveLength(2);
    // Last, after every tree that was there: the next boot and the rollback are unchanged.
    expect(list.slice(-2).map(id).sort()).toEqual(ahead.map(id).sort());
    expect(list[0]!.bisect).toContain('candidate');
    expect(list.find((t) => t.rollback)!.checksum).toBe(served.history.commits[0]!.checksum);

    let verdicts = 0;
    let last = start;
    for (let guard = 0; guard < 10 && !/First bad commit:/.test(last.stdout); guard++) {
      expect((await grove('machine', 'reboot')).code).toBe(0);
      const test = await grove('machine', 'exec', '--', 'glxcheck');
      await prefetchDone(sb);
      list = await trees();
      const aheadIds = list.filter((t) => t.bisect.includes('ahead')).map(id);
      last = await grove('bisect', test.code === 0 ? 'good' : 'bad');
      expect(last.code, last.stderr).toBe(0);
      verdicts++;
      if (/First bad commit:/.test(last.stdout)) break;
      // The next candidate is one of the trees deployed ahead, the same deployment, now first.
      expect(last.stderr).toMatch(/was deployed ahead: making it the next boot/);
      expect(last.stderr).not.toMatch(/^deploying /m);
      const now = await trees();
      expect(aheadIds).toContain(id(now[0]!));
      expect(now[0]!.bisect).toContain('candidate');
      expect(now.filter((t) => t.checksum === now[0]!.checksum)).toHaveLength(1);
    }
    expect(last.stdout).toContain(`First bad commit: ${served.history.commits[PLANTED]!.checksum}`);
    expect(verdicts).toBeLessThanOrEqual(Math.ceil(Math.log2(29)));

    await prefetchDone(sb);
    expect((await trees()).filter((t) => t.bisect.includes('ahead'))).toEqual([]);
    // reset: the running candidate goes after the next boot (a booted tree cannot be removed).
    const reset = await grove('bisect', 'reset');
    expect(reset.code, reset.stderr).toBe(0);
    expect((await grove('machine', 'reboot')).code).toBe(0);
    const cleanup = await grove('bisect', 'reset');
    expect(cleanup.code, cleanup.stderr).toBe(0);
    expect((await trees()).map(id)).toEqual(before);
  });

  it('reset removes the trees deployed ahead', async () => {
    const sb = await served.bootedIntoBad();
    const { grove, trees } = cli(sb);
    const before = (await trees()).map(id);
    expect((await grove('bisect', 'start', 'rollback', 'booted')).code).toBe(0);
    await prefetchDone(sb);
    expect((await trees()).filter((t) => t.bisect.includes('ahead'))).toHaveLength(2);
    const reset = await grove('bisect', 'reset');
    expect(reset.code, reset.stderr).toBe(0);
    expect((await trees()).map(id)).toEqual(before);
  });

  it('finds a tree whose deploy ahead was killed before it was recorded, and reset removes it', async () => {
    const sb = await served.bootedIntoBad();
    const { grove, trees } = cli(sb);
    const before = (await trees()).map(id);
    expect((await grove('bisect', 'start', 'rollback', 'booted')).code).toBe(0);
    await prefetchDone(sb);
    // As a process killed between `ostree admin deploy` and the state write leaves it: the
    // intent (serial -1) is recorded, the deployment exists, `deployed` does not know it.
    const file = join(sb.sysroot, 'ostree/deploy/fedora/var/lib/grove/bisect/state.json');
    const state = JSON.parse(await readFile(file, 'utf8')) as {
      ahead: Array<{ checksum: string; serial: number }>;
      deployed: Array<{ checksum: string; serial: number }>;
    };
    const lost = state.ahead[0]!;
    state.deployed = state.deployed.filter((d) => d.checksum !== lost.checksum);
    lost.serial = -1;
    await writeFile(file, JSON.stringify(state));
    expect((await trees()).some((t) => t.checksum === lost.checksum)).toBe(true);
    const reset = await grove('bisect', 'reset');
    expect(reset.code, reset.stderr).toBe(0);
    expect((await trees()).map(id)).toEqual(before);
  });

  it('on a host (--systemd here) installs the unit that fetches again after each boot; trees inherit it; reset removes it', async () => {
    const sb = await served.bootedIntoBad();
    const { grove, trees } = cli(sb);
    const start = await grove('bisect', 'start', '--systemd', 'rollback', 'booted');
    expect(start.code, start.stderr).toBe(0);
    expect(start.stderr).toContain('installed grove-bisect-prefetch.service');
    await prefetchDone(sb);
    const unitIn = async (t: Tree) => {
      const path = join(
        sb.sysroot,
        'ostree/deploy',
        t.stateroot,
        'deploy',
        `${t.checksum}.${t.serial}`,
        'etc/systemd/system',
      );
      const unit = await readFile(join(path, 'grove-bisect-prefetch.service'), 'utf8').catch(() => null);
      // Enabled: a link in multi-user.target.wants (to /etc/..., as the booted tree sees it).
      const wanted = await lstat(
        join(path, 'multi-user.target.wants', 'grove-bisect-prefetch.service'),
      ).catch(() => null);
      return unit !== null && /bisect prefetch --after-boot/.test(unit) && wanted !== null;
    };
    const list = await trees();
    // The booted tree, the candidate, and (through the /etc merge) the trees deployed ahead.
    for (const t of list.filter((x) => x.booted || x.default || x.bisect.includes('ahead'))) {
      expect(await unitIn(t), `${t.checksum.slice(0, 10)}.${t.serial}`).toBe(true);
    }
    // After the reboot into the candidate, what systemd runs: it fetches (here nothing is left
    // to pull: the background process did it before the reboot).
    expect((await grove('machine', 'reboot')).code).toBe(0);
    const afterBoot = await grove('bisect', 'prefetch', '--after-boot');
    expect(afterBoot.code, afterBoot.stderr).toBe(0);
    expect(afterBoot.stderr).toMatch(/prefetched \d+ candidate/);
    const reset = await grove('bisect', 'reset');
    expect(reset.code, reset.stderr).toBe(0);
    for (const t of await trees()) expect(await unitIn(t)).toBe(false);
    // No bisection: the unit, were it left somewhere, does nothing.
    const idle = await grove('bisect', 'prefetch', '--after-boot');
    expect(idle.code, idle.stderr).toBe(0);
    expect(idle.stderr).toMatch(/nothing to fetch/);
  });

  it('without the order helper deploys nothing ahead and a verdict deploys', async () => {
    const sb = await served.bootedIntoBad();
    const { grove, trees } = cli(sb, { GROVE_OSTREE_HELPER: 'none' });
    expect((await grove('bisect', 'start', 'rollback', 'booted')).code).toBe(0);
    await prefetchDone(sb);
    expect((await trees()).filter((t) => t.bisect.includes('ahead'))).toEqual([]);
    expect((await grove('machine', 'reboot')).code).toBe(0);
    const test = await grove('machine', 'exec', '--', 'glxcheck');
    const verdict = await grove('bisect', test.code === 0 ? 'good' : 'bad');
    expect(verdict.code, verdict.stderr).toBe(0);
    expect(verdict.stderr).toMatch(/^deploying /m);
    expect((await grove('bisect', 'reset')).code).toBe(0);
  });
});

/** Waits until the background process of the sandbox's bisection has finished its work. */
async function prefetchDone(sb: Sandbox): Promise<void> {
  const file = join(sb.sysroot, 'ostree/deploy/fedora/var/lib/grove/bisect/prefetch.json');
  for (let i = 0; i < 1200; i++) {
    const rec = JSON.parse(await readFile(file, 'utf8').catch(() => '{}')) as {
      finished?: boolean;
      pid?: number;
    };
    // Gone: finished, or stopped by a verdict that started no other (the bisection ended).
    if (!rec.pid || !isAlive(rec.pid)) return;
    await sleep(50);
  }
  throw new Error('the background prefetch did not finish within 60 s');
}
