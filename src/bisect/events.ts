// What the bisect core reports while it works. It never prints: src/cli renders these.
import type { SourceBuildEvent } from '../builders/source-events.js';
import type { PullProgress } from '../ostree/index.js';
import type { Verdict } from './state.js';

export type BisectEvent =
  | { kind: 'list'; fetched: number }
  | { kind: 'pull'; checksum: string; version: string | null; progress: PullProgress }
  | { kind: 'pulled'; checksum: string; version: string | null; waited: boolean }
  /** `ahead`: it was deployed ahead, so the deploy is only a move to the front of the boot entries. */
  | { kind: 'deploy'; checksum: string; version: string | null; ahead?: boolean }
  /** Background: a candidate that can come next deployed after the others (not the next boot). */
  | { kind: 'deploy-ahead'; checksum: string; serial: number; version: string | null }
  | { kind: 'undeploy'; checksum: string; serial: number; version: string | null }
  | { kind: 'inferred'; checksum: string; version: string | null; verdict: Verdict; sameAs: string }
  | { kind: 'did-not-boot'; expected: string; expectedVersion: string | null; booted: string | null }
  | { kind: 'missing-history'; missing: Array<{ checksum: string; reason: string }>; gapAfterGood: boolean }
  | { kind: 'note'; message: string }
  /** Source bisection: a candidate's build (queued, started, done, failed, cancelled). */
  | { kind: 'source-build'; event: SourceBuildEvent };

export type Emit = (e: BisectEvent) => void;
