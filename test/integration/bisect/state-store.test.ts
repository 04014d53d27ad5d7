// The bisect state on disk: package lists live in packages.json, written once, so that state.json,
// written several times per verdict, stays small; they are read back only when used; a state
// written before the split still loads, and its next save moves them out; reset's archive keeps
// both for refine.
import { readFile, writeFile } from 'node:fs/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { STATE_SCHEMA, StateStore, type BisectState, type StoredCommit } from '../../../src/bisect/state.js';
import { tempDir } from '../../helpers/temp-dir.js';

const pkg = (name: string, version: string) => ({
  name,
  epoch: '0',
  version,
  release: '1.fc44',
  arch: 'x86_64',
});

function commit(i: number, packages: StoredCommit['packages']): StoredCommit {
  return {
    checksum: String(i).repeat(64).slice(0, 64),
    parent: null,
    version: `44.${i}`,
    timestamp: new Date(0).toISOString(),
    subject: `commit ${i}`,
    rootTree: null,
    packages,
    eligible: true,
  };
}

function state(): BisectState {
  const commits = [
    commit(1, [pkg('mesa', '24.2.3'), pkg('kernel', '6.11')]),
    commit(2, null),
    commit(3, [pkg('mesa', '24.2.4')]),
  ];
  return {
    schema: STATE_SCHEMA,
    startedAt: new Date(0).toISOString(),
    terms: { old: 'good', new: 'bad' },
    stateroot: 'fedora',
    remote: 'fedora',
    ref: 'fedora/rawhide',
    baseUrl: 'http://127.0.0.1:1',
    original: { stateroot: 'fedora', checksum: commits[2]!.checksum, serial: 0, wasPinned: false },
    good: commits[0]!.checksum,
    bad: commits[2]!.checksum,
    commits,
    missing: [],
    gapAfterGood: false,
    packageGlobs: [],
    didNotBoot: 'skip',
    verdicts: {},
    expected: null,
    deployed: [],
    refs: [],
    step: 0,
    result: null,
    ambiguous: null,
  };
}

describe('StateStore', () => {
  let dir: { path: string; cleanup: () => Promise<void> };
  let store: StateStore;
  beforeEach(async () => {
    dir = await tempDir('grove-state-');
    store = new StateStore(dir.path);
  });
  afterEach(() => dir.cleanup());

  it('keeps package lists out of state.json and reads them back when used', async () => {
    const s = state();
    await store.save(s);
    expect(await readFile(store.file, 'utf8')).not.toContain('mesa');
    const lists = JSON.parse(await readFile(store.packagesFile, 'utf8')) as Record<string, unknown>;
    expect(Object.keys(lists)).toHaveLength(3);
    // Still there in memory after the save.
    expect(s.commits[0]!.packages).toEqual([pkg('mesa', '24.2.3'), pkg('kernel', '6.11')]);

    // A second save does not write the lists again.
    await writeFile(store.packagesFile, '{"sentinel": null}');
    s.step = 1;
    await store.save(s);
    expect(await readFile(store.packagesFile, 'utf8')).toBe('{"sentinel": null}');
  });

  it('loads them lazily: a corrupt packages.json only fails the command that reads a list', async () => {
    await store.save(state());
    const loaded = (await store.load())!;
    expect(loaded.commits[2]!.packages).toEqual([pkg('mesa', '24.2.4')]);
    expect(loaded.commits[1]!.packages).toBeNull();
    expect(JSON.stringify(loaded)).not.toContain('mesa');

    await writeFile(store.packagesFile, '{torn');
    const again = (await store.load())!;
    expect(again.step).toBe(0);
    expect(() => again.commits[0]!.packages).toThrow(/package lists .*packages\.json are corrupt/);
  });

  it('loads a state written with the lists inline, and moves them out on the next save', async () => {
    await writeFile(store.file, JSON.stringify(state(), null, 2));
    const old = (await store.load())!;
    expect(old.commits[0]!.packages).toHaveLength(2);
    await store.save(old);
    expect(await readFile(store.file, 'utf8')).not.toContain('mesa');
    expect((await store.load())!.commits[0]!.packages).toHaveLength(2);
  });

  it('a list assigned again is saved again', async () => {
    const s = state();
    await store.save(s);
    s.commits[1]!.packages = [pkg('mesa', '24.2.3.1')];
    await store.save(s);
    expect((await store.load())!.commits[1]!.packages).toEqual([pkg('mesa', '24.2.3.1')]);
  });

  it('archive keeps the lists with last.json', async () => {
    await store.save(state());
    await store.archive();
    const last = (await store.loadLast())!;
    expect(last.commits[0]!.packages).toHaveLength(2);
    // A new bisection's lists do not replace the archived ones.
    const next = state();
    next.commits[0]!.packages = [pkg('other', '1')];
    await store.save(next);
    expect((await store.loadLast())!.commits[0]!.packages).toHaveLength(2);
  });
});
