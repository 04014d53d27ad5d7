// `grove demo` (the README's main command): a whole bisection on a sandbox machine fed by a
// build server on loopback, through the same code paths a real bisection takes.
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import type { Advance } from '../../bisect/advance.js';
import type { BisectEnv } from '../../bisect/bisect-env.js';
import { resetBisect, runPendingCleanup } from '../../bisect/reset.js';
import { runBisection } from '../../bisect/run.js';
import { startBisect } from '../../bisect/start.js';
import { recordVerdict } from '../../bisect/verdict.js';
import { UsageError, UserError } from '../../errors.js';
import { createHttpClient } from '../../http/index.js';
import { startPrefetchProcess } from '../bisect-env.js';
import { sysrootLockPath } from '../../state/paths.js';
import { withSysrootLock } from '../../state/sysroot-lock.js';
import { globalOptions } from '../global-options.js';
import { askVerdict } from '../prompts.js';
import { renderAdvance, renderResult } from '../render/bisect.js';
import { progressPrinter } from '../render/progress.js';

interface DemoFlags {
  auto?: boolean;
  keep?: string;
  commits: string;
  seed?: string;
  latency: string;
}

export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description('bisect a planted Mesa regression on a sandbox machine fed by a local build server')
    .option('--auto', 'judge each tree by running glxcheck in it (the default without a terminal)')
    .option('--keep <dir>', 'build everything in DIR and keep it')
    .option('--commits <n>', 'commits in the generated history', '200')
    .option('--seed <n>', 'seed for the planted regression (default: random)')
    .option('--latency <ms>', 'latency the build server adds per request', '2')
    .action(async function (this: Command, flags: DemoFlags) {
      const g = globalOptions(this);
      const interactive = Boolean(
        process.stdin.isTTY && process.stdout.isTTY && !flags.auto && !g.yes && !g.json,
      );
      await runDemo(flags, interactive);
    });
}

async function runDemo(flags: DemoFlags, interactive: boolean): Promise<void> {
  const commits = Number(flags.commits);
  if (!Number.isInteger(commits) || commits < 8 || commits > 2000) {
    throw new UsageError(`--commits ${flags.commits} is out of range: use a whole number from 8 to 2000`);
  }
  const seed = flags.seed !== undefined ? Number(flags.seed) : Math.floor(Math.random() * 1e9);
  const rnd = mulberry(seed);
  const regressionAt = 1 + Math.floor(rnd() * (commits - 2));
  // Not the regression, nor the commit just before it: with either unbootable, no test can tell
  // which of the two is the first bad one, and the bisection rightly ends with both.
  const bootable = (i: number) => i !== regressionAt && i !== regressionAt - 1;
  const mayFail = Array.from({ length: commits - 2 }, (_, i) => i + 1).filter(bootable);
  const unbootable = mayFail[Math.floor(rnd() * mayFail.length)]!;
  // No-change rebuilds share their parent's content, so none may sit at the regression or next
  // to the unbootable commit (their contents differ there).
  const noChange = [...new Set([0, 1, 2].map(() => 2 + Math.floor(rnd() * (commits - 3))))].filter(
    (i) => i !== regressionAt && Math.abs(i - unbootable) > 1,
  );

  const work = flags.keep ? resolve(flags.keep) : await mkdtemp(join(tmpdir(), 'grove-demo-'));
  if (flags.keep) await mkdir(work, { recursive: true });
  const say = (s: string) => process.stdout.write(s + '\n');
  const started = Date.now();
  const server = { close: async () => undefined } as { close: () => Promise<void> };
  // The fixtures load here: with node:http and node:crypto they would cost every other command's
  // start-up.
  const [{ makeOsHistory }, { serveRepo }, { makeSandbox }] = await Promise.all([
    import('../../../fixtures/os-history.js'),
    import('../../../fixtures/http-server.js'),
    import('../../../fixtures/sandbox.js'),
  ]);
  try {
    say(`grove demo (seed ${seed}): building a ${commits}-commit fedora history with a Mesa regression…`);
    const history = await makeOsHistory({
      dir: join(work, 'server'),
      commits,
      regressionAt,
      unbootable: [unbootable],
      noChange,
      seed,
    });
    const served = await serveRepo({ root: history.repo, latencyMs: Number(flags.latency) });
    server.close = () => served.close();
    say(`build server: ${served.url} (${history.ref})`);
    const good = history.commits[0]!;
    const bad = history.commits[commits - 1]!;
    const sb = await makeSandbox({
      dir: join(work, 'sysroot'),
      os: history.os,
      remoteUrl: served.url,
      ref: history.ref,
      deploy: [good.checksum, bad.checksum],
      boot: true,
    });
    say(`sandbox machine: ${sb.sysroot}, booted ${bad.version} (bad), rollback ${good.version} (good)`);
    const env: BisectEnv = {
      ostree: sb.ostree,
      sysroot: sb.sysroot,
      machine: sb.machine,
      http: createHttpClient(),
      emit: progressPrinter(),
      prefetch: () => startPrefetchProcess(sb.sysroot),
    };
    say(`\n$ grove --sysroot ${sb.sysroot} bisect start rollback booted`);
    // Each step holds the sysroot lock as the grove command it stands for does: the background
    // prefetch removes stale candidates under it, and both change deployments by index.
    const locked = <T>(fn: () => Promise<T>) => withSysrootLock(sysrootLockPath(sb.sysroot), fn);
    const start = await locked(() => startBisect(env, { good: 'rollback', bad: 'booted' }));
    say(renderAdvance(start.advance!, start.state.terms, 'sandbox'));

    let end: Advance;
    let reboots = 0;
    if (!interactive) {
      say(`\n$ grove --sysroot ${sb.sysroot} bisect run -- glxcheck`);
      const r = await locked(() =>
        runBisection(env, {
          argv: ['/usr/bin/glxcheck'],
          onStep: (e) => {
            const v = `${e.candidate.version} (${e.candidate.checksum.slice(0, 10)})`;
            if (e.kind === 'booted' && !e.ok)
              say(`  step ${e.step}: ${v} did not boot: the sandbox fell back`);
            if (e.kind === 'tested') {
              const verdict = e.outcome.kind === 'verdict' ? e.outcome.verdict : e.outcome.kind;
              say(`  step ${e.step}: ${v} → ${verdict}   ${e.output.trim().split('\n')[0] ?? ''}`);
            }
          },
        }),
      );
      end = r.advance;
      reboots = r.reboots;
    } else {
      end = start.advance!;
      while (end.kind === 'testing') {
        say(`\n$ grove machine reboot`);
        const boot = await locked(() => sb.machine.reboot());
        reboots++;
        for (const f of boot.fellBack) say(`  ${f.entry}: ${f.failed}; the bootloader fell back`);
        say(`booted ${boot.booted.checksum.slice(0, 10)}; glxcheck says:`);
        const t = await sb.machine.exec(['/usr/bin/glxcheck']);
        say(`  ${(t.stdout + t.stderr).trim().split('\n').join('\n  ')}`);
        const choice = await askVerdict(start.state.terms, `${boot.booted.checksum.slice(0, 10)}`);
        if (choice === 'quit') throw new UserError(`demo stopped; the sandbox is in ${work}`);
        if (choice === 'retry' || choice === 'back') continue;
        const out = await locked(() => recordVerdict(env, { term: choice }));
        end = out.advance;
        if (end.kind === 'testing') say(renderAdvance(end, start.state.terms, 'sandbox'));
      }
    }
    say('');
    if (end.kind !== 'done') {
      say(renderAdvance(end, start.state.terms, 'sandbox'));
      throw new UserError('the demo bisection ended without a single first bad commit');
    }
    say(renderResult(end.result, start.state.terms));
    const planted = history.commits[regressionAt]!;
    const found = end.result.firstBad.checksum === planted.checksum;
    say(
      found
        ? `\n✓ grove found the planted regression, ${planted.version}, in ${reboots} reboots for ${commits - 2} commits (${((Date.now() - started) / 1000).toFixed(1)}s).`
        : `\n✗ grove named ${end.result.firstBad.version}, but the regression was planted in ${planted.version}.`,
    );
    say(`\n$ grove --sysroot ${sb.sysroot} bisect reset`);
    const reset = await locked(() => resetBisect(env));
    if (reset.originalGone)
      throw new UserError(`the tree the demo started from is gone; the sandbox is in ${work}`);
    say(
      `${reset.original.version ?? ''} (${reset.original.checksum.slice(0, 10)}) is the default tree again.`,
    );
    if (reset.deferred.length > 0) {
      await locked(async () => {
        await sb.machine.reboot();
        await runPendingCleanup(env);
      });
    }
    if (!found) throw new UserError('the demo did not find the planted regression');
  } finally {
    await server.close();
    if (flags.keep) say(`kept everything in ${work}`);
    else await rm(work, { recursive: true, force: true });
  }
}

/** A small seeded PRNG, so that --seed replays a demo exactly. */
function mulberry(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
