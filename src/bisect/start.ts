// `grove bisect start GOOD BAD`: resolve the two trees, list the server's commits between them
// once, protect the tree the user started from, and deploy the first candidate.
import { fetchCommit, listRange, resolveRemoteRef, type RemoteCommit } from '../builders/remote-history.js';
import { UsageError, UserError } from '../errors.js';
import { listTrees, type Tree } from '../trees/list-trees.js';
import { pinById } from '../trees/deployment-index.js';
import { parseTreeSpec, resolveTreeSpec, type SpecCommit } from '../trees/tree-spec.js';
import { advance, type Advance } from './advance.js';
import { appendLog } from './bisect-log.js';
import type { BisectEnv } from './bisect-env.js';
import { findStore, stateroots } from './find-state.js';
import { changesMatch, diffPackages } from './package-diff.js';
import { bisectDir, STATE_SCHEMA, StateStore, type BisectState, type StoredCommit } from './state.js';

export interface StartOptions {
  good: string;
  bad: string;
  remote?: string;
  ref?: string;
  termOld?: string;
  termNew?: string;
  packageGlobs?: string[];
  didNotBoot?: 'skip' | 'bad';
  /** Stateroot to deploy candidates into; default: the one the bad tree is in. */
  os?: string;
  /** How far back a version or checksum that is not deployed is looked for on the server. */
  searchLimit?: number;
  /** Record the start but deploy nothing yet (replay deploys once, at the end). */
  deferDeploy?: boolean;
}

export interface StartOutcome {
  state: BisectState;
  store: StateStore;
  /** null with deferDeploy */
  advance: Advance | null;
}

export async function startBisect(env: BisectEnv, opts: StartOptions): Promise<StartOutcome> {
  await assertNoBisection(env);
  const terms = checkTerms(opts);
  // Fail on malformed specs before touching the network.
  parseTreeSpec(opts.good);
  parseTreeSpec(opts.bad);
  const known = await stateroots(env.sysroot);
  if (opts.os !== undefined && !known.includes(opts.os)) {
    throw new UserError(
      `--os ${opts.os} is not a stateroot of ${env.sysroot} (there: ${known.join(', ')}). Pick one of those.`,
    );
  }

  const trees = await listTrees(env);
  if (trees.length === 0)
    throw new UserError(`no deployments in ${env.sysroot}. Deploy a tree first: grove trees add REFSPEC`);
  const repo = env.ostree.sysroot(env.sysroot).repo();

  // Remote and ref: from the bad tree's origin (or the booted/default tree's when BAD is not deployed).
  const badLocal = tryResolve(opts.bad, trees);
  const originTree =
    (badLocal?.kind === 'deployment' ? badLocal.deployment : undefined) ??
    trees.find((t) => t.booted) ??
    trees.find((t) => t.default)!;
  const origin = parseOrigin(originTree.origin);
  const remote = opts.remote ?? origin?.remote;
  const ref = opts.ref ?? origin?.ref;
  if (!remote || !ref) {
    throw new UserError(
      `tree ${originTree.checksum.slice(0, 10)} has no remote origin (${originTree.origin ?? 'none'}). Say where its builds come from: --remote NAME --ref REF`,
    );
  }
  const baseUrl = await repo.remoteUrl(remote);
  if (!baseUrl) {
    const names = (await repo.remoteList()).map((r) => r.name);
    throw new UserError(
      `remote '${remote}' is not configured in ${env.sysroot} (remotes: ${names.join(', ') || 'none'}). Pass --remote NAME.`,
    );
  }

  const bad = badLocal?.checksum ?? (await findOnServer(env, baseUrl, ref, opts.bad, null, opts.searchLimit));
  const goodLocal = tryResolve(opts.good, trees);
  const good =
    goodLocal?.checksum ?? (await findOnServer(env, baseUrl, ref, opts.good, bad, opts.searchLimit));
  if (good === bad) {
    throw new UsageError(
      `${opts.good} and ${opts.bad} are the same tree (${good.slice(0, 10)}); bisect needs two different ones.`,
    );
  }

  const range = await listRange({
    baseUrl,
    good,
    bad,
    http: env.http,
    onProgress: (e) => env.emit({ kind: 'list', fetched: e.fetched }),
  });
  if (range.missing.length > 0) {
    env.emit({ kind: 'missing-history', missing: range.missing, gapAfterGood: range.gapAfterGood });
  }
  const globs = opts.packageGlobs ?? [];
  const commits = storeCommits(range.commits, globs);

  const booted = trees.find((t) => t.booted);
  const originalTree = booted ?? trees.find((t) => t.default)!;
  const stateroot =
    opts.os ?? (badLocal?.kind === 'deployment' ? badLocal.deployment.stateroot : originalTree.stateroot);
  const now = new Date().toISOString();
  const state: BisectState = {
    schema: STATE_SCHEMA,
    startedAt: now,
    terms,
    stateroot,
    remote,
    ref,
    baseUrl,
    original: {
      stateroot: originalTree.stateroot,
      checksum: originalTree.checksum,
      serial: originalTree.serial,
      wasPinned: originalTree.pinned,
    },
    good,
    bad,
    commits,
    missing: range.missing,
    gapAfterGood: range.gapAfterGood,
    packageGlobs: globs,
    didNotBoot: opts.didNotBoot ?? 'skip',
    verdicts: {
      [good]: { verdict: 'good', source: 'user', at: now, step: 0 },
      [bad]: { verdict: 'bad', source: 'user', at: now, step: 0 },
    },
    expected: null,
    deployed: [],
    refs: [],
    step: 0,
    result: null,
    ambiguous: null,
  };
  const store = new StateStore(bisectDir(env.sysroot, stateroot));
  await store.save(state);
  await appendLog(store.logFile, [
    `# grove bisect log: started ${now} on ${env.sysroot}`,
    `# ${terms.old}: ${describe(commits[0]!)}`,
    `# ${terms.new}: ${describe(commits[commits.length - 1]!)}`,
    startCommand(state),
  ]);
  // The tree the user started from must survive every deploy of the bisection.
  if (!originalTree.pinned) await pinById(env.ostree.sysroot(env.sysroot), originalTree, true);
  return { state, store, advance: opts.deferDeploy ? null : await advance(env, store, state) };
}

function tryResolve(spec: string, trees: Tree[]) {
  try {
    return resolveTreeSpec(spec, trees);
  } catch (e) {
    // Only "not found here" sends us to the server; malformed or ambiguous specs are errors now.
    if (e instanceof UserError && /^no (tree or commit matches|.* tree here)/.test(e.message)) {
      const s = parseTreeSpec(spec);
      if (s.kind === 'checksum' || s.kind === 'version') return null;
    }
    throw e;
  }
}

/** The server's commits before `bad` (newest first), for picking a good one by hand. */
export async function recentServerCommits(
  env: BisectEnv,
  bad: string,
  limit: number,
): Promise<RemoteCommit[]> {
  const trees = await listTrees(env);
  const tree = trees.find((t) => t.checksum === bad) ?? trees.find((t) => t.booted) ?? trees[0];
  const origin = parseOrigin(tree?.origin ?? null);
  if (!origin?.remote) return [];
  const baseUrl = await env.ostree.sysroot(env.sysroot).repo().remoteUrl(origin.remote);
  if (!baseUrl) return [];
  const out: RemoteCommit[] = [];
  let next: string | null = (await fetchCommit(baseUrl, bad, { http: env.http }))?.parent ?? null;
  while (next && out.length < limit) {
    const c = await fetchCommit(baseUrl, next, { http: env.http });
    if (!c) break;
    out.push(c);
    next = c.parent;
  }
  return out;
}

/** One bisection per sysroot at a time. */
export async function assertNoBisection(env: Pick<BisectEnv, 'sysroot'>): Promise<void> {
  const existing = await findStore(env.sysroot);
  const running = existing ? await existing.load() : null;
  if (running) {
    throw new UserError(
      `a bisection is already running (started ${running.startedAt}). Go on with 'grove bisect ${running.terms.old}|${running.terms.new}|skip', or end it with 'grove bisect reset'.`,
    );
  }
}

/** The words for the two states: two different lowercase words that are not bisect commands. */
export function checkTerms(opts: { termOld?: string; termNew?: string }): { old: string; new: string } {
  const terms = { old: opts.termOld ?? 'good', new: opts.termNew ?? 'bad' };
  if (terms.old === terms.new)
    throw new UsageError(`--term-old and --term-new are both '${terms.old}'; pick two words.`);
  for (const t of [terms.old, terms.new]) {
    if (
      ['skip', 'start', 'reset', 'run', 'log', 'replay', 'view', 'status'].includes(t) ||
      !/^[a-z][a-z0-9-]*$/.test(t)
    ) {
      throw new UsageError(`'${t}' cannot be a term: use a lowercase word that is not a bisect command.`);
    }
  }
  return terms;
}

export function parseOrigin(origin: string | null): { remote: string | null; ref: string } | null {
  if (!origin) return null;
  if (/^[0-9a-f]{64}$/.test(origin)) return null;
  const i = origin.indexOf(':');
  return i < 0 ? { remote: null, ref: origin } : { remote: origin.slice(0, i), ref: origin.slice(i + 1) };
}

/**
 * A version or checksum prefix that is not deployed: walk the server's history back from `from`
 * (or the ref's tip), bounded, until it matches.
 */
async function findOnServer(
  env: BisectEnv,
  baseUrl: string,
  ref: string,
  spec: string,
  from: string | null,
  limit = 2000,
): Promise<string> {
  const s = parseTreeSpec(spec);
  let checksum: string | null = from;
  if (!checksum) {
    checksum = await resolveRemoteRef(baseUrl, ref, { http: env.http });
  }
  const seen: SpecCommit[] = [];
  for (let n = 0; checksum && n < limit; n++) {
    const c: RemoteCommit | null = await fetchCommit(baseUrl, checksum, { http: env.http });
    if (!c) break;
    seen.push({ checksum: c.checksum, version: c.version });
    const hit =
      s.kind === 'checksum'
        ? c.checksum.startsWith(s.prefix)
        : s.kind === 'version' && c.version === s.version;
    if (hit) return c.checksum;
    checksum = c.parent;
  }
  throw new UserError(
    `no deployed tree and none of the ${seen.length} newest commits of ${ref} on ${baseUrl} match ${spec}. Check the version or checksum (grove trees list shows deployed ones).`,
  );
}

function storeCommits(commits: RemoteCommit[], globs: string[]): StoredCommit[] {
  return commits.map((c, i) => {
    const prev = i > 0 ? commits[i - 1]! : null;
    const eligible =
      globs.length === 0 || (prev !== null && changesMatch(diffPackages(prev.packages, c.packages), globs));
    return {
      checksum: c.checksum,
      parent: c.parent,
      version: c.version,
      timestamp: c.timestamp.toISOString(),
      subject: c.subject,
      rootTree: `${c.rootTree}:${c.rootMeta}`,
      packages: c.packages,
      eligible,
    };
  });
}

export function describe(c: StoredCommit): string {
  return `${c.version ?? '(no version)'} ${c.checksum} ${c.timestamp} ${c.subject}`;
}

/** The start line of the log: a command that starts the same bisection with explicit checksums. */
export function startCommand(state: BisectState): string {
  const words = ['grove', 'bisect', 'start'];
  if (state.terms.old !== 'good') words.push('--term-old', state.terms.old);
  if (state.terms.new !== 'bad') words.push('--term-new', state.terms.new);
  words.push('--remote', state.remote, '--ref', state.ref, '--os', state.stateroot);
  for (const g of state.packageGlobs) words.push('--package', g);
  if (state.didNotBoot !== 'skip') words.push('--did-not-boot', state.didNotBoot);
  words.push(state.good, state.bad);
  return words.join(' ');
}
