// Runs source builds, up to N at once. Callers ask for the builds they need (request) and say
// which ones are still worth having (want): those that are not are cancelled, queued or running,
// so the queue never builds what the bisection can no longer use.
import { cpus } from 'node:os';
import type { GitCommit } from '../git/index.js';
import { BuildCancelled, type BuildOptions, type BuildOutcome } from './source-build.js';
import type { SourceBuildEvent } from './source-events.js';

/** What the queue needs from a builder (SourceBuilder; tests pass fakes). */
export interface Builds {
  build(commit: GitCommit, opts: BuildOptions): Promise<BuildOutcome>;
}

export interface BuildQueueOptions {
  /** Builds at once (--jobs). */
  jobs: number;
  /** CPUs to share between builds (GROVE_JOBS of each = cpus / jobs). Default: this machine's. */
  cpus?: number;
  /**
   * What want() does with a running build that is no longer wanted: 'cancel' kills it (its slot
   * goes to a wanted build at once), 'finish' lets it end and keeps it in the cache (a repeated
   * bisection then finds it) while holding its slot. Default 'cancel'.
   */
  unwantedRunning?: 'cancel' | 'finish';
  emit?: (e: SourceBuildEvent) => void;
}

interface Entry {
  commit: GitCommit;
  promise: Promise<BuildOutcome>;
  resolve: (o: BuildOutcome) => void;
  reject: (e: unknown) => void;
  state: 'queued' | 'running' | 'settled';
  abort: AbortController;
}

export class BuildQueue {
  private readonly entries = new Map<string, Entry>();
  private order: string[] = [];
  private readonly jobs: number;
  private readonly perBuildJobs: number;
  private idleWaiters: Array<() => void> = [];
  private holding = false;

  constructor(
    private readonly builder: Builds,
    private readonly opts: BuildQueueOptions,
  ) {
    this.jobs = Math.max(1, Math.floor(opts.jobs));
    this.perBuildJobs = Math.max(1, Math.floor((opts.cpus ?? cpus().length) / this.jobs));
  }

  /** Commits being built now. */
  get running(): string[] {
    return [...this.entries.values()].filter((e) => e.state === 'running').map((e) => e.commit.hash);
  }

  /** Commits waiting for a free slot, in the order they will start. */
  get queued(): string[] {
    return this.order.filter((h) => this.entries.get(h)?.state === 'queued');
  }

  /**
   * The outcome of `commit`'s build: queued (at the front with `urgent`) unless it is already
   * queued, running or done. Rejects with BuildCancelled if it is cancelled before it ends.
   */
  request(commit: GitCommit, opts: { urgent?: boolean } = {}): Promise<BuildOutcome> {
    const known = this.entries.get(commit.hash);
    if (known) {
      if (opts.urgent && known.state === 'queued') {
        this.order = [commit.hash, ...this.order.filter((h) => h !== commit.hash)];
      }
      return known.promise;
    }
    let resolve!: (o: BuildOutcome) => void;
    let reject!: (e: unknown) => void;
    const promise = new Promise<BuildOutcome>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    // Builds asked for ahead of time may be cancelled with nobody waiting: that is not an error.
    promise.catch(() => undefined);
    const entry: Entry = { commit, promise, resolve, reject, state: 'queued', abort: new AbortController() };
    this.entries.set(commit.hash, entry);
    if (opts.urgent) this.order.unshift(commit.hash);
    else this.order.push(commit.hash);
    this.opts.emit?.({
      kind: 'build-queued',
      sourceCommit: commit.hash,
      position: this.order.indexOf(commit.hash),
    });
    this.pump();
    return promise;
  }

  /**
   * Keeps only the listed builds (plus finished ones): queued builds are reordered to follow
   * `wanted`, and builds not in it are cancelled (running ones are killed). Listed commits that
   * are not queued yet are queued.
   */
  want(wanted: readonly GitCommit[]): void {
    const keep = new Set(wanted.map((c) => c.hash));
    // Start nothing until the whole list is in: a cancelled build's slot goes to a wanted one.
    this.holding = true;
    try {
      for (const [hash, e] of [...this.entries]) {
        if (keep.has(hash) || e.state === 'settled') continue;
        if (e.state === 'running' && this.opts.unwantedRunning === 'finish') continue;
        this.cancel(hash);
      }
      for (const c of wanted) if (!this.entries.has(c.hash)) void this.request(c);
    } finally {
      this.holding = false;
    }
    const rank = new Map(wanted.map((c, i) => [c.hash, i]));
    this.order = this.order
      .filter((h) => this.entries.get(h)?.state === 'queued')
      .sort((a, b) => (rank.get(a) ?? Infinity) - (rank.get(b) ?? Infinity));
    this.pump();
  }

  /** Cancels a queued or running build; a finished one stays. */
  cancel(hash: string): void {
    const e = this.entries.get(hash);
    if (!e || e.state === 'settled') return;
    const wasRunning = e.state === 'running';
    e.state = 'settled';
    e.abort.abort();
    this.entries.delete(hash);
    this.order = this.order.filter((h) => h !== hash);
    e.reject(new BuildCancelled(hash));
    this.opts.emit?.({ kind: 'build-cancelled', sourceCommit: hash, wasRunning });
    this.pump();
  }

  /** Cancels everything not finished. */
  close(): void {
    for (const [hash, e] of [...this.entries]) if (e.state !== 'settled') this.cancel(hash);
  }

  /** Resolves when nothing is queued or running. */
  idle(): Promise<void> {
    if (this.running.length === 0 && this.queued.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private pump(): void {
    if (this.holding) return;
    while (this.running.length < this.jobs) {
      const hash = this.order.find((h) => this.entries.get(h)?.state === 'queued');
      if (hash === undefined) break;
      this.order = this.order.filter((h) => h !== hash);
      this.start(this.entries.get(hash)!);
    }
    if (this.running.length === 0 && this.queued.length === 0) {
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const w of waiters) w();
    }
  }

  private start(e: Entry): void {
    e.state = 'running';
    this.builder.build(e.commit, { signal: e.abort.signal, jobs: this.perBuildJobs }).then(
      (outcome) => this.settle(e, () => e.resolve(outcome)),
      (err: unknown) =>
        this.settle(e, () => {
          // An error (not a failed build: that is an outcome) is not kept: asking again retries.
          this.entries.delete(e.commit.hash);
          e.reject(err);
        }),
    );
  }

  private settle(e: Entry, fn: () => void): void {
    // A cancelled build was settled (rejected) when it was cancelled.
    if (e.state === 'running') {
      e.state = 'settled';
      fn();
    }
    this.pump();
  }
}
