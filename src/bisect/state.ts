// The bisection's state: one JSON document, schema-versioned, written atomically and fsync'd
// before every side effect. Candidates are listed once at start and kept here, because the
// sysroot prunes history metadata on every deploy.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { rename } from 'node:fs/promises';
import { UserError } from '../errors.js';
import type { Package } from '../ostree/index.js';
import type { AmbiguousResult, BisectResult } from './result.js';
import type { SourceConfig } from './source-candidates.js';
import { readJsonFile, writeJsonDurably } from '../state/atomic-file.js';
import { groveVarDir } from '../state/paths.js';

export const STATE_SCHEMA = 1;

export type Verdict = 'good' | 'bad' | 'skip';

export interface StoredCommit {
  checksum: string;
  parent: string | null;
  version: string | null;
  /** ISO 8601 */
  timestamp: string;
  subject: string;
  /** Root dirtree + dirmeta: equal for commits with identical content. */
  rootTree: string | null;
  packages: Package[] | null;
  /** False when a --package filter leaves this commit out of the candidates. */
  eligible: boolean;
  /** Source bisection: `checksum` is this git commit's hash; the tree is built on demand. */
  sourceCommit?: { hash: string; author: string; date: string; subject: string };
  /** Source bisection: the OSTree commit of this candidate's build, once built. */
  built?: string;
}

export interface RecordedVerdict {
  verdict: Verdict;
  /** user: given by a verdict command; run: by `bisect run`; inferred: same content as a judged commit;
   * did-not-boot: the candidate was deployed but the machine booted something else;
   * build-failed: a source candidate that does not build (a skip). */
  source: 'user' | 'run' | 'inferred' | 'did-not-boot' | 'replay' | 'build-failed';
  at: string;
  step: number;
  note?: string;
}

export interface DeployedCandidate {
  checksum: string;
  serial: number;
  stateroot: string;
}

export interface BisectState {
  schema: typeof STATE_SCHEMA;
  startedAt: string;
  terms: { old: string; new: string };
  stateroot: string;
  remote: string;
  ref: string;
  baseUrl: string;
  /** The tree the user started from: pinned for the duration, default again after reset. */
  original: DeployedCandidate & { wasPinned: boolean };
  good: string;
  bad: string;
  /** good first, bad last, oldest to newest. */
  commits: StoredCommit[];
  missing: Array<{ checksum: string; reason: string }>;
  gapAfterGood: boolean;
  packageGlobs: string[];
  didNotBoot: 'skip' | 'bad';
  verdicts: Record<string, RecordedVerdict>;
  /** The candidate deployed for the next boot, and how to tell that a reboot happened since. */
  expected:
    | (DeployedCandidate & {
        bootIdAtDeploy: string | null;
        deployedAt: string;
        /** Source bisection: the OSTree commit deployed (`checksum` is the git commit). */
        deployedChecksum?: string;
      })
    | null;
  /** Deployments grove made for candidates (removed at reset). */
  deployed: DeployedCandidate[];
  /**
   * Candidates that can come next, deployed ahead by the background process while the expected
   * one is tested (last in the boot entries: neither the next boot nor the rollback); a verdict
   * moves one of them to the front instead of deploying it. Also in `deployed`. Serial -1: a
   * deploy ahead was started and not seen to finish. Absent in states of older grove versions.
   */
  ahead?: DeployedCandidate[];
  /** Refs grove created under grove/ (deleted at reset). */
  refs: string[];
  step: number;
  /** Set when the bisection has ended: the answer, computed once (it may need pulls). */
  result: BisectResult | null;
  /** Set when only skipped commits are left. */
  ambiguous: AmbiguousResult | null;
  /** Source bisection: candidates are git commits built and layered onto a base tree. */
  source?: SourceConfig;
  /**
   * An unattended run across reboots (`grove bisect run` on a host): the test each boot runs
   * through `grove bisect run --continue`. Absent when verdicts are given by hand.
   */
  run?: BisectRunConfig;
}

export interface BisectRunConfig {
  argv: string[];
  /** Seconds; a longer test is a skip. */
  timeout?: number;
  /** Run the test up to N times; the first failure makes the tree bad. */
  times?: number;
}

/** The deployment the expected candidate is: for a source candidate, its build's. */
export function deployedId(e: DeployedCandidate & { deployedChecksum?: string }): DeployedCandidate {
  return { stateroot: e.stateroot, serial: e.serial, checksum: e.deployedChecksum ?? e.checksum };
}

export function bisectDir(sysroot: string, stateroot: string): string {
  return join(groveVarDir(sysroot, stateroot), 'bisect');
}

export class StateStore {
  constructor(readonly dir: string) {}
  get file(): string {
    return join(this.dir, 'state.json');
  }
  get logFile(): string {
    return join(this.dir, 'log');
  }
  get lastFile(): string {
    return join(this.dir, 'last.json');
  }
  /** The commits' package lists: written once at start, read only when a command needs them. */
  get packagesFile(): string {
    return join(this.dir, 'packages.json');
  }
  get lastPackagesFile(): string {
    return join(this.dir, 'last-packages.json');
  }

  async load(): Promise<BisectState | null> {
    const s = await readJsonFile<BisectState>(this.file, 'bisect state');
    if (s === null) return null;
    if (typeof s !== 'object' || s.schema !== STATE_SCHEMA || !Array.isArray(s.commits) || !s.verdicts) {
      throw new UserError(
        `bisect state ${this.file} is not one this grove understands (schema ${String((s as { schema?: unknown }).schema)}). Move it away to start over; nothing was changed.`,
      );
    }
    attachPackages(s, this.packagesFile);
    return s;
  }

  /**
   * Writes the state durably. The commits' package lists (a Fedora tree lists ~2,000 packages:
   * megabytes over a range) go to packages.json once, the first time they are seen in the
   * state; state.json, written several times per verdict, stays small.
   */
  async save(state: BisectState): Promise<void> {
    if (state.commits.some((c) => Object.prototype.propertyIsEnumerable.call(c, 'packages'))) {
      const lists = Object.fromEntries(state.commits.map((c) => [c.checksum, c.packages ?? null]));
      await writeJsonDurably(this.packagesFile, lists);
      for (const c of state.commits) keepPackages(c, lists[c.checksum] ?? null);
    }
    await writeJsonDurably(this.file, state);
  }

  /** After reset: the finished state is kept as last.json (refine starts from it). */
  async archive(): Promise<void> {
    await rename(this.packagesFile, this.lastPackagesFile).catch((e: NodeJS.ErrnoException) => {
      if (e.code !== 'ENOENT') throw e;
    });
    await rename(this.file, this.lastFile);
  }

  async loadLast(): Promise<BisectState | null> {
    const s = await readJsonFile<BisectState>(this.lastFile, 'last bisect state');
    if (s) attachPackages(s, this.lastPackagesFile);
    return s;
  }
}

/**
 * Gives each commit a `packages` read from `file` on first use. The property is not enumerable,
 * so JSON.stringify leaves it out of state.json. A state written before packages.json existed
 * still has them inline: those are kept, and the next save moves them out.
 */
function attachPackages(state: BisectState, file: string): void {
  if (state.commits.some((c) => Object.prototype.hasOwnProperty.call(c, 'packages'))) return;
  let lists: Record<string, Package[] | null> | undefined;
  const read = (): Record<string, Package[] | null> => {
    if (lists) return lists;
    try {
      lists = JSON.parse(readFileSync(file, 'utf8')) as Record<string, Package[] | null>;
    } catch (e) {
      // Missing (a state from before it, or written by a crash between the two files): no lists.
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') {
        throw new UserError(
          `package lists ${file} are corrupt (not valid JSON). Move the file away; nothing was changed.`,
        );
      }
      lists = {};
    }
    return lists;
  };
  for (const c of state.commits) definePackages(c, () => read()[c.checksum] ?? null);
}

/** `packages` that JSON.stringify skips; assigning it makes it inline again (saved next time). */
function definePackages(c: StoredCommit, get: () => Package[] | null): void {
  Object.defineProperty(c, 'packages', {
    configurable: true,
    enumerable: false,
    get,
    set: (v: Package[] | null) =>
      Object.defineProperty(c, 'packages', {
        value: v,
        configurable: true,
        enumerable: true,
        writable: true,
      }),
  });
}

function keepPackages(c: StoredCommit, packages: Package[] | null): void {
  definePackages(c, () => packages);
}
