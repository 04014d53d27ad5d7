// One sysroot (`/` on a host, a temp dir for a sandbox machine): `ostree admin ... --sysroot=PATH`.
//
// Traps (2022.7) callers must know:
// - deploy, undeploy and cleanup prune the sysroot repo at depth 0: commits that are neither a ref
//   tip nor deployed are deleted, including history pulled with --depth / --commit-metadata-only.
//   Use `noPrune` and protect commits with refs.
// - Without `retain`, deploying on a non-booted sysroot drops the other deployments of the stateroot
//   (except pinned ones).
// - Indexes shift after every write: map `checksum.serial` to an index right before using one.
// - A failed deploy (e.g. "Tree contains both /etc and /usr/etc") can leave its deployment
//   directory behind under ostree/deploy/<os>/deploy/; `cleanup` removes it.
import { readdir } from 'node:fs/promises';
import * as nodePath from 'node:path';
import { deploymentIndex, positional } from './check-arguments.js';
import { MissingOstreeFeature } from './missing-feature.js';
import type { Ostree } from './ostree.js';
import { parseAdminStatus } from './parse-admin-status.js';
import type { Repo } from './repo.js';
import type { Deployment } from './types.js';

export interface DeployOptions {
  /** Stateroot (`--os`); 2022.7 has no `--stateroot`. */
  os: string;
  /** Kernel arguments (`--karg=NAME=VALUE`); without any, the merge deployment's are kept. */
  karg?: string[];
  /** Kernel arguments appended as given (`--karg-append`), repeats kept (console=tty0 console=ttyS0). */
  kargAppend?: string[];
  /** Keep the other deployments (see the trap above). */
  retain?: boolean;
  /** Don't prune the sysroot repo after deploying (see the trap above). */
  noPrune?: boolean;
  /** Add the deployment after the default instead of making it the default. */
  notAsDefault?: boolean;
  /** Don't take /etc and kernel arguments from the merge deployment. */
  noMerge?: boolean;
  /** Origin keyfile to write for the deployment. */
  originFile?: string;
}

export class Sysroot {
  constructor(
    private readonly ostree: Ostree,
    readonly path: string,
  ) {}

  private get sysrootArg(): string {
    return `--sysroot=${this.path}`;
  }

  /** `<sysroot>/ostree/repo`. */
  repo(): Repo {
    return this.ostree.repo(nodePath.join(this.path, 'ostree', 'repo'));
  }

  /** Creates the directory layout (boot, ostree/repo, sysroot, ...) in an existing directory. */
  async initFs(): Promise<void> {
    await this.ostree.exec(['admin', 'init-fs', positional('sysroot path', this.path)]);
  }

  /** Creates the stateroot `ostree/deploy/<os>` (with its var). */
  async osInit(os: string): Promise<void> {
    await this.ostree.exec(['admin', 'os-init', this.sysrootArg, positional('stateroot', os)]);
  }

  async deploy(refspec: string, opts: DeployOptions): Promise<void> {
    await this.ostree.exec(deployArgs(this.path, refspec, opts));
  }

  /** Index from status() just before; ostree 2022.7 would turn junk into 0, so it is checked here. */
  async undeploy(index: number): Promise<void> {
    await this.ostree.exec(['admin', 'undeploy', this.sysrootArg, deploymentIndex(index)]);
  }

  async pin(index: number, pinned: boolean): Promise<void> {
    const args = ['admin', 'pin', this.sysrootArg];
    if (!pinned) args.push('--unpin');
    args.push(deploymentIndex(index));
    await this.ostree.exec(args);
  }

  /**
   * Serials of the deployments of `checksum` in `stateroot`, from the deployment directories
   * (<csum>.<serial>) without running ostree: after a deploy, the new one has the highest.
   */
  async deploymentSerials(stateroot: string, checksum: string): Promise<number[]> {
    const dir = nodePath.join(this.path, 'ostree', 'deploy', positional('stateroot', stateroot), 'deploy');
    const names = await readdir(dir).catch(() => [] as string[]);
    return names
      .map((n) => /^([0-9a-f]{64})\.(\d+)$/.exec(n))
      .filter((m): m is RegExpExecArray => m !== null && m[1] === checksum)
      .map((m) => Number(m[2]));
  }

  /** Deployments in boot order (index 0 = default), parsed from `ostree admin status`. */
  async status(): Promise<Deployment[]> {
    const r = await this.ostree.exec(['admin', 'status', this.sysrootArg]);
    return parseAdminStatus(r.stdout, this.path);
  }

  /**
   * Makes deployment `index` the default. Throws MissingOstreeFeature where `admin set-default`
   * does not exist (before 2023.6); callers fall back (e.g. redeploy).
   */
  async setDefault(index: number): Promise<void> {
    const arg = deploymentIndex(index);
    const caps = await this.ostree.capabilities();
    if (!caps.setDefault) {
      const { version } = await this.ostree.version();
      throw new MissingOstreeFeature('`ostree admin set-default`', version, '2023.6');
    }
    await this.ostree.exec(['admin', 'set-default', this.sysrootArg, arg]);
  }

  /**
   * Makes the deployment `stateroot`/`checksum`.`serial` the default, the others keeping their
   * order, without deploying anything: grove's helper where it was built (no repository prune
   * afterwards: the slow part, left to the next undeploy or cleanup), else `admin set-default`.
   * Throws MissingOstreeFeature when neither exists (see Ostree.canSetDefault).
   */
  async setDefaultById(id: { stateroot: string; checksum: string; serial: number }): Promise<void> {
    const helper = this.ostree.execOrderHelper;
    if (helper) {
      await helper(orderArgs(this.path, 'first', id));
      return;
    }
    const deployments = await this.status();
    const d = deployments.find(
      (x) => x.stateroot === id.stateroot && x.checksum === id.checksum && x.serial === id.serial,
    );
    if (!d) throw new Error(`no deployment ${id.stateroot}/${id.checksum}.${id.serial} in ${this.path}`);
    if (d.index !== 0) await this.setDefault(d.index);
  }

  /**
   * Moves a deployment to the end of the boot entries (grove's helper only): where a tree
   * deployed ahead changes neither the next boot nor the rollback.
   */
  async moveLast(id: { stateroot: string; checksum: string; serial: number }): Promise<void> {
    const helper = this.ostree.execOrderHelper;
    if (!helper) throw new Error('moveLast needs grove-ostree-order (see Ostree.execOrderHelper)');
    await helper(orderArgs(this.path, 'last', id));
  }

  /** Deletes undeployed deployment dirs and prunes the repo (depth 0, see the trap above). */
  async cleanup(): Promise<void> {
    await this.ostree.exec(['admin', 'cleanup', this.sysrootArg]);
  }
}

/** The argv (after the program) of grove-ostree-order. */
function orderArgs(
  sysroot: string,
  where: 'first' | 'last',
  id: { stateroot: string; checksum: string; serial: number },
): string[] {
  if (!/^[0-9a-f]{64}$/.test(id.checksum)) throw new Error(`not a commit checksum: ${id.checksum}`);
  if (!Number.isInteger(id.serial) || id.serial < 0) throw new Error(`not a deployment serial: ${id.serial}`);
  return [sysroot, where, positional('stateroot', id.stateroot), id.checksum, String(id.serial)];
}

/** The argv of `ostree admin deploy` (exported for tests and --dry-run). */
export function deployArgs(sysroot: string, refspec: string, opts: DeployOptions): string[] {
  const args = ['admin', 'deploy', `--sysroot=${sysroot}`, `--os=${positional('stateroot', opts.os)}`];
  for (const k of opts.karg ?? []) args.push(`--karg=${k}`);
  for (const k of opts.kargAppend ?? []) args.push(`--karg-append=${k}`);
  if (opts.retain) args.push('--retain');
  if (opts.noPrune) args.push('--no-prune');
  if (opts.notAsDefault) args.push('--not-as-default');
  if (opts.noMerge) args.push('--no-merge');
  if (opts.originFile) args.push(`--origin-file=${opts.originFile}`);
  args.push(positional('refspec', refspec));
  return args;
}
