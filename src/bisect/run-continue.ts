// `grove bisect run` across real reboots. The first command writes the test into the state,
// installs a oneshot systemd unit and reboots into the candidate; on every boot the unit runs
// `grove bisect run --continue`, which judges the booted tree, records, deploys the next candidate
// and reboots; the last step removes the unit and makes the original tree the default again,
// leaving the result in the state (and, through the unit's stdout, in the journal).
//
// Where the unit lives: /etc/systemd/system of the running tree, and of every tree that may boot
// during the run. On an OSTree system each deployment has its own /etc (ostree copies the merge
// deployment's /etc into a new deployment when it deploys it), so the unit is written into the
// /etc of the candidate that boots next, of the tree running now and of the original tree (a
// boot that falls back lands on one of those). On a sandbox the running tree's /etc is the booted
// deployment's directory's etc/, exactly what that tree sees as /etc when it runs.
import { UserError } from '../errors.js';
import type { SystemdUnit } from '../machine/systemd-unit.js';
import type { UnitInstaller } from '../machine/unit-installer.js';
import { findDeployment, type DeploymentId } from '../trees/deployment-index.js';
import { makeDefault } from '../trees/set-default.js';
import { sameDeployment } from '../trees/tree-roles.js';
import type { Advance } from './advance.js';
import type { BisectEnv } from './bisect-env.js';
import { loadState } from './find-state.js';
import { announceStep, isFirstRun, judgeBootedStep, type RunOptions } from './run.js';
import { deployedId, type BisectRunConfig, type BisectState, type StoredCommit } from './state.js';
import type { TestOutcome } from './test-exit.js';

export interface UnitDeps {
  units: UnitInstaller;
  unit: SystemdUnit;
}

/** `grove bisect run -- CMD` on a host: store the test, install the unit. The caller reboots. */
export async function startUnattendedRun(
  env: BisectEnv,
  deps: UnitDeps,
  config: BisectRunConfig,
): Promise<{ candidate: StoredCommit; step: number; roots: string[] }> {
  if (config.argv.length === 0)
    throw new UserError('bisect run needs a command: grove bisect run -- CMD [ARGS...]');
  const { store, state } = await loadState(env.sysroot);
  if (state.run) {
    throw new UserError(
      `an unattended run is already going on (${state.run.argv.join(' ')}); each boot goes on with it. To stop it: grove bisect reset`,
    );
  }
  if (!state.expected) {
    throw new UserError(
      state.result || state.ambiguous
        ? 'this bisection has already ended: see grove bisect status, or grove bisect reset.'
        : 'nothing is deployed to test. Give a verdict by hand or reset.',
    );
  }
  state.run = { ...config };
  await store.save(state);
  const roots = await installUnit(env, deps, state, { current: true, original: true });
  const { candidate, step } = await announceStep(env, state, {});
  return { candidate, step, roots };
}

export type ContinueOutcome =
  /** A step was judged (or none was due yet); the caller reboots into `advance.candidate`. */
  | { kind: 'reboot'; judged: StoredCommit | null; advance: Extract<Advance, { kind: 'testing' }> }
  /** The bisection ended: the unit is gone, the original tree is the default again. */
  | { kind: 'done'; judged: StoredCommit | null; advance: Exclude<Advance, { kind: 'testing' }> | null }
  /** The test could not run or asked to abort: no verdict, the unit is gone, the bisection stays. */
  | { kind: 'stopped'; judged: StoredCommit; outcome: TestOutcome }
  /** No run is going on (the bisection was reset or finished): a leftover unit was removed. */
  | { kind: 'idle'; removed: string[] };

/**
 * One boot's work, run by the unit: judge the booted tree with the stored test, record, deploy
 * the next candidate (the caller then reboots), or finish.
 */
export async function continueRun(
  env: BisectEnv,
  deps: UnitDeps,
  opts: Pick<RunOptions, 'onStep'> = {},
): Promise<ContinueOutcome> {
  const loaded = await loadState(env.sysroot).catch(() => null);
  if (!loaded?.state.run) {
    // The unit outlived its bisection (reset by hand, or a crash after the end): clean up.
    return { kind: 'idle', removed: await removeUnit(env, deps) };
  }
  const { state } = loaded;
  const run = state.run!;
  if (!state.expected) return finishRun(env, deps, null, null);

  const bootId = await env.machine.bootId();
  if (bootId !== null && bootId === state.expected.bootIdAtDeploy) {
    // Started again on the boot that deployed the candidate (by hand): nothing to judge yet.
    const advance = await currentStep(env, state);
    return { kind: 'reboot', judged: null, advance };
  }
  const r = await judgeBootedStep(env, { ...run, onStep: opts.onStep }, [], isFirstRun(state));
  if (r.kind === 'stopped') {
    await stopRun(env, deps);
    return { kind: 'stopped', judged: r.candidate, outcome: r.outcome };
  }
  if (r.advance.kind !== 'testing') return finishRun(env, deps, r.candidate, r.advance);
  const { state: after } = await loadState(env.sysroot);
  // ostree carried /etc (and the unit) into the new deployment when the running tree was its
  // merge source; write it there anyway, so the next boot runs it whatever ostree merged from.
  await installUnit(env, deps, after, { current: false, original: false });
  await announceStep(env, after, opts);
  return { kind: 'reboot', judged: r.candidate, advance: r.advance };
}

/** The run is over: no unit any more, the original tree is the default, the result stays. */
async function finishRun(
  env: BisectEnv,
  deps: UnitDeps,
  judged: StoredCommit | null,
  advance: Exclude<Advance, { kind: 'testing' }> | null,
): Promise<ContinueOutcome> {
  await removeUnit(env, deps);
  const { store, state } = await loadState(env.sysroot);
  const deployments = await env.ostree.sysroot(env.sysroot).status();
  if (findDeployment(deployments, state.original)) {
    const booted = await env.machine.booted();
    const id = await makeDefault(env.ostree, env.sysroot, state.original, booted);
    state.original = { ...state.original, serial: id.serial };
  }
  delete state.run;
  await store.save(state);
  return { kind: 'done', judged, advance: advance ?? finished(state) };
}

async function stopRun(env: BisectEnv, deps: UnitDeps): Promise<void> {
  await removeUnit(env, deps);
  const { store, state } = await loadState(env.sysroot);
  delete state.run;
  await store.save(state);
}

function finished(state: BisectState): Exclude<Advance, { kind: 'testing' }> | null {
  if (state.result) return { kind: 'done', result: state.result };
  if (state.ambiguous) return { kind: 'ambiguous', result: state.ambiguous };
  return null;
}

async function currentStep(
  env: BisectEnv,
  state: BisectState,
): Promise<Extract<Advance, { kind: 'testing' }>> {
  const { candidate, step } = await announceStep(env, state, {});
  return { kind: 'testing', candidate, remaining: 0, leftAfterThis: 0, stepsLeft: 0, step };
}

/**
 * The directory a tree's /etc is under, as the running system reaches it: `/` for the tree running
 * on a host (its /etc is live, and systemd there must be told), the deployment directory otherwise.
 */
async function treeRoots(env: BisectEnv, ids: Array<DeploymentId | null>): Promise<string[]> {
  const deployments = await env.ostree.sysroot(env.sysroot).status();
  const booted = await env.machine.booted();
  const roots = new Set<string>();
  for (const id of ids) {
    if (!id) continue;
    const d = findDeployment(deployments, id);
    if (!d) continue;
    roots.add(env.machine.kind === 'host' && sameDeployment(d, booted) ? '/' : d.path);
  }
  return [...roots];
}

export async function installUnit(
  env: BisectEnv,
  deps: UnitDeps,
  state: BisectState,
  also: { current: boolean; original: boolean },
): Promise<string[]> {
  const booted = also.current ? await env.machine.booted() : null;
  const roots = await treeRoots(env, [
    state.expected && state.expected.serial >= 0 ? deployedId(state.expected) : null,
    booted,
    also.original ? state.original : null,
  ]);
  for (const root of roots) await deps.units.install(root, deps.unit);
  return roots;
}

/** Removes the unit from the running system and from every deployment's /etc that has it. */
export async function removeUnit(env: BisectEnv, deps: UnitDeps): Promise<string[]> {
  const deployments = await env.ostree.sysroot(env.sysroot).status();
  const roots = await treeRoots(env, deployments);
  if (env.machine.kind === 'host' && !roots.includes('/')) roots.unshift('/');
  const removed: string[] = [];
  for (const root of roots) if (await deps.units.remove(root, deps.unit.name)) removed.push(root);
  return removed;
}
