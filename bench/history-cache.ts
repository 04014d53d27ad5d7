// The bench history takes about a minute to generate at full size (100 commits of 3,000 files,
// 40 MB): it is generated once and kept under the system temp dir, keyed by the options and by
// the fixture code that wrote it, so a changed generator never serves a stale repository.
import { createHash } from 'node:crypto';
import { access, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeOsHistory, type OsHistory } from '../fixtures/os-history.js';
import type { BenchProfile } from './profile.js';
import { log, timed } from './stats.js';

const GENERATOR_FILES = ['os-history.js', 'os-tree.js', 'history-plan.js', 'seeded-random.js'];

export async function cachedHistory(
  profile: BenchProfile,
): Promise<{ history: OsHistory; cached: boolean; dir: string }> {
  const hash = createHash('sha256').update(JSON.stringify(profile.history));
  const fixtures = join(import.meta.dirname, '..', 'fixtures');
  for (const f of GENERATOR_FILES) hash.update(await readFile(join(fixtures, f)).catch(() => Buffer.from(f)));
  const dir = join(tmpdir(), `grove-bench-cache-${hash.digest('hex').slice(0, 16)}`);
  const manifest = join(dir, 'history.json');
  if (await exists(manifest)) {
    const history = JSON.parse(await readFile(manifest, 'utf8'), revive) as OsHistory;
    return { history, cached: true, dir };
  }
  const tmp = `${dir}.tmp-${process.pid}`;
  await rm(tmp, { recursive: true, force: true });
  await mkdir(tmp, { recursive: true });
  const h = profile.history;
  log(
    `generating a ${h.commits}-commit history of ${h.files} files, ${(h.bytes / 1e6).toFixed(0)} MB (cached in ${dir} afterwards)…`,
  );
  const { seconds, value } = await timed(() =>
    makeOsHistory({
      dir: join(tmp, 'server'),
      commits: h.commits,
      regressionAt: h.regressionAt,
      files: h.files,
      bytes: h.bytes,
      churnBytes: h.churnBytes,
      seed: h.seed,
    }),
  );
  log(`generated in ${seconds.toFixed(1)}s`);
  // Paths inside the manifest point at the final directory.
  const history: OsHistory = { ...value, repo: join(dir, 'server') };
  await writeFile(join(tmp, 'history.json'), JSON.stringify(history));
  await rm(dir, { recursive: true, force: true });
  await rename(tmp, dir);
  return { history, cached: false, dir };
}

function revive(key: string, value: unknown): unknown {
  return key === 'timestamp' && typeof value === 'string' ? new Date(value) : value;
}

async function exists(p: string): Promise<boolean> {
  return access(p).then(
    () => true,
    () => false,
  );
}
