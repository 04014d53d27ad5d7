// The bench's output: a table for people, and `--json` with the figures only.
import Table from 'cli-table3';
import type { BenchProfile } from './profile.js';
import type { Listing } from './listing.js';
import type { SourceBench } from './source.js';
import type { TreesBench } from './trees.js';
import type { UnattendedRun } from './unattended-run.js';
import type { VerdictToReady } from './verdict-to-ready.js';

export interface BenchJson {
  verdictToReady: {
    grove: number;
    plain: number;
    floor: number;
    ratio: number;
    overFloor: number;
    /** Beyond the issue's figures: the floor when a verdict has to deploy (no order helper). */
    deployAfterVerdict: number;
    /** How many of grove's timed verdicts found their candidate deployed ahead, of how many. */
    deployedAhead: { verdicts: number; of: number };
  };
  listing: { grove: number; plain: number; ratio: number };
  run: { seconds: number; reboots: number; commits: number };
  trees: TreesBench;
  source: Pick<SourceBench, 'parallelSeconds' | 'serialSeconds' | 'ratio' | 'rebuiltOnRepeat' | 'commits'>;
}

export const TARGETS = { overFloor: 1.25, ratio: 5, listingRatio: 1, sourceRatio: 1.5 };

const round = (x: number, digits = 3) => Number(x.toFixed(digits));

export function benchJson(
  v: VerdictToReady,
  l: Listing,
  r: UnattendedRun,
  trees: TreesBench,
  source: SourceBench,
): BenchJson {
  return {
    verdictToReady: {
      grove: round(v.grove),
      plain: round(v.plain),
      floor: round(v.floor),
      ratio: round(v.plain / v.grove, 2),
      overFloor: round(v.grove / v.floor, 2),
      deployAfterVerdict: round(v.deployAfterVerdict),
      deployedAhead: { verdicts: v.groveDeployedAhead, of: v.samples.grove.length },
    },
    listing: { grove: round(l.grove), plain: round(l.plain), ratio: round(l.plain / l.grove, 2) },
    run: { seconds: round(r.seconds, 1), reboots: r.reboots, commits: r.commits },
    trees: {
      listSeconds: round(trees.listSeconds),
      cliListSeconds: trees.cliListSeconds === null ? null : round(trees.cliListSeconds),
      deployments: trees.deployments,
      files: trees.files,
      bytesPerAddedTree: trees.bytesPerAddedTree,
      treeBytes: trees.treeBytes,
      ratio: round(trees.ratio, 4),
    },
    source: {
      parallelSeconds: round(source.parallelSeconds, 1),
      serialSeconds: round(source.serialSeconds, 1),
      ratio: round(source.ratio, 2),
      rebuiltOnRepeat: source.rebuiltOnRepeat,
      commits: source.commits,
    },
  };
}

export function renderBench(
  j: BenchJson,
  ctx: {
    profile: BenchProfile;
    v: VerdictToReady;
    l: Listing;
    r: UnattendedRun;
    cached: boolean;
    wall: number;
  },
): string {
  const { profile: p, v, l, r } = ctx;
  const s = (x: number) => `${x.toFixed(2)} s`;
  const met = (ok: boolean) => (ok ? 'met' : 'NOT met');
  const t = new Table({ head: ['measure', 'grove', 'plain ostree', 'floor', 'ratio', 'target'] });
  const vr = j.verdictToReady;
  t.push(
    [
      `verdict → ready (median of ${v.samples.grove.length} steps)`,
      s(vr.grove),
      s(vr.plain),
      s(vr.floor),
      `plain/grove ${vr.ratio}×\ngrove/floor ${vr.overFloor}×`,
      `≥ ${TARGETS.ratio}×: ${met(vr.ratio >= TARGETS.ratio)}\n≤ ${TARGETS.overFloor}×: ${met(vr.overFloor <= TARGETS.overFloor)}`,
    ],
    [
      `  of which deployed ahead: ${vr.deployedAhead.verdicts} of ${vr.deployedAhead.of};\n  a verdict that deploys (no order helper)`,
      '',
      '',
      s(vr.deployAfterVerdict),
      `plain/that ${round(vr.plain / vr.deployAfterVerdict, 2)}×`,
      '',
    ],
    [
      `list ${l.commits} commits good..bad`,
      s(j.listing.grove),
      s(j.listing.plain),
      '',
      `plain/grove ${j.listing.ratio}×`,
      `≥ ${TARGETS.listingRatio}×: ${met(j.listing.ratio >= TARGETS.listingRatio)}`,
    ],
    [
      `bisect run -- glxcheck (${j.run.commits} commits)`,
      `${j.run.seconds.toFixed(1)} s, ${j.run.reboots} reboots${r.found ? '' : '\n(wrong commit!)'}`,
      '',
      '',
      '',
      '',
    ],
    [
      `trees list, ${j.trees.deployments} deployments of ${j.trees.files} files`,
      `${s(j.trees.listSeconds)}${j.trees.cliListSeconds !== null ? `\n(CLI ${s(j.trees.cliListSeconds)})` : ''}`,
      '',
      '',
      '',
      `well under 1 s: ${met((j.trees.cliListSeconds ?? j.trees.listSeconds) < 1)}`,
    ],
    [
      'one more tree sharing most content',
      `${(j.trees.bytesPerAddedTree / 1e6).toFixed(2)} MB`,
      '',
      `full tree ${(j.trees.treeBytes / 1e6).toFixed(1)} MB`,
      `${(j.trees.ratio * 100).toFixed(1)} % of a tree`,
      '',
    ],
    [
      `source bisection, ${j.source.commits} commits: --jobs 2 vs one build at a time`,
      `${j.source.parallelSeconds.toFixed(1)} s`,
      `${j.source.serialSeconds.toFixed(1)} s (serial)`,
      '',
      `${j.source.ratio}×`,
      `≥ ${TARGETS.sourceRatio}×: ${met(j.source.ratio >= TARGETS.sourceRatio)}\nrebuilt on repeat: ${j.source.rebuiltOnRepeat}`,
    ],
  );
  const h = p.history;
  const lines = [
    t.toString(),
    `history: ${h.commits} commits of ${h.files} files, ${(h.bytes / 1e6).toFixed(1)} MB, ${(h.churnBytes / 1e6).toFixed(1)} MB rewritten per commit${ctx.cached ? ' (cached)' : ''}; server: ${p.server.latencyMs} ms per request, ${(p.server.bandwidthBytesPerSec / 1e6).toFixed(0)} MB/s`,
    `between verdicts (reboot + test, prefetch at work): ${p.betweenVerdicts} s; plain = ostree pull + ostree admin deploy --retain; floor = grove with the next candidate already local`,
    `samples (s): grove ${fmt(v.samples.grove)}; plain ${fmt(v.samples.plain)}; floor ${fmt(v.samples.floor)}; deploying after the verdict ${fmt(v.samples.deployAfterVerdict)}`,
    `bench wall time ${ctx.wall.toFixed(0)} s`,
  ];
  return lines.join('\n');
}

function fmt(xs: number[]): string {
  return xs.map((x) => x.toFixed(2)).join(' ');
}
