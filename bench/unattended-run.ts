// A whole unattended bisection of a sandbox, as a user would start it:
// `grove bisect start rollback booted`, then `grove bisect run -- glxcheck`.
import { join } from 'node:path';
import { readJsonFile } from '../src/state/atomic-file.js';
import { groveVarDir } from '../src/state/paths.js';
import { benchSandbox, grove, waitForPrefetch, type BenchEnv } from './bench-env.js';
import { log, timed } from './stats.js';

export interface UnattendedRun {
  /** Wall time of `bisect run`, from the first reboot to the named commit. */
  seconds: number;
  /** Wall time of `bisect start` (listing the range, deploying the first candidate). */
  startSeconds: number;
  reboots: number;
  /** Commits in the bisected range, good and bad included. */
  commits: number;
  found: boolean;
}

export async function benchRun(env: BenchEnv): Promise<UnattendedRun> {
  const sb = await benchSandbox(env, 'run');
  try {
    const start = await timed(() => grove(sb.sysroot, ['bisect', 'start', 'rollback', 'booted']));
    const r = await timed(() => grove(sb.sysroot, ['bisect', 'run', '--json', '--', 'glxcheck']));
    const out = JSON.parse(r.value.stdout) as {
      reboots: number;
      result: { kind: string; result?: { firstBad?: { checksum: string } } };
    };
    const planted = env.history.firstBad !== null ? env.history.commits[env.history.firstBad]! : null;
    const found = out.result.result?.firstBad?.checksum === planted?.checksum;
    const state = await readJsonFile<{ commits: unknown[] }>(
      join(groveVarDir(sb.sysroot, env.history.os), 'bisect', 'state.json'),
      'bisect state',
    );
    const commits = state?.commits.length ?? 0;
    log(
      `run: ${out.reboots} reboots in ${r.seconds.toFixed(1)}s; ${found ? 'found' : 'did NOT find'} the planted commit`,
    );
    return { seconds: r.seconds, startSeconds: start.seconds, reboots: out.reboots, commits, found };
  } finally {
    await waitForPrefetch(sb.sysroot, env.history.os, 10);
  }
}
