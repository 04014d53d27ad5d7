import { access, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { UserError } from '../errors.js';
import { bisectDir, StateStore, type BisectState } from './state.js';

/** The stateroots of a sysroot (ostree/deploy/*). */
export async function stateroots(sysroot: string): Promise<string[]> {
  return (await readdir(join(sysroot, 'ostree', 'deploy'), { withFileTypes: true }).catch(() => []))
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort();
}

/**
 * The bisection lives in the /var/lib/grove of the stateroot it started in; look in each, so
 * commands find it whatever booted now.
 */
export async function findStore(sysroot: string): Promise<StateStore | null> {
  for (const os of await stateroots(sysroot)) {
    const store = new StateStore(bisectDir(sysroot, os));
    if (await exists(store.file)) return store;
  }
  return null;
}

export async function findLastStore(sysroot: string): Promise<StateStore | null> {
  for (const os of await stateroots(sysroot)) {
    const store = new StateStore(bisectDir(sysroot, os));
    if (await exists(store.lastFile)) return store;
  }
  return null;
}

export class NoBisection extends UserError {
  constructor(sysroot: string) {
    super(`no bisection in progress in ${sysroot}. Start one with: grove bisect start <good> <bad>`);
  }
}

export async function loadState(sysroot: string): Promise<{ store: StateStore; state: BisectState }> {
  const store = await findStore(sysroot);
  const state = store ? await store.load() : null;
  if (!store || !state) throw new NoBisection(sysroot);
  return { store, state };
}

async function exists(p: string): Promise<boolean> {
  return access(p).then(
    () => true,
    () => false,
  );
}
