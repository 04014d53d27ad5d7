// `grove trees add`: pull a tree and deploy it beside the others, also another OS into its own
// stateroot (created when missing). Everything is checked before the first change; a pull that
// fails takes back the remote it added.
import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { UsageError, UserError } from '../errors.js';
import { deploymentKargs } from '../machine/boot-entries.js';
import type { Deployment } from '../ostree/index.js';
import type { TreesEmit } from './events.js';
import { listTrees, type Tree, type TreesContext } from './list-trees.js';
import { RepoLayout } from './repo-layout.js';

export interface AddRequest {
  /** REFSPEC (`remote:ref` or `ref`) or a commit checksum. */
  target: string;
  /** Stateroot; default: the booted one, else the default tree's. */
  os?: string | undefined;
  /** `NAME=URL`: a remote to use, added when missing. */
  remote?: string | undefined;
  notDefault?: boolean;
}

export interface AddPlan {
  os: string;
  createStateroot: boolean;
  addRemote: { name: string; url: string } | null;
  /** What to pull (`remote`, `ref or checksum`); null when the commit is already here. */
  pull: { remote: string; ref: string } | null;
  /** The refspec given to `ostree admin deploy`. */
  deploy: string;
  /** Kernel arguments for the first tree of a new stateroot (taken from the running/default tree). */
  karg: string[];
  notDefault: boolean;
}

const NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/;
const CHECKSUM = /^[0-9a-f]{64}$/;

export function parseRemoteOption(text: string): { name: string; url: string } | { name: string; url: null } {
  const eq = text.indexOf('=');
  const name = eq < 0 ? text : text.slice(0, eq);
  if (!NAME.test(name)) {
    throw new UsageError(
      `--remote '${text}' does not start with a remote name. Use --remote NAME=URL, e.g. --remote rawhide=https://example.org/repo.`,
    );
  }
  if (eq < 0) return { name, url: null };
  const url = text.slice(eq + 1);
  let ok = false;
  try {
    ok = ['http:', 'https:', 'file:'].includes(new URL(url).protocol);
  } catch {
    ok = false;
  }
  if (!ok) throw new UsageError(`--remote ${name}=${url}: '${url}' is not an http(s):// or file:// URL.`);
  return { name, url };
}

/** Reads what is needed and decides what to do; changes nothing. */
export async function planAdd(ctx: TreesContext, req: AddRequest): Promise<AddPlan> {
  const target = req.target.trim();
  if (target === '' || target.startsWith('-')) {
    throw new UsageError(
      `'${req.target}' is not a refspec or checksum. Use e.g. fedora:fedora/rawhide/x86_64/silverblue.`,
    );
  }
  const remoteOpt = req.remote !== undefined ? parseRemoteOption(req.remote) : null;
  if (req.os !== undefined && !NAME.test(req.os)) {
    throw new UsageError(
      `--os '${req.os}' is not a stateroot name. Use letters, digits, '.', '_' and '-', e.g. --os fedora-rawhide.`,
    );
  }
  const sysroot = ctx.ostree.sysroot(ctx.sysroot);
  const repo = sysroot.repo();
  const layout = new RepoLayout(repo.path);
  const [trees, remotes, refs] = await Promise.all([listTrees(ctx), repo.remoteList(), layout.refs()]);
  const os = req.os ?? trees.find((t) => t.booted)?.stateroot ?? trees[0]?.stateroot;
  if (!os)
    throw new UsageError(`there is no tree in ${ctx.sysroot} to take a stateroot from. Name one: --os NAME`);
  const createStateroot = !(await exists(join(ctx.sysroot, 'ostree', 'deploy', os)));

  // The remote: --remote, or the one in the refspec, or the one the stateroot's trees follow.
  const known = new Map(remotes.map((r) => [r.name, r.url]));
  let addRemote: AddPlan['addRemote'] = null;
  if (remoteOpt?.url) {
    const existing = known.get(remoteOpt.name);
    if (existing === undefined) addRemote = { name: remoteOpt.name, url: remoteOpt.url };
    else if (existing !== remoteOpt.url) {
      throw new UserError(
        `remote ${remoteOpt.name} already points at ${existing}, not ${remoteOpt.url}. Use another name, or leave out =URL to use it.`,
      );
    }
  } else if (remoteOpt && !known.has(remoteOpt.name)) {
    throw new UserError(`there is no remote ${remoteOpt.name}. Add it with --remote ${remoteOpt.name}=URL.`);
  }
  const haveRemote = (name: string) => known.has(name) || addRemote?.name === name;
  const originRemote = followedRemote(trees, os);

  let pull: AddPlan['pull'] = null;
  let deploy: string;
  const colon = target.indexOf(':');
  if (CHECKSUM.test(target) || /^[0-9a-f]{7,63}$/.test(target)) {
    const checksum = CHECKSUM.test(target) ? target : uniquePrefix(target, trees, refs);
    const have = await repo.hasCommit(checksum);
    if (!have.present || have.partial) {
      const remote = remoteOpt?.name ?? originRemote;
      if (!remote) {
        throw new UsageError(
          `commit ${checksum.slice(0, 12)} is not in this repository. Say where to pull it from: --remote NAME=URL`,
        );
      }
      pull = { remote, ref: checksum };
    }
    deploy = checksum;
  } else if (colon > 0) {
    const remote = target.slice(0, colon);
    const ref = target.slice(colon + 1);
    if (remoteOpt && remoteOpt.name !== remote) {
      throw new UsageError(
        `${target} names remote ${remote} but --remote names ${remoteOpt.name}. Give one of them.`,
      );
    }
    if (!haveRemote(remote))
      throw new UserError(`there is no remote ${remote}. Add it with --remote ${remote}=URL.`);
    if (ref === '') throw new UsageError(`'${target}' has no ref after '${remote}:'.`);
    pull = { remote, ref };
    deploy = target;
  } else {
    const remote = remoteOpt?.name ?? originRemote;
    if (remote) {
      pull = { remote, ref: target };
      deploy = `${remote}:${target}`;
    } else if (refs.some((r) => r.ref === target)) {
      deploy = target;
    } else {
      throw new UsageError(
        `no remote to pull ${target} from. Give one: --remote NAME=URL, or REMOTE:${target}`,
      );
    }
  }

  // A new stateroot has no tree to take kernel arguments from: take the running (or default) tree's.
  let karg: string[] = [];
  if (!trees.some((t) => t.stateroot === os)) {
    const from = trees.find((t) => t.booted) ?? trees[0];
    if (from) karg = (await deploymentKargs(ctx.sysroot, from.path)) ?? [];
  }
  return { os, createStateroot, addRemote, pull, deploy, karg, notDefault: Boolean(req.notDefault) };
}

/** The ostree commands the plan runs (for --dry-run). */
export function addCommands(sysroot: string, plan: AddPlan): string[][] {
  const repoArg = `--repo=${join(sysroot, 'ostree', 'repo')}`;
  const cmds: string[][] = [];
  if (plan.addRemote)
    cmds.push([
      'ostree',
      'remote',
      'add',
      repoArg,
      '--no-gpg-verify',
      plan.addRemote.name,
      plan.addRemote.url,
    ]);
  if (plan.pull) cmds.push(['ostree', 'pull', repoArg, plan.pull.remote, plan.pull.ref]);
  if (plan.createStateroot) cmds.push(['ostree', 'admin', 'os-init', `--sysroot=${sysroot}`, plan.os]);
  const deploy = ['ostree', 'admin', 'deploy', `--sysroot=${sysroot}`, `--os=${plan.os}`];
  for (const k of plan.karg) deploy.push(`--karg-append=${k}`);
  deploy.push('--retain', '--no-prune');
  if (plan.notDefault) deploy.push('--not-as-default');
  deploy.push(plan.deploy);
  cmds.push(deploy);
  return cmds;
}

export async function runAdd(ctx: TreesContext, plan: AddPlan, emit: TreesEmit): Promise<Tree> {
  const sysroot = ctx.ostree.sysroot(ctx.sysroot);
  const repo = sysroot.repo();
  if (plan.addRemote) {
    await repo.remoteAdd(plan.addRemote.name, plan.addRemote.url, { gpgVerify: false });
    emit({ kind: 'remote-added', ...plan.addRemote });
  }
  if (plan.pull) {
    const { remote, ref } = plan.pull;
    try {
      await repo.pull(remote, [ref], {
        onProgress: (progress) => emit({ kind: 'pull', what: `${remote}:${ref}`, progress }),
      });
    } catch (e) {
      // Nothing was deployed: leave the repository's remotes as they were.
      if (plan.addRemote) {
        await ctx.ostree.exec(['remote', 'delete', `--repo=${repo.path}`, plan.addRemote.name], {
          allowFailure: true,
        });
      }
      throw e;
    }
  }
  if (plan.createStateroot) {
    await sysroot.osInit(plan.os);
    emit({ kind: 'stateroot-created', stateroot: plan.os });
  }
  const before = await sysroot.status();
  emit({ kind: 'deploy', refspec: plan.deploy, stateroot: plan.os });
  await sysroot.deploy(plan.deploy, {
    os: plan.os,
    retain: true,
    noPrune: true,
    notAsDefault: plan.notDefault,
    ...(plan.karg.length > 0 ? { kargAppend: plan.karg } : {}),
  });
  const trees = await listTrees(ctx);
  const isNew = (t: Tree) =>
    !before.some(
      (d: Deployment) => d.stateroot === t.stateroot && d.checksum === t.checksum && d.serial === t.serial,
    );
  const fresh = trees.find((t) => t.stateroot === plan.os && isNew(t));
  if (!fresh)
    throw new Error(
      `ostree admin deploy ${plan.deploy} succeeded but no new deployment appeared in ${plan.os}`,
    );
  return fresh;
}

/** The remote the stateroot's trees follow (origin `remote:ref`), else any tree's. */
function followedRemote(trees: readonly Tree[], os: string): string | null {
  const remoteOf = (t: Tree) => {
    const o = t.origin;
    if (!o || CHECKSUM.test(o)) return null;
    const i = o.indexOf(':');
    return i > 0 ? o.slice(0, i) : null;
  };
  const mine = trees
    .filter((t) => t.stateroot === os)
    .map(remoteOf)
    .find((r) => r !== null);
  return mine ?? trees.map(remoteOf).find((r) => r !== null) ?? null;
}

function uniquePrefix(
  prefix: string,
  trees: readonly Tree[],
  refs: ReadonlyArray<{ checksum: string }>,
): string {
  const all = new Set(
    [...trees.map((t) => t.checksum), ...refs.map((r) => r.checksum)].filter((c) => c.startsWith(prefix)),
  );
  if (all.size === 1) return [...all][0]!;
  if (all.size > 1)
    throw new UserError(
      `${prefix} is ambiguous: it names ${[...all].map((c) => c.slice(0, 12)).join(', ')}. Give more of the checksum.`,
    );
  throw new UserError(`no commit here starts with ${prefix}. Give the full 64-digit checksum to pull it.`);
}

async function exists(p: string): Promise<boolean> {
  return access(p).then(
    () => true,
    () => false,
  );
}
