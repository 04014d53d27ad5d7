// `grove bisect start --source DIR --build CMD [--base TREE] GOOD BAD`: bisect a component's git
// history. Candidates are the commits between GOOD and BAD (listed once, oldest first); each is
// built in its own worktree and layered onto the base tree when the engine asks for it.
import { buildMetadata, recipeHash } from '../builders/source-recipe.js';
import { UsageError, UserError } from '../errors.js';
import { GitRepo, type GitCommit } from '../git/index.js';
import { pinById } from '../trees/deployment-index.js';
import { listTrees } from '../trees/list-trees.js';
import { resolveTreeSpec } from '../trees/tree-spec.js';
import { advance, type Advance } from './advance.js';
import { appendLog } from './bisect-log.js';
import type { BisectEnv } from './bisect-env.js';
import { candidateRef } from './deploy-candidate.js';
import { bisectDir, STATE_SCHEMA, StateStore, type BisectState, type StoredCommit } from './state.js';
import { assertNoBisection, checkTerms, parseOrigin } from './start.js';

export interface SourceStartOptions {
  /** A directory inside the user's git checkout. */
  source: string;
  /** The build command (shell code; run with `sh -c` in each candidate's worktree). */
  build: string;
  good: string;
  bad: string;
  /** The tree builds are layered onto: a tree spec (default: the booted tree, else the default). */
  base?: string;
  /** Where `base` can be pulled from when it is not in the sysroot repo (refine). */
  baseRemote?: string;
  firstParent?: boolean;
  /** Builds at once; > 1 builds the next candidates ahead. Default 1. */
  jobs?: number;
  termOld?: string;
  termNew?: string;
  didNotBoot?: 'skip' | 'bad';
}

export interface SourceStartOutcome {
  state: BisectState;
  store: StateStore;
  advance: Advance;
}

export async function startSourceBisect(
  env: BisectEnv,
  opts: SourceStartOptions,
): Promise<SourceStartOutcome> {
  await assertNoBisection(env);
  const terms = checkTerms(opts);
  const jobs = opts.jobs ?? 1;
  if (!Number.isInteger(jobs) || jobs < 1 || jobs > 64) {
    throw new UsageError(`--jobs ${jobs} is not a number of builds: use a whole number from 1 to 64.`);
  }
  if (opts.build.trim() === '') {
    throw new UsageError(
      `--build needs the command that builds and installs into $GROVE_DESTDIR, e.g. --build 'make && make install DESTDIR="$GROVE_DESTDIR"'`,
    );
  }

  const git = await GitRepo.open(opts.source);
  const good = await git.commitInfo(opts.good);
  const bad = await git.commitInfo(opts.bad);
  if (good.hash === bad.hash) {
    throw new UsageError(`${opts.good} and ${opts.bad} are the same commit (${good.hash.slice(0, 10)}).`);
  }
  if (!(await git.isAncestor(good.hash, bad.hash))) {
    throw new UserError(
      `${opts.good} (${good.hash.slice(0, 10)}) is not an ancestor of ${opts.bad} (${bad.hash.slice(0, 10)}) in ${git.dir}: source bisection needs the ${terms.old} commit in the history of the ${terms.new} one.`,
    );
  }
  const range = await git.listRange(good.hash, bad.hash, { firstParent: opts.firstParent ?? false });
  if (range.at(-1)?.hash !== bad.hash)
    throw new Error(`git listed ${good.hash}..${bad.hash} without its end`);

  const trees = await listTrees(env);
  if (trees.length === 0)
    throw new UserError(`no deployments in ${env.sysroot}. Deploy a tree first: grove trees add REFSPEC`);
  const booted = trees.find((t) => t.booted);
  const originalTree = booted ?? trees.find((t) => t.default)!;
  const repo = env.ostree.sysroot(env.sysroot).repo();
  const baseSpec = opts.base ?? (booted ? 'booted' : 'default');
  let base: string;
  let baseTree = trees.find((t) => t.checksum === baseSpec);
  if (/^[0-9a-f]{64}$/.test(baseSpec)) {
    base = baseSpec;
  } else {
    const r = resolveTreeSpec(baseSpec, trees);
    base = r.checksum;
    if (r.kind === 'deployment') baseTree = r.deployment;
  }
  // A grove build is never a base: layering onto it would stack one candidate's build under
  // another's. Booted into a candidate of an earlier bisection, use the base that one was built on.
  const baseInfo = (await repo.hasCommit(base)).present ? await repo.show(base) : null;
  const builtOn = baseInfo ? buildMetadata(baseInfo)?.base : undefined;
  if (builtOn) {
    env.emit({
      kind: 'note',
      message: `${baseSpec} (${base.slice(0, 10)}) is a grove build; layering onto its base ${builtOn.slice(0, 10)} instead`,
    });
    base = builtOn;
    baseTree = trees.find((t) => t.checksum === base) ?? baseTree;
  }
  const stateroot = baseTree?.stateroot ?? originalTree.stateroot;
  const origin = parseOrigin(baseTree?.origin ?? originalTree.origin);
  const remote = opts.baseRemote ?? origin?.remote ?? '';
  const have = await repo.hasCommit(base);
  if (!have.present || have.partial) {
    if (!remote) {
      throw new UserError(
        `the base tree ${base.slice(0, 10)} is not in ${env.sysroot} and there is no remote to pull it from. Deploy it first (grove trees add), or pass --base with a deployed tree.`,
      );
    }
    await repo.pull(remote, [base]);
  }

  const label = (c: GitCommit, i: number) => `${opts.good}${i > 0 ? `-${i}-g${c.hash.slice(0, 10)}` : ''}`;
  const commits = [good, ...range].map((c, i) => storeSourceCommit(c, label(c, i)));
  const now = new Date().toISOString();
  const baseRef = candidateRef(base);
  const state: BisectState = {
    schema: STATE_SCHEMA,
    startedAt: now,
    terms,
    stateroot,
    remote,
    ref: origin?.ref ?? '',
    baseUrl: remote ? ((await repo.remoteUrl(remote)) ?? '') : '',
    original: {
      stateroot: originalTree.stateroot,
      checksum: originalTree.checksum,
      serial: originalTree.serial,
      wasPinned: originalTree.pinned,
    },
    good: good.hash,
    bad: bad.hash,
    commits,
    missing: [],
    gapAfterGood: false,
    packageGlobs: [],
    didNotBoot: opts.didNotBoot ?? 'skip',
    verdicts: {
      [good.hash]: { verdict: 'good', source: 'user', at: now, step: 0 },
      [bad.hash]: { verdict: 'bad', source: 'user', at: now, step: 0 },
    },
    expected: null,
    deployed: [],
    // The base must outlive the deploys of the bisection (each one prunes what no ref holds).
    refs: [baseRef],
    step: 0,
    result: null,
    ambiguous: null,
    source: {
      repo: git.dir,
      recipe: opts.build,
      recipeHash: recipeHash(opts.build),
      base,
      firstParent: opts.firstParent ?? false,
      jobs,
    },
  };
  await repo.refCreate(baseRef, base, { force: true });
  const store = new StateStore(bisectDir(env.sysroot, stateroot));
  await store.save(state);
  await appendLog(store.logFile, [
    `# grove bisect log: started ${now} on ${env.sysroot}`,
    `# source: ${git.dir}, ${commits.length - 2} commit(s) between ${terms.old} and ${terms.new}, base ${base}`,
    `# build: ${opts.build}`,
    `# ${terms.old}: ${good.hash} ${good.subject}`,
    `# ${terms.new}: ${bad.hash} ${bad.subject}`,
    // A comment, not a start line: replay cannot restart a source bisection (the build command
    // does not fit a log line); the verdicts below are still a record of what was judged.
    `# grove bisect start --source ${git.dir} --base ${base}${opts.firstParent ? ' --first-parent' : ''} --jobs ${jobs} ${good.hash} ${bad.hash}`,
  ]);
  if (!originalTree.pinned) await pinById(env.ostree.sysroot(env.sysroot), originalTree, true);
  return { state, store, advance: await advance(env, store, state) };
}

function storeSourceCommit(c: GitCommit, version: string): StoredCommit {
  return {
    checksum: c.hash,
    parent: c.parents[0] ?? null,
    version,
    timestamp: new Date(c.date).toISOString(),
    subject: c.subject,
    // Trees are not known before they are built: no identical-content inference.
    rootTree: null,
    packages: null,
    eligible: true,
    sourceCommit: { hash: c.hash, author: c.author, date: c.date, subject: c.subject },
  };
}
