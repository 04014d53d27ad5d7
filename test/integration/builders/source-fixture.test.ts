import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeGitSource, type GitSource } from '../../../fixtures/git-source.js';
import { GitRepo } from '../../../src/git/index.js';
import { tempDir } from '../../helpers/temp-dir.js';

describe('git source fixture', () => {
  let dir: { path: string; cleanup: () => Promise<void> };
  let src: GitSource;
  let git: GitRepo;

  beforeAll(async () => {
    dir = await tempDir();
    src = await makeGitSource({ dir: join(dir.path, 'mesa'), regressionAt: 70, brokenBuildAt: 40 });
    git = await GitRepo.open(src.dir);
  });
  afterAll(() => dir.cleanup());

  it('has about a hundred commits between the two release tags', async () => {
    expect(src.commits).toHaveLength(100);
    expect(await git.resolve(src.oldTag)).toBe(src.commits[0]!.hash);
    expect(await git.resolve(src.newTag)).toBe(src.commits[99]!.hash);
    const range = await git.listRange(src.oldTag, src.newTag);
    expect(range.map((c) => c.hash)).toEqual(src.commits.slice(1).map((c) => c.hash));
    expect(await git.findVersionTag(src.newVersion, ['mesa'])).toEqual({
      tag: 'mesa-24.2.4',
      hash: src.commits[99]!.hash,
    });
  });

  it('plants one regression and one commit that does not build, fixed by the next', () => {
    expect(src.commits.filter((c) => c.regressed)[0]!.index).toBe(70);
    expect(src.commits.filter((c) => c.regressed)).toHaveLength(30);
    expect(src.commits.filter((c) => c.broken).map((c) => c.index)).toEqual([40]);
    expect(src.commits[40]!.subject).toBe('zink: use the generated format table');
    expect(src.commits[41]!.subject).toBe('zink: add the missing format table header');
    expect(src.recipe).toBe(
      'MESA_LITE_BUILD_SECONDS=0 sh ./build.sh && DESTDIR="$GROVE_DESTDIR" sh ./build.sh install',
    );
  });

  it('is the same history for the same options', async () => {
    const again = await makeGitSource({ dir: join(dir.path, 'again'), regressionAt: 70, brokenBuildAt: 40 });
    expect(again.commits.map((c) => c.hash)).toEqual(src.commits.map((c) => c.hash));
  });

  it('refuses options that cannot make a coherent history', async () => {
    await expect(
      makeGitSource({ dir: join(dir.path, 'x'), commits: 10, regressionAt: 5, brokenBuildAt: 4 }),
    ).rejects.toThrow(/must be distinct commits/);
    await expect(makeGitSource({ dir: join(dir.path, 'y'), commits: 10, regressionAt: 0 })).rejects.toThrow(
      RangeError,
    );
  });
});
