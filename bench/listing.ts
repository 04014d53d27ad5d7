// Listing the commits between good and bad: grove reads `.commit` objects parent by parent over
// HTTP; ostree's way is `pull --commit-metadata-only --depth=-1` into a repository, then `log`.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { sandboxOstree } from '../fixtures/sandbox.js';
import { listRange } from '../src/builders/remote-history.js';
import { createHttpClient } from '../src/http/index.js';
import type { BenchEnv } from './bench-env.js';
import { log, median, timed } from './stats.js';

export interface Listing {
  grove: number;
  plain: number;
  commits: number;
}

export async function benchListing(env: BenchEnv): Promise<Listing> {
  const c = env.history.commits;
  const good = c[0]!.checksum;
  const bad = c[c.length - 1]!.checksum;
  const ostree = sandboxOstree();
  const groveRuns: number[] = [];
  const plainRuns: number[] = [];
  let listed = 0;
  for (let i = 0; i < env.profile.listingRuns; i++) {
    const http = createHttpClient();
    try {
      const g = await timed(() => listRange({ baseUrl: env.server.url, good, bad, http }));
      groveRuns.push(g.seconds);
      listed = g.value.commits.length;
    } finally {
      await http.close();
    }
    const dir = join(env.work, `listing-${i}`);
    await mkdir(dir, { recursive: true });
    const repo = ostree.repo(dir);
    await repo.init('bare-user');
    await repo.remoteAdd('os', env.server.url, { gpgVerify: false });
    const p = await timed(async () => {
      await ostree.exec([
        `--repo=${dir}`,
        'pull',
        '--commit-metadata-only',
        '--depth=-1',
        'os',
        env.history.ref,
      ]);
      return ostree.exec([`--repo=${dir}`, 'log', env.history.ref]);
    });
    plainRuns.push(p.seconds);
    const logged = (p.value.stdout.match(/^commit /gm) ?? []).length;
    if (logged !== listed) log(`listing: grove listed ${listed} commits, ostree log ${logged}`);
  }
  log(
    `listing: grove ${groveRuns.map((s) => s.toFixed(2)).join(', ')} s; ostree ${plainRuns.map((s) => s.toFixed(2)).join(', ')} s`,
  );
  return { grove: median(groveRuns), plain: median(plainRuns), commits: listed };
}
