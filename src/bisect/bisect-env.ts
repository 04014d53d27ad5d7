import type { HttpClient } from '../http/index.js';
import type { Machine } from '../machine/machine.js';
import type { Ostree } from '../ostree/index.js';
import type { Emit } from './events.js';

/** Everything the bisect core touches, passed in (tests give real ones on temp sysroots). */
export interface BisectEnv {
  ostree: Ostree;
  sysroot: string;
  machine: Machine;
  http: HttpClient;
  emit: Emit;
  /**
   * Starts pulling the next candidates in the background (the CLI starts a detached
   * `grove bisect prefetch`). Absent: no prefetch, candidates are pulled when needed.
   */
  prefetch?: () => Promise<void>;
}
