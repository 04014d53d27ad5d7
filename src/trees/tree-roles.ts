// Roles of deployments as ostree defines them (ostree_sysroot_query_deployments_for): relative to
// the booted deployment of the same stateroot, the first one before it is pending, the first one
// after it is rollback. Index 0 is what boots next (the default).
import type { Deployment } from '../ostree/index.js';
import type { BootedDeployment } from '../machine/machine.js';

export interface TreeRoles {
  booted: boolean;
  default: boolean;
  pending: boolean;
  rollback: boolean;
  pinned: boolean;
  staged: boolean;
}

export function sameDeployment(
  d: Pick<Deployment, 'stateroot' | 'checksum' | 'serial'>,
  b: BootedDeployment | null,
) {
  return b !== null && d.stateroot === b.stateroot && d.checksum === b.checksum && d.serial === b.serial;
}

/**
 * Roles from what booted. On a host, ostree already knows (and says so in `admin status`);
 * on a sandbox the booted deployment comes from the sandbox's firmware record, so the roles
 * that depend on it are computed here the same way ostree computes them.
 */
export function assignRoles(
  deployments: readonly Deployment[],
  booted: BootedDeployment | null,
): TreeRoles[] {
  const bootedIndex = deployments.findIndex((d) => sameDeployment(d, booted));
  const bootedOs = bootedIndex >= 0 ? deployments[bootedIndex]!.stateroot : null;
  let pendingIndex = -1;
  let rollbackIndex = -1;
  if (bootedIndex >= 0) {
    for (let i = 0; i < deployments.length; i++) {
      if (deployments[i]!.stateroot !== bootedOs || i === bootedIndex) continue;
      if (i < bootedIndex && pendingIndex < 0) pendingIndex = i;
      if (i > bootedIndex && rollbackIndex < 0) rollbackIndex = i;
    }
  }
  return deployments.map((d, i) => ({
    booted: i === bootedIndex,
    default: i === 0,
    pending: i === pendingIndex && !d.staged,
    rollback: i === rollbackIndex,
    pinned: d.pinned,
    staged: d.staged,
  }));
}

export function roleNames(r: TreeRoles): string[] {
  const names: string[] = [];
  if (r.booted) names.push('booted');
  if (r.default) names.push('default');
  if (r.staged) names.push('staged');
  if (r.pending) names.push('pending');
  if (r.rollback) names.push('rollback');
  if (r.pinned) names.push('pinned');
  return names;
}
