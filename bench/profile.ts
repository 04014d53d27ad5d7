// What `npm run bench` measures on: the history, the server's limits, the time between verdicts.

export interface BenchProfile {
  name: 'full' | 'quick';
  history: {
    commits: number;
    files: number;
    bytes: number;
    churnBytes: number;
    regressionAt: number;
    seed: number;
  };
  server: { latencyMs: number; bandwidthBytesPerSec: number };
  /**
   * Seconds from "candidate deployed" to the next verdict command: the reboot and the test a user
   * waits for anyway, and the time prefetch has. Real reboots take 30 s and more; this is less.
   */
  betweenVerdicts: number;
  /** Repetitions of each listing (the median is reported). */
  listingRuns: number;
}

const MiB = 1024 * 1024;

export const FULL: BenchProfile = {
  name: 'full',
  // ≥ 100 commits of ≥ 3,000 files and ≥ 40 MB, a few MB rewritten per commit.
  history: { commits: 100, files: 3000, bytes: 40 * MiB, churnBytes: 2 * MiB, regressionAt: 61, seed: 6 },
  server: { latencyMs: 30, bandwidthBytesPerSec: 5 * 1000 * 1000 },
  betweenVerdicts: 20,
  listingRuns: 3,
};

export const QUICK: BenchProfile = {
  name: 'quick',
  history: { commits: 12, files: 60, bytes: 512 * 1024, churnBytes: 32 * 1024, regressionAt: 7, seed: 6 },
  server: { latencyMs: 30, bandwidthBytesPerSec: 5 * 1000 * 1000 },
  betweenVerdicts: 0.5,
  listingRuns: 1,
};
