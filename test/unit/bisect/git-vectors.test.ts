import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { nextStep, type EngineCommit, type Verdict } from '../../../src/bisect/engine/index.js';

// git-vectors.json was recorded once from git 2.39.5: two linear repositories of 81 commits
// ("pathLimited" changes file p in about a third of them, and is bisected with `-- p`, git's
// equivalent of --package), 40 random sessions each: a range, a first bad commit, a random set of
// untestable commits answered with `git bisect skip`, and what git proposed at every step (HEAD
// and its "N revisions left to test after this (roughly M steps)") and concluded. The engine must
// reproduce each session step for step. Commit ids are git's SHA-1s, so git's tie-break between
// equally good commits (the smaller object id) is exercised too.
interface Session {
  from: number;
  n: number;
  firstBad: number;
  untestable: number[];
  tested: { index: number; leftAfterThis: number; stepsLeft: number }[];
  result: { kind: 'done'; index: number } | { kind: 'ambiguous'; indices: number[] };
}
interface Repo {
  ids: string[];
  touching?: boolean[];
  sessions: Session[];
}
const vectors = JSON.parse(readFileSync(new URL('./git-vectors.json', import.meta.url), 'utf8')) as {
  repos: Record<string, Repo>;
};

describe.each(Object.entries(vectors.repos))('the same steps as git bisect (%s history)', (_, repo) => {
  it.each(repo.sessions.map((s, i) => [i, s] as const))('session %i', (_i, s) => {
    const commits: EngineCommit[] = repo.ids
      .slice(s.from, s.from + s.n)
      .map((id, i) => (repo.touching ? { id, eligible: repo.touching[s.from + i]! } : { id }));
    const verdicts: Record<string, Verdict> = {};
    for (const expected of s.tested) {
      const next = nextStep({ commits, verdicts });
      expect(next).toMatchObject({ kind: 'test', ...expected });
      verdicts[commits[expected.index]!.id] = s.untestable.includes(expected.index)
        ? 'skip'
        : expected.index >= s.firstBad
          ? 'bad'
          : 'good';
    }
    const end = nextStep({ commits, verdicts });
    if (s.result.kind === 'done') expect(end).toMatchObject({ kind: 'done', firstBad: s.result.index });
    else expect(end).toMatchObject({ kind: 'ambiguous', candidates: s.result.indices });
  });
});
