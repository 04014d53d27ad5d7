// Make a deployment the next boot. ostree has `admin set-default` since 2023.6, and grove's own
// helper does the same through libostree where it was built (see src/ostree/native/). Without
// either (Debian 12's 2022.7 and no helper) the same is done by deploying the commit again in
// front, with the tree's own /etc, origin and kernel arguments, and removing the old copy.
import { join } from 'node:path';
import { deploymentKargs } from '../machine/boot-entries.js';
import type { Ostree } from '../ostree/index.js';
import { run } from '../process/run.js';
import {
  currentIndex,
  findDeployment,
  pinById,
  sameId,
  undeployById,
  type DeploymentId,
} from './deployment-index.js';
import { UserError } from '../errors.js';

/** `booted`: what runs now (the sandbox knows it, ostree does not); it is never undeployed. */
export async function makeDefault(
  ostree: Ostree,
  sysrootPath: string,
  id: DeploymentId,
  booted: DeploymentId | null,
): Promise<DeploymentId> {
  const sysroot = ostree.sysroot(sysrootPath);
  const index = await currentIndex(sysroot, id);
  if (index === null) {
    throw new UserError(
      `tree ${id.checksum.slice(0, 10)}.${id.serial} is not deployed. See the trees: grove trees list`,
    );
  }
  const same = { stateroot: id.stateroot, checksum: id.checksum, serial: id.serial };
  if (index === 0) return same;
  if (await ostree.canSetDefault()) {
    await sysroot.setDefaultById(same);
    return same;
  }
  const before = await sysroot.status();
  const old = findDeployment(before, id)!;
  const kargs = (await deploymentKargs(sysrootPath, old.path)) ?? [];
  await sysroot.deploy(id.checksum, {
    os: id.stateroot,
    retain: true,
    noPrune: true,
    noMerge: true,
    originFile: `${old.path}.origin`,
    kargAppend: kargs,
  });
  const after = await sysroot.status();
  const fresh = after
    .filter((d) => d.stateroot === id.stateroot && d.checksum === id.checksum)
    .reduce((a, b) => (b.serial > a.serial ? b : a));
  // The new copy starts from the commit's pristine /etc; give it the tree's own. The deployment
  // root is immutable on a host, so empty /etc and copy into it rather than replacing it.
  const newEtc = join(fresh.path, 'etc');
  await run(['find', newEtc, '-mindepth', '1', '-delete']);
  await run(['cp', '-a', `${join(old.path, 'etc')}/.`, `${newEtc}/`]);
  if (old.pinned) {
    await pinById(sysroot, id, false);
    await pinById(sysroot, fresh, true);
  }
  // A running tree cannot be removed; it stays, second, until the next cleanup.
  if (!old.booted && !(booted && sameId(booted, id))) await undeployById(sysroot, id);
  return { stateroot: fresh.stateroot, checksum: fresh.checksum, serial: fresh.serial };
}
