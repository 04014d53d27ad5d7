// Where the systemd calls of an unattended bisection go: an interface, so the orchestration in
// src/bisect can be tested with a fake, and the real one (systemctl) can act on the running
// system or on a tree in a directory.
import type { SystemdUnit } from './systemd-unit.js';

export interface UnitInstaller {
  /**
   * Writes the unit into `<root>/etc/systemd/system/` and enables it (as `systemctl enable`
   * would). `root` is `/` for the running system, or a deployment directory: the /etc of a tree
   * that boots later.
   */
  install(root: string, unit: SystemdUnit): Promise<void>;
  /** Disables the unit and deletes its file under `root`. False when it was not there. */
  remove(root: string, name: string): Promise<boolean>;
}
