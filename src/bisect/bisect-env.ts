import type { HttpClient } from '../http/index.js';
import type { Machine } from '../machine/machine.js';
import type { Ostree } from '../ostree/index.js';
import type { Emit } from './events.js';
import type { BisectState, StateStore } from './state.js';

/** Everything the bisect core touches, passed in (tests give real ones on temp sysroots). */
export interface BisectEnv {
  ostree: Ostree;
  sysroot: string;
  machine: Machine;
  http: HttpClient;
  emit: Emit;
  /**
   * Starts the background work that follows a deploy (the CLI starts a detached
   * `grove bisect prefetch`): pull the candidates that can come next, then remove candidate
   * deployments that are no longer needed. Absent: candidates are pulled when needed and old
   * ones removed in the foreground.
   */
  prefetch?: (current?: { store: StateStore; state: BisectState }) => Promise<void>;
  /**
   * Source bisections: who builds the candidates that can come next. 'in-process' (default): this
   * command's build queue, while it goes on (bisect run). 'background': the detached prefetch
   * process, because this command ends right after the deploy (verdicts given by hand).
   */
  buildAhead?: 'in-process' | 'background';
}
