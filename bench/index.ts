// `npm run bench`: one run that measures, on the fixture build server (30 ms per request, 5 MB/s),
// over a realistic history: verdict-to-ready for grove (with prefetch), the plain ostree sequence
// and the floor; listing the range; and a whole unattended bisection. `--quick` is a small version
// for the test suite; `--json` prints the figures only; `--keep` keeps the work directory.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { openServers, type BenchEnv } from './bench-env.js';
import { cachedHistory } from './history-cache.js';
import { benchListing } from './listing.js';
import { FULL, QUICK, type BenchProfile } from './profile.js';
import { benchJson, renderBench } from './report.js';
import { log } from './stats.js';
import { benchSource } from './source.js';
import { benchTrees } from './trees.js';
import { benchRun } from './unattended-run.js';
import { benchVerdictToReady } from './verdict-to-ready.js';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      quick: { type: 'boolean' },
      json: { type: 'boolean' },
      keep: { type: 'boolean' },
      between: { type: 'string' },
    },
  });
  const base = values.quick ? QUICK : FULL;
  const between = values.between !== undefined ? Number(values.between) : base.betweenVerdicts;
  if (!Number.isFinite(between) || between < 0)
    throw new Error(`--between ${values.between} is not a number of seconds`);
  const profile: BenchProfile = { ...base, betweenVerdicts: between };
  const started = Date.now();
  // The sandboxes stay mutable so the work directory can be removed like any directory.
  process.env.OSTREE_SYSROOT_DEBUG = 'mutable-deployments';

  const { history, cached } = await cachedHistory(profile);
  const work = await mkdtemp(join(tmpdir(), 'grove-bench-'));
  const { server, setupServer } = await openServers(history, profile);
  const env: BenchEnv = { profile, history, work, server, setupServer };
  try {
    log(`bench (${profile.name}) in ${work}; build server ${server.url}`);
    const listing = await benchListing(env);
    const v = await benchVerdictToReady(env);
    const run = await benchRun(env);
    log('trees bench…');
    const trees = await benchTrees({ quick: profile.name === 'quick' });
    log('source bench…');
    const source = await benchSource({ quick: profile.name === 'quick' });
    const j = benchJson(v, listing, run, trees, source);
    const wall = (Date.now() - started) / 1000;
    if (values.json) process.stdout.write(JSON.stringify(j, null, 2) + '\n');
    else process.stdout.write(renderBench(j, { profile, v, l: listing, r: run, cached, wall }) + '\n');
  } finally {
    await server.close();
    await setupServer.close();
    if (values.keep) log(`kept ${work}`);
    else await rm(work, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`bench: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exitCode = 1;
});
