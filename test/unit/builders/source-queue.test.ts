import { describe, expect, it } from 'vitest';
import { BuildCancelled, type BuildOptions, type BuildOutcome } from '../../../src/builders/source-build.js';
import type { SourceBuildEvent } from '../../../src/builders/source-events.js';
import { BuildQueue, type Builds } from '../../../src/builders/source-queue.js';
import type { GitCommit } from '../../../src/git/index.js';

const commit = (n: number): GitCommit => ({
  hash: String(n).repeat(40).slice(0, 40),
  author: 'A <a@x>',
  date: '2024-01-01T00:00:00Z',
  subject: `c${n}`,
  parents: [],
});

/** A builder whose builds finish when the test says so. */
class FakeBuilds implements Builds {
  started: string[] = [];
  aborted: string[] = [];
  jobs: number[] = [];
  private finishers = new Map<string, (o: BuildOutcome) => void>();

  build(c: GitCommit, opts: BuildOptions): Promise<BuildOutcome> {
    this.started.push(c.subject);
    this.jobs.push(opts.jobs ?? 0);
    return new Promise((resolve, reject) => {
      this.finishers.set(c.subject, resolve);
      opts.signal?.addEventListener('abort', () => {
        this.aborted.push(c.subject);
        reject(new BuildCancelled(c.hash));
      });
    });
  }

  finish(subject: string): void {
    this.finishers.get(subject)!({
      kind: 'built',
      sourceCommit: subject,
      checksum: 'f'.repeat(64),
      version: null,
      cached: false,
      seconds: 1,
      log: '/dev/null',
    });
  }
}

const tick = () => new Promise((r) => setTimeout(r, 0));

describe('BuildQueue', () => {
  it('runs up to N at once and starts the next when one ends, sharing the CPUs', async () => {
    const b = new FakeBuilds();
    const q = new BuildQueue(b, { jobs: 2, cpus: 8 });
    const p1 = q.request(commit(1));
    void q.request(commit(2));
    void q.request(commit(3));
    expect(b.started).toEqual(['c1', 'c2']);
    expect(q.queued).toEqual([commit(3).hash]);
    expect(b.jobs).toEqual([4, 4]);
    b.finish('c1');
    await expect(p1).resolves.toMatchObject({ kind: 'built' });
    await tick();
    expect(b.started).toEqual(['c1', 'c2', 'c3']);
  });

  it('asks once per commit and puts an urgent request first', async () => {
    const b = new FakeBuilds();
    const q = new BuildQueue(b, { jobs: 1, cpus: 1 });
    const a = q.request(commit(1));
    void q.request(commit(2));
    void q.request(commit(3));
    expect(q.request(commit(1))).toBe(a);
    void q.request(commit(3), { urgent: true });
    expect(q.queued).toEqual([commit(3).hash, commit(2).hash]);
    b.finish('c1');
    await a;
    await tick();
    expect(b.started).toEqual(['c1', 'c3']);
  });

  it('cancels what is no longer wanted, queued or running, and queues what is', async () => {
    const b = new FakeBuilds();
    const events: SourceBuildEvent[] = [];
    const q = new BuildQueue(b, { jobs: 2, cpus: 2, emit: (e) => events.push(e) });
    const p1 = q.request(commit(1));
    const p2 = q.request(commit(2));
    const p3 = q.request(commit(3));
    q.want([commit(4), commit(2)]);
    await expect(p1).rejects.toBeInstanceOf(BuildCancelled);
    await expect(p3).rejects.toBeInstanceOf(BuildCancelled);
    expect(b.aborted).toEqual(['c1']);
    expect(q.running.sort()).toEqual([commit(2).hash, commit(4).hash].sort());
    expect(events.filter((e) => e.kind === 'build-cancelled')).toEqual([
      { kind: 'build-cancelled', sourceCommit: commit(1).hash, wasRunning: true },
      { kind: 'build-cancelled', sourceCommit: commit(3).hash, wasRunning: false },
    ]);
    b.finish('c2');
    b.finish('c4');
    await p2;
    await q.idle();
    // Finished builds stay: asking again does not build again.
    await q.request(commit(2));
    expect(b.started.filter((s) => s === 'c2')).toHaveLength(1);
  });

  it("lets a running build that is no longer wanted finish with unwantedRunning 'finish'", async () => {
    const b = new FakeBuilds();
    const q = new BuildQueue(b, { jobs: 1, cpus: 1, unwantedRunning: 'finish' });
    const p1 = q.request(commit(1));
    const p2 = q.request(commit(2));
    q.want([commit(3)]);
    await expect(p2).rejects.toBeInstanceOf(BuildCancelled);
    expect(b.aborted).toEqual([]);
    // c3 waits for the slot c1 still holds.
    expect(q.queued).toEqual([commit(3).hash]);
    b.finish('c1');
    await expect(p1).resolves.toMatchObject({ kind: 'built' });
    await tick();
    expect(b.started).toEqual(['c1', 'c3']);
  });

  it('forgets a build that threw, so that asking again retries', async () => {
    let calls = 0;
    const q = new BuildQueue(
      {
        build: () => {
          calls++;
          return calls === 1
            ? Promise.reject(new Error('disk full'))
            : Promise.resolve({
                kind: 'failed',
                sourceCommit: 'x',
                cached: false,
                failure: {} as never,
              });
        },
      },
      { jobs: 1, cpus: 1 },
    );
    await expect(q.request(commit(1))).rejects.toThrow('disk full');
    await expect(q.request(commit(1))).resolves.toMatchObject({ kind: 'failed' });
    expect(calls).toBe(2);
  });
});
