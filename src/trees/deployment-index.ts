// Deployment indexes move after every write; grove names deployments by stateroot + checksum.serial
// and maps to an index just before each call that needs one.
import { UserError } from '../errors.js';
import type { Deployment, Sysroot } from '../ostree/index.js';

export interface DeploymentId {
  stateroot: string;
  checksum: string;
  serial: number;
}

export function sameId(a: DeploymentId, b: DeploymentId): boolean {
  return a.stateroot === b.stateroot && a.checksum === b.checksum && a.serial === b.serial;
}

export function findDeployment(deployments: readonly Deployment[], id: DeploymentId): Deployment | undefined {
  return deployments.find((d) => sameId(d, id));
}

/** The current index of a deployment, read from ostree right now. */
export async function currentIndex(sysroot: Sysroot, id: DeploymentId): Promise<number | null> {
  const d = findDeployment(await sysroot.status(), id);
  return d ? d.index : null;
}

export async function undeployById(sysroot: Sysroot, id: DeploymentId): Promise<boolean> {
  const index = await currentIndex(sysroot, id);
  if (index === null) return false;
  await sysroot.undeploy(index);
  return true;
}

export async function pinById(sysroot: Sysroot, id: DeploymentId, pinned: boolean): Promise<void> {
  const index = await currentIndex(sysroot, id);
  if (index === null) {
    throw new UserError(
      `tree ${id.checksum.slice(0, 10)}.${id.serial} is no longer deployed. See the trees: grove trees list`,
    );
  }
  await sysroot.pin(index, pinned);
}

export function describeId(id: DeploymentId, version?: string | null): string {
  return `${version ? `${version} ` : ''}(${id.checksum.slice(0, 10)}.${id.serial})`;
}
