// Deploying the next candidates before the verdict. While one candidate is tested, the background
// process deploys both that can come next, after every other tree (so that neither the next boot
// nor the rollback changes); the verdict then only moves one of them to the front of the boot
// entries: one boot-entry write instead of a checkout, an /etc merge and a boot-entry write.
//
// It needs grove's order helper (src/ostree/native/): ostree has no "move last", and on ostree
// without `admin set-default` nothing else can move a deployment first. Without it a verdict
// deploys, as before.
import { sameId, type DeploymentId } from '../trees/deployment-index.js';
import type { BisectEnv } from './bisect-env.js';
import { planPrefetch } from './prefetch-plan.js';
import type { BisectState, DeployedCandidate, StateStore } from './state.js';

/** Whether this machine can deploy ahead at all. */
export function canDeployAhead(env: BisectEnv): boolean {
  return env.ostree.execOrderHelper !== null;
}

/**
 * Deploys, after the other trees, those of `pulled` that are still the candidates that can come
 * next (the verdict may have moved on while they were pulled). Call holding the sysroot lock.
 * Each deploy is recorded as an intent (serial -1) before it starts, so that a process killed
 * midway leaves a state that says which commit it was deploying.
 */
export async function deployAhead(
  env: BisectEnv,
  store: StateStore,
  state: BisectState,
  pulled: readonly string[],
): Promise<DeploymentId[]> {
  const made: DeploymentId[] = [];
  // Source candidates are built commits, deployed as they are built; only server commits here.
  if (!canDeployAhead(env) || state.source || !state.expected || state.expected.serial < 0) return made;
  await settleInterruptedAhead(env, store, state);
  const next = new Set(planPrefetch(state).batches[0] ?? []);
  const sysroot = env.ostree.sysroot(env.sysroot);
  const repo = sysroot.repo();
  state.ahead ??= [];
  for (const checksum of pulled) {
    if (!next.has(checksum) || state.ahead.some((a) => a.checksum === checksum)) continue;
    const have = await repo.hasCommit(checksum);
    if (!have.present || have.partial) continue;
    const intent: DeployedCandidate = { stateroot: state.stateroot, checksum, serial: -1 };
    state.ahead.push(intent);
    await store.save(state);
    await sysroot.deploy(checksum, { os: state.stateroot, retain: true, noPrune: true, notAsDefault: true });
    const serial = Math.max(...(await sysroot.deploymentSerials(state.stateroot, checksum)));
    const id: DeploymentId = { stateroot: state.stateroot, checksum, serial };
    // `--not-as-default` puts it second, where it would be the rollback: move it last.
    await sysroot.moveLast(id);
    intent.serial = serial;
    state.deployed.push(id);
    await store.save(state);
    made.push(id);
    const version = state.commits.find((c) => c.checksum === checksum)?.version ?? null;
    env.emit({ kind: 'deploy-ahead', checksum, serial, version });
  }
  return made;
}

/** The deployment made ahead for `checksum`, if it is still there. */
export async function deployedAhead(
  env: BisectEnv,
  state: BisectState,
  checksum: string,
): Promise<DeploymentId | null> {
  const a = state.ahead?.find((x) => x.checksum === checksum && x.serial >= 0);
  if (!a || !canDeployAhead(env)) return null;
  const serials = await env.ostree.sysroot(env.sysroot).deploymentSerials(a.stateroot, a.checksum);
  return serials.includes(a.serial)
    ? { stateroot: a.stateroot, checksum: a.checksum, serial: a.serial }
    : null;
}

/**
 * A deploy ahead that was killed midway (serial -1): ostree either finished it or left nothing
 * bootable. A finished one is adopted into `deployed`, where the stale-candidate cleanup and reset
 * find it; the intent is dropped either way.
 */
export async function settleInterruptedAhead(
  env: BisectEnv,
  store: StateStore,
  state: BisectState,
): Promise<void> {
  const interrupted = (state.ahead ?? []).filter((a) => a.serial < 0);
  if (interrupted.length === 0) return;
  const deployments = await env.ostree.sysroot(env.sysroot).status();
  for (const a of interrupted) {
    for (const d of deployments) {
      const known = state.deployed.some((x) => sameId(x, d)) || sameId(d, state.original);
      if (d.stateroot === a.stateroot && d.checksum === a.checksum && !known) {
        state.deployed.push({ stateroot: d.stateroot, checksum: d.checksum, serial: d.serial });
      }
    }
  }
  state.ahead = (state.ahead ?? []).filter((a) => a.serial >= 0);
  await store.save(state);
}
