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
}
