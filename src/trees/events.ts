// What the trees core reports while it works. It never prints: src/cli renders these.
import type { PullProgress } from '../ostree/index.js';

export type TreesEvent =
  | { kind: 'remote-added'; name: string; url: string }
  | { kind: 'stateroot-created'; stateroot: string }
  | { kind: 'pull'; what: string; progress: PullProgress }
  | { kind: 'deploy'; refspec: string; stateroot: string }
  | { kind: 'undeploy'; stateroot: string; checksum: string; serial: number; version: string | null }
  | { kind: 'cleanup' }
  | { kind: 'note'; message: string };

export type TreesEmit = (e: TreesEvent) => void;

export const ignoreEvents: TreesEmit = () => undefined;
