import { resolve } from 'node:path';
import type { Ostree } from '../ostree/index.js';
import { HostMachine } from './host-machine.js';
import type { Machine } from './machine.js';
import { SandboxMachine } from './sandbox-machine.js';

/** `/` is this host; any other sysroot is a sandbox machine played in a directory. */
export function openMachine(sysroot: string, ostree: Ostree): Machine {
  const abs = resolve(sysroot);
  return abs === '/' ? new HostMachine(ostree) : new SandboxMachine(abs);
}
