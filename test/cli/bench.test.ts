// `npm run bench --quick` runs and reports sane numbers. A benchmark, not a timed test: the
// targets and the wall-clock figures themselves are never asserted here.
import { execa } from 'execa';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const BENCH = join(import.meta.dirname, '..', '..', 'dist', 'bench', 'index.js');

interface BenchJson {
  verdictToReady: {
    grove: number;
    plain: number;
    floor: number;
    ratio: number;
    overFloor: number;
    deployAfterVerdict: number;
    deployedAhead: { verdicts: number; of: number };
  };
  listing: { grove: number; plain: number; ratio: number };
  run: { seconds: number; reboots: number; commits: number };
  trees: {
    listSeconds: number;
    deployments: number;
    files: number;
    bytesPerAddedTree: number;
    treeBytes: number;
    ratio: number;
  };
  source: {
    parallelSeconds: number;
    serialSeconds: number;
    ratio: number;
    rebuiltOnRepeat: number;
    commits: number;
  };
}

describe('npm run bench --quick', () => {
  it('prints the figures as JSON, all positive, with reboots and commits counted', async () => {
    const r = await execa(process.execPath, [BENCH, '--quick', '--json'], { reject: false });
    expect(r.exitCode, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout) as BenchJson;
    expect(Object.keys(j)).toEqual(['verdictToReady', 'listing', 'run', 'trees', 'source']);
    // The issue's five figures, and two more: the floor when a verdict deploys, and how many of
    // grove's verdicts found their candidate deployed ahead.
    const { deployAfterVerdict, deployedAhead, ...issueFigures } = j.verdictToReady;
    expect(Object.keys(issueFigures).sort()).toEqual(['floor', 'grove', 'overFloor', 'plain', 'ratio']);
    expect(deployAfterVerdict).toBeGreaterThan(0);
    expect(Number.isInteger(deployedAhead.verdicts)).toBe(true);
    expect(deployedAhead.verdicts).toBeLessThanOrEqual(deployedAhead.of);
    expect(deployedAhead.of).toBeGreaterThan(0);
    expect(Object.keys(j.listing).sort()).toEqual(['grove', 'plain', 'ratio']);
    expect(Object.keys(j.run).sort()).toEqual(['commits', 'reboots', 'seconds']);
    for (const v of [...Object.values(issueFigures), ...Object.values(j.listing), j.run.seconds]) {
      expect(Number.isFinite(v) && v > 0).toBe(true);
    }
    // The ratios are what the keys say they are.
    const v = j.verdictToReady;
    expect(v.ratio).toBeCloseTo(v.plain / v.grove, 1);
    expect(v.overFloor).toBeCloseTo(v.grove / v.floor, 1);
    expect(j.listing.ratio).toBeCloseTo(j.listing.plain / j.listing.grove, 1);
    expect(j.run.reboots).toBeGreaterThan(0);
    expect(Number.isInteger(j.run.reboots)).toBe(true);
    expect(j.run.commits).toBeGreaterThan(2);
    // A bisection needs at least log2 of the range in reboots, and fewer than the range itself.
    expect(j.run.reboots).toBeGreaterThanOrEqual(Math.floor(Math.log2(j.run.commits - 2)));
    expect(j.run.reboots).toBeLessThan(j.run.commits);
    // trees: a listing took time, and an added tree costs less than a whole tree
    expect(j.trees.listSeconds).toBeGreaterThan(0);
    expect(j.trees.files).toBeGreaterThanOrEqual(3000);
    expect(j.trees.bytesPerAddedTree).toBeGreaterThan(0);
    expect(j.trees.bytesPerAddedTree).toBeLessThan(j.trees.treeBytes);
    expect(j.trees.ratio).toBeCloseTo(j.trees.bytesPerAddedTree / j.trees.treeBytes, 3);
    // source: both bisections ran; the repeat reused every build it waited for
    expect(j.source.parallelSeconds).toBeGreaterThan(0);
    expect(j.source.serialSeconds).toBeGreaterThan(0);
    expect(j.source.ratio).toBeCloseTo(j.source.serialSeconds / j.source.parallelSeconds, 1);
    expect(j.source.rebuiltOnRepeat).toBe(0);
  }, 600_000);
});
