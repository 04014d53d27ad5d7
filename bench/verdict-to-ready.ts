// Verdict to "next candidate deployed", as the user waits for it, three ways on the same server:
//   grove  — `grove bisect good|bad` after a reboot and a test, while grove's prefetch had the
//            time between verdicts to pull what could come next;
//   plain  — `ostree pull <next>` + `ostree admin deploy <next>` after the verdict;
//   floor  — the same grove command when the next candidate is already in the local repository;
//   floor without deploying ahead — the floor with GROVE_OSTREE_HELPER=none: what a verdict costs
//            when it has to deploy (ostree without set-default and no helper), for comparison.
// Each is one bisection of the same history, testing the same candidates in the same order.
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { benchSandbox, grove, plannedSequence, waitForPrefetch, type BenchEnv } from './bench-env.js';
import { run } from '../src/process/run.js';
import { log, median, timed } from './stats.js';

export interface VerdictToReady {
  grove: number;
  plain: number;
  floor: number;
  /** The floor when nothing can be deployed ahead (a verdict deploys). */
  deployAfterVerdict: number;
  /** The samples (seconds), one per verdict that led to a next candidate. */
  samples: { grove: number[]; plain: number[]; floor: number[]; deployAfterVerdict: number[] };
  /** How many of grove's verdicts found their next candidate deployed ahead. */
  groveDeployedAhead: number;
}

export async function benchVerdictToReady(env: BenchEnv): Promise<VerdictToReady> {
  const seq = plannedSequence(env.history);
  if (seq.length < 2) throw new Error('the bench history is too short for two bisection steps');
  const index = (c: string) => env.history.commits.findIndex((x) => x.checksum === c);
  log(`bisection plan: ${seq.map((s) => `${s.index}${s.bad ? 'b' : 'g'}`).join(' → ')}`);

  const plain = await plainSequence(env, seq);
  log(`plain: ${plain.map((s) => s.toFixed(2)).join(', ')} s`);
  const groveRun = await groveSequence(env, seq, index, 'grove', {});
  const groveSamples = groveRun.samples;
  log(`grove: ${groveSamples.map((s) => s.toFixed(2)).join(', ')} s (${groveRun.ahead} deployed ahead)`);
  // The floor keeps its background process: with every candidate local it pulls nothing, but it
  // is what removes the stale candidates (GROVE_NO_PREFETCH left them, and each deploy then
  // rewrote the boot entries of one more tree: the floor grew 0.7 -> 1.1 s over the steps).
  const floor = (await groveSequence(env, seq, index, 'floor', {})).samples;
  log(`floor: ${floor.map((s) => s.toFixed(2)).join(', ')} s`);
  const deployAfter = (await groveSequence(env, seq, index, 'floor-deploy', { GROVE_OSTREE_HELPER: 'none' }))
    .samples;
  log(`floor, deploying after the verdict: ${deployAfter.map((s) => s.toFixed(2)).join(', ')} s`);
  return {
    grove: median(groveSamples),
    plain: median(plain),
    floor: median(floor),
    deployAfterVerdict: median(deployAfter),
    samples: { grove: groveSamples, plain, floor, deployAfterVerdict: deployAfter },
    groveDeployedAhead: groveRun.ahead,
  };
}

type Step = { checksum: string; index: number; bad: boolean };

/** ostree's own commands after each verdict; the first candidate is set up untimed. */
async function plainSequence(env: BenchEnv, seq: Step[]): Promise<number[]> {
  const sb = await benchSandbox(env, 'plain', [seq[0]!.checksum]);
  const repo = join(sb.sysroot, 'ostree', 'repo');
  const deploy = (c: string) =>
    sb.ostree.exec(['admin', 'deploy', `--sysroot=${sb.sysroot}`, `--os=${env.history.os}`, '--retain', c]);
  await deploy(seq[0]!.checksum);
  const samples: number[] = [];
  for (const step of seq.slice(1)) {
    const { seconds } = await timed(async () => {
      await sb.ostree.exec([`--repo=${repo}`, 'pull', sb.remote, step.checksum]);
      await deploy(step.checksum);
    });
    samples.push(seconds);
  }
  return samples;
}

/**
 * A bisection driven through the grove CLI: reboot, test, then the verdict command (timed). For
 * the floor every candidate is put into the local repository beforehand, and each verdict waits
 * until the background process is done (it finds nothing to pull); for grove only the first one
 * is (bisect start would otherwise pull it, untimed but slow), and the time between verdicts is
 * what a reboot and a test would take.
 */
async function groveSequence(
  env: BenchEnv,
  seq: Step[],
  index: (c: string) => number,
  name: 'grove' | 'floor' | 'floor-deploy',
  groveEnv: Record<string, string>,
): Promise<{ samples: number[]; ahead: number }> {
  const local = name === 'grove' ? [seq[0]!.checksum] : seq.map((s) => s.checksum);
  const sb = await benchSandbox(env, name, local);
  const os = env.history.os;
  try {
    await grove(sb.sysroot, ['bisect', 'start', 'rollback', 'booted'], groveEnv);
    let deployedAt = Date.now();
    const samples: number[] = [];
    let ahead = 0;
    for (let i = 0; i < seq.length; i++) {
      const step = seq[i]!;
      const boot = await sb.machine.reboot();
      if (boot.booted.checksum !== step.checksum) {
        throw new Error(
          `${name}: booted commit ${index(boot.booted.checksum)}, but the plan tests ${step.index} at step ${i + 1}`,
        );
      }
      const test = await sb.machine.exec(['/usr/bin/glxcheck']);
      const verdict = test.exitCode === 0 ? 'good' : 'bad';
      if ((verdict === 'bad') !== step.bad) throw new Error(`${name}: glxcheck disagrees with the plan`);
      if (name === 'grove') {
        const left = env.profile.betweenVerdicts * 1000 - (Date.now() - deployedAt);
        if (left > 0) await sleep(left);
      } else {
        await waitForPrefetch(sb.sysroot, os);
        // grove's verdicts come 20 s after the last deploy, when the disk has written back what
        // the background process's undeploy left; without this the floor's deploy paid for it.
        await run(['sync', '-f', sb.sysroot]);
      }
      const r = await timed(() => grove(sb.sysroot, ['bisect', verdict], groveEnv));
      deployedAt = Date.now();
      // The last verdict names the first bad commit: no next candidate to get ready.
      if (i < seq.length - 1) {
        samples.push(r.seconds);
        if (/was deployed ahead/.test(r.value.stderr)) ahead++;
      }
    }
    return { samples, ahead };
  } finally {
    await waitForPrefetch(sb.sysroot, os, 10);
  }
}
