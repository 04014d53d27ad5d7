// A machine is where trees boot: this host, or a sandbox sysroot in a directory.
import type { RunResult } from '../process/run.js';

export interface BootedDeployment {
  stateroot: string;
  checksum: string;
  serial: number;
  /** Absolute path of the deployment directory. */
  path: string;
}

export interface BootAttempt {
  entry: string;
  title: string | null;
  /** Why this entry did not boot. */
  failed: string;
}

export interface RebootResult {
  booted: BootedDeployment;
  entry: string;
  /** Entries tried before the one that booted (a boot counter falling back). */
  fellBack: BootAttempt[];
}

export interface ExecOptions {
  env?: Record<string, string>;
  timeout?: number;
  signal?: AbortSignal;
  /** Inherit the terminal instead of capturing output. */
  inherit?: boolean;
  onStdoutLine?: (line: string) => void;
  onStderrLine?: (line: string) => void;
}

export interface Machine {
  readonly kind: 'host' | 'sandbox';
  readonly sysroot: string;
  booted(): Promise<BootedDeployment | null>;
  /** Changes on every boot: tells "rebooted since X" from "still the same boot". */
  bootId(): Promise<string | null>;
  /** Boots the next tree. On a host this does not return (the machine goes down). */
  reboot(): Promise<RebootResult>;
  /** Runs argv on the booted system. */
  exec(argv: readonly string[], opts?: ExecOptions): Promise<RunResult>;
}
