// `grove bisect reset [--keep]`: the tree the user started from is the default again (and
// unpinned if it was not pinned before), candidates and grove's refs are gone. A candidate that
// is running now cannot be removed; it is removed by the next reset (or start) after a reboot.
import { settleInterruptedAhead } from './deploy-ahead.js';
import { join } from 'node:path';
import { rename, rm } from 'node:fs/promises';
import type { Sysroot } from '../ostree/index.js';
import { readJsonFile, writeJsonDurably } from '../state/atomic-file.js';
import {
  findDeployment,
  pinById,
  sameId,
  undeployById,
  type DeploymentId,
} from '../trees/deployment-index.js';
import { makeDefault } from '../trees/set-default.js';
import type { BisectEnv } from './bisect-env.js';
import { findStore, NoBisection, stateroots } from './find-state.js';
import { stopAnyPrefetch } from './prefetch.js';
import { removeUnit, type UnitDeps } from './run-continue.js';
import { bisectDir, type BisectState } from './state.js';

export interface ResetOutcome {
  original: DeploymentId & { version: string | null };
  /**
   * The tree the bisection started from was removed by something else: nothing was made the
   * default, and `nextBoot` is what boots next instead (null when no tree is left).
   */
  originalGone: boolean;
  nextBoot: (DeploymentId & { version: string | null }) | null;
  removed: DeploymentId[];
  kept: DeploymentId[];
  /** Running now: removed by the next reset after a reboot. */
  deferred: DeploymentId[];
  refsDeleted: number;
  /** Leftovers of an earlier reset removed this time. */
  cleanedUp: DeploymentId[];
}

interface Cleanup {
  schema: 1;
  deployments: DeploymentId[];
}

export async function resetBisect(
  env: BisectEnv,
  opts: { keep?: boolean; units?: UnitDeps; prefetchUnits?: UnitDeps } = {},
): Promise<ResetOutcome> {
  const store = await findStore(env.sysroot);
  const state = store ? await store.load() : null;
  const cleanedUp = await runPendingCleanup(env);
  if (!store || !state) {
    if (cleanedUp.length > 0) {
      return {
        original: { ...cleanedUp[0]!, version: null },
        originalGone: false,
        nextBoot: null,
        removed: [],
        kept: [],
        deferred: [],
        refsDeleted: 0,
        cleanedUp,
      };
    }
    throw new NoBisection(env.sysroot);
  }
  await stopAnyPrefetch(store.dir, { waitGone: true });
  // An unattended run stopped midway: its unit must not go on after the next boot.
  if (state.run && opts.units) await removeUnit(env, opts.units);
  // A bisection by hand on a host: the unit that restarted the background pull after each boot.
  if (opts.prefetchUnits) await removeUnit(env, opts.prefetchUnits);
  // A deploy ahead killed midway may have finished: its tree goes with the others.
  await settleInterruptedAhead(env, store, state);
  const sysroot = env.ostree.sysroot(env.sysroot);
  const booted = await env.machine.booted();
  const removed: DeploymentId[] = [];
  const kept: DeploymentId[] = [];
  const deferred: DeploymentId[] = [];
  for (const d of state.deployed) {
    if (sameId(d, state.original)) continue;
    if (opts.keep) kept.push(d);
    else if (booted && sameId(d, booted)) deferred.push(d);
    else if (await undeployById(sysroot, d)) removed.push(d);
  }
  let original: DeploymentId = state.original;
  const deployments = await sysroot.status();
  const originalGone = !findDeployment(deployments, original);
  if (!originalGone) {
    original = await makeDefault(env.ostree, env.sysroot, original, booted);
    if (!state.original.wasPinned) await pinById(sysroot, original, false);
  }
  const repo = sysroot.repo();
  // All of grove/bisect/: the candidates this state knows and what a prefetch pulled.
  const refs = new Set([...state.refs, ...(await repo.refs({ prefix: 'grove/bisect/' }))]);
  let refsDeleted = 0;
  for (const ref of refs) {
    await repo.refDelete(ref);
    refsDeleted++;
  }
  if (deferred.length > 0) await addCleanup(env.sysroot, state.stateroot, deferred);
  await store.archive();
  await rename(store.logFile, join(store.dir, 'last.log')).catch(() => undefined);
  return {
    original: { ...original, version: versionOf(state, original.checksum) },
    originalGone,
    nextBoot: originalGone ? await nextBootOf(sysroot) : null,
    removed,
    kept,
    deferred,
    refsDeleted,
    cleanedUp,
  };
}

async function nextBootOf(sysroot: Sysroot): Promise<(DeploymentId & { version: string | null }) | null> {
  const top = (await sysroot.status())[0];
  return top
    ? { stateroot: top.stateroot, checksum: top.checksum, serial: top.serial, version: top.version }
    : null;
}

function versionOf(state: BisectState, checksum: string): string | null {
  return state.commits.find((c) => c.checksum === checksum)?.version ?? null;
}

function cleanupFile(sysroot: string, stateroot: string): string {
  return join(bisectDir(sysroot, stateroot), 'cleanup.json');
}

async function addCleanup(sysroot: string, stateroot: string, ids: DeploymentId[]): Promise<void> {
  const file = cleanupFile(sysroot, stateroot);
  const c = (await readJsonFile<Cleanup>(file, 'bisect cleanup list')) ?? { schema: 1, deployments: [] };
  c.deployments.push(...ids);
  await writeJsonDurably(file, c);
}

/** Removes candidates a previous reset had to leave because they were running. */
export async function runPendingCleanup(env: BisectEnv): Promise<DeploymentId[]> {
  const done: DeploymentId[] = [];
  const booted = await env.machine.booted();
  for (const os of await stateroots(env.sysroot)) {
    const file = cleanupFile(env.sysroot, os);
    const c = await readJsonFile<Cleanup>(file, 'bisect cleanup list');
    if (!c) continue;
    const left: DeploymentId[] = [];
    for (const d of c.deployments) {
      if (booted && sameId(d, booted)) left.push(d);
      else if (await undeployById(env.ostree.sysroot(env.sysroot), d)) done.push(d);
    }
    if (left.length > 0) await writeJsonDurably(file, { schema: 1, deployments: left });
    else await rm(file, { force: true });
  }
  return done;
}
