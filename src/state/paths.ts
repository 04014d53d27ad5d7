// Where grove keeps its files. /var/lib/grove on a host is the stateroot's var, so in a sysroot it
// is ostree/deploy/<os>/var/lib/grove: the place the booted system itself sees as /var/lib/grove.
import { join } from 'node:path';

export function groveVarDir(sysroot: string, stateroot: string): string {
  return join(sysroot, 'ostree', 'deploy', stateroot, 'var', 'lib', 'grove');
}

/** One lock per sysroot, beside the repository it protects. */
export function sysrootLockPath(sysroot: string): string {
  return join(sysroot, 'ostree', 'grove.lock');
}
