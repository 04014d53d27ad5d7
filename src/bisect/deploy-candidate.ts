// Puts a candidate in front of the boot menu: pull it (protected by a grove/ ref), deploy it as
// the next boot without pruning other history, and drop the candidates that no longer matter.
import { sameId, undeployById, type DeploymentId } from '../trees/deployment-index.js';
import type { BisectEnv } from './bisect-env.js';
import { deployedAhead } from './deploy-ahead.js';
import { ensureBuilt } from './source-candidates.js';
import { settlePrefetch } from './prefetch.js';
import { bisectDir, deployedId, type BisectState, type StateStore, type StoredCommit } from './state.js';

export function candidateRef(checksum: string): string {
  return `grove/bisect/${checksum}`;
}

/**
 * Makes sure the commit's full content is in the sysroot repo and protected by a ref. Returns
 * whether the user had to wait for the network (a pull now, or the rest of a prefetch).
 */
export async function ensurePulled(
  env: BisectEnv,
  state: BisectState,
  commit: StoredCommit,
): Promise<boolean> {
  const repo = env.ostree.sysroot(env.sysroot).repo();
  const settled = await settlePrefetch(bisectDir(env.sysroot, state.stateroot), commit.checksum, {
    stopWhenReady: true,
  });
  if (settled && settled.waited > 0.05) {
    env.emit({
      kind: 'note',
      message: `waited ${settled.waited.toFixed(1)}s for the prefetch of ${commit.version ?? commit.checksum.slice(0, 10)} to finish`,
    });
  }
  const have = await repo.hasCommit(commit.checksum);
  let pulled = settled !== null && settled.waited > 0.05;
  if (!have.present || have.partial) {
    await repo.pull(state.remote, [commit.checksum], {
      onProgress: (progress) =>
        env.emit({ kind: 'pull', checksum: commit.checksum, version: commit.version, progress }),
    });
    pulled = true;
  }
  const ref = candidateRef(commit.checksum);
  // `pull REMOTE CSUM` writes no ref, and every deploy prunes unreferenced commits: protect it
  // now (a prefetch has usually done so already).
  if ((await repo.localRefTarget(ref)) !== commit.checksum)
    await repo.refCreate(ref, commit.checksum, { force: true });
  if (!state.refs.includes(ref)) state.refs.push(ref);
  return pulled;
}

export async function deployCandidate(
  env: BisectEnv,
  store: StateStore,
  state: BisectState,
  commit: StoredCommit,
): Promise<DeploymentId> {
  const sysroot = env.ostree.sysroot(env.sysroot);
  // Already deployed for the next boot (a command re-run after a crash, or a prefetch): done.
  const existing = state.expected;
  if (existing && existing.checksum === commit.checksum && existing.serial >= 0) {
    const deployments = await sysroot.status();
    const d = deployments.find((x) => sameId(x, deployedId(existing)));
    if (d && d.index === 0) return existing;
  }
  // Record the intent before the side effect: a killed process leaves a state that says which
  // candidate was being deployed, and the next command finishes the job.
  state.expected = {
    checksum: commit.checksum,
    serial: -1,
    stateroot: state.stateroot,
    bootIdAtDeploy: await env.machine.bootId(),
    deployedAt: new Date().toISOString(),
  };
  await store.save(state);

  // Deployed ahead while the last candidate was tested: only move it to the front.
  const ahead = await deployedAhead(env, state, commit.checksum);
  // The other trees deployed ahead were for the branch not taken: stale from now on.
  state.ahead = [];
  let id: DeploymentId;
  if (ahead) {
    // A prefetch of the level after would compete for the disk with the boot-entry write.
    await settlePrefetch(bisectDir(env.sysroot, state.stateroot), commit.checksum, { stopWhenReady: true });
    env.emit({ kind: 'deploy', checksum: commit.checksum, version: commit.version, ahead: true });
    await sysroot.setDefaultById(ahead);
    id = ahead;
  } else {
    // Source bisection: what boots is the candidate's build (made in advance(), or now).
    const deployed = state.source ? await ensureBuilt(env, state, commit) : commit.checksum;
    if (state.source) state.expected.deployedChecksum = deployed;
    const waited = state.source ? false : await ensurePulled(env, state, commit);
    env.emit({ kind: 'pulled', checksum: commit.checksum, version: commit.version, waited });

    env.emit({ kind: 'deploy', checksum: commit.checksum, version: commit.version });
    await sysroot.deploy(deployed, { os: state.stateroot, retain: true, noPrune: true });
    // The new deployment has the highest serial of its commit (read from the deployment dirs,
    // cheaper than a whole `admin status`).
    const serials = await sysroot.deploymentSerials(state.stateroot, deployed);
    id = { stateroot: state.stateroot, checksum: deployed, serial: Math.max(...serials) };
    state.deployed.push(id);
  }
  state.expected = { ...state.expected, serial: id.serial };
  await store.save(state);

  // Removing the previous candidate (an undeploy: ~0.5 s of bootloader writes) is not needed for
  // the next boot; where a background process follows (prefetch), it does it, off the user's wait.
  if (!env.prefetch) await dropStaleCandidates(env, store, state, id);
  return id;
}

/**
 * Removes candidate deployments that are neither booted, the original, the one to boot next, nor
 * deployed ahead for the candidate being tested.
 */
export async function dropStaleCandidates(
  env: BisectEnv,
  store: StateStore,
  state: BisectState,
  keep: DeploymentId | null,
): Promise<void> {
  const sysroot = env.ostree.sysroot(env.sysroot);
  const booted = await env.machine.booted();
  const remaining: DeploymentId[] = [];
  for (const d of state.deployed) {
    const protectedTree =
      (keep && sameId(d, keep)) ||
      (booted && sameId(d, booted)) ||
      sameId(d, state.original) ||
      (state.ahead ?? []).some((a) => sameId(a, d));
    if (protectedTree) {
      remaining.push(d);
      continue;
    }
    if (await undeployById(sysroot, d)) {
      const version = state.commits.find((c) => c.checksum === d.checksum)?.version ?? null;
      env.emit({ kind: 'undeploy', checksum: d.checksum, serial: d.serial, version });
    }
  }
  state.deployed = remaining;
  await store.save(state);
}
