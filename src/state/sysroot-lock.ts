// One grove command at a time may change a sysroot. proper-lockfile makes the lock with an atomic
// mkdir and refreshes its mtime, so a lock left by a killed process goes stale and is taken over
// instead of blocking forever.
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { UserError } from '../errors.js';

/**
 * How long a command waits for another one to finish: grove's own background process holds the
 * lock for a second or so at a time (removing stale candidates, deploying the next ones ahead),
 * which a verdict should wait out rather than fail on. GROVE_LOCK_WAIT (seconds) overrides it.
 */
function defaultWaitSeconds(): number {
  const configured = Number(process.env.GROVE_LOCK_WAIT);
  return process.env.GROVE_LOCK_WAIT && Number.isFinite(configured) && configured >= 0 ? configured : 15;
}

/** `waitSeconds`: how long to wait for another command to finish. */
export async function withSysrootLock<T>(
  lockPath: string,
  fn: () => Promise<T>,
  waitSeconds = defaultWaitSeconds(),
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
