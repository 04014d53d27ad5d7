import type { Machine } from '../machine/machine.js';
import type { Ostree } from '../ostree/index.js';
import { assignRoles, type TreeRoles } from './tree-roles.js';

export interface Tree extends TreeRoles {
  index: number;
  stateroot: string;
  checksum: string;
  serial: number;
  version: string | null;
  timestamp: Date | null;
  origin: string | null;
  path: string;
}

export interface TreesContext {
  ostree: Ostree;
  sysroot: string;
  machine: Machine;
}

/** Every deployment of the sysroot, in boot order, with its roles and commit facts. */
export async function listTrees(ctx: TreesContext): Promise<Tree[]> {
  const sysroot = ctx.ostree.sysroot(ctx.sysroot);
  const [deployments, booted] = await Promise.all([sysroot.status(), ctx.machine.booted()]);
  const roles = assignRoles(deployments, booted);
  const repo = sysroot.repo();
  const commits = new Map<string, Promise<{ timestamp: Date; version: string | null } | null>>();
  const commitOf = (csum: string) => {
    let p = commits.get(csum);
    if (!p) {
      p = repo.show(csum).catch(() => null);
      commits.set(csum, p);
    }
    return p;
  };
  return Promise.all(
    deployments.map(async (d, i) => {
      const c = await commitOf(d.checksum);
      return {
        index: d.index,
        stateroot: d.stateroot,
        checksum: d.checksum,
        serial: d.serial,
        version: d.version ?? c?.version ?? null,
        timestamp: c?.timestamp ?? null,
        origin: d.origin,
        path: d.path,
        ...roles[i]!,
      };
    }),
  );
}
