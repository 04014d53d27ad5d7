// One grove command at a time may change a sysroot. proper-lockfile makes the lock with an atomic
// mkdir and refreshes its mtime, so a lock left by a killed process goes stale and is taken over
// instead of blocking forever.
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { UserError } from '../errors.js';

/** `waitSeconds`: how long to wait for another command to finish (background work waits longer). */
export async function withSysrootLock<T>(
  lockPath: string,
  fn: () => Promise<T>,
  waitSeconds = 3,
): Promise<T> {
  // Loaded here, not at start-up: read-only commands never lock, and proper-lockfile (with
  // graceful-fs and signal-exit, which load node:assert) costs every start that loads it.
  const lockfile = await import('proper-lockfile');
  await mkdir(dirname(lockPath), { recursive: true });
  let release: () => Promise<void>;
  try {
    release = await lockfile.lock(lockPath, {
      realpath: false,
      stale: 30_000,
      update: 5_000,
      retries: { retries: Math.max(1, Math.ceil(waitSeconds / 0.5)), minTimeout: 200, maxTimeout: 500 },
    });
  } catch (e) {
    if ((e as { code?: string }).code === 'ELOCKED') {
      throw new UserError(
        `another grove command is changing this system (lock ${lockPath}.lock). Wait for it to finish and try again.`,
      );
    }
    throw e;
  }
  try {
    return await fn();
  } finally {
    await release().catch(() => undefined);
  }
}
