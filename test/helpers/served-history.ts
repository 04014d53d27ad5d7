// A generated OS history served over HTTP on loopback, and sandboxes fed by it: what most CLI
// bisect tests start from.
import { join } from 'node:path';
import { serveRepo, type RepoServer } from '../../fixtures/http-server.js';
import { makeOsHistory, type OsHistory, type OsHistoryOptions } from '../../fixtures/os-history.js';
import { makeSandbox, type Sandbox } from '../../fixtures/sandbox.js';
import { tempDir } from './temp-dir.js';

export interface ServedHistory {
  dir: string;
  history: OsHistory;
  server: RepoServer;
  /** A fresh sandbox with the first and last commits deployed, booted into the last (bad) one. */
  bootedIntoBad(): Promise<Sandbox>;
  close(): Promise<void>;
}

export async function servedHistory(opts: Omit<OsHistoryOptions, 'dir'>): Promise<ServedHistory> {
  const dir = await tempDir();
  const history = await makeOsHistory({ ...opts, dir: join(dir.path, 'server') });
  const server = await serveRepo({ root: history.repo });
  let n = 0;
  return {
    dir: dir.path,
    history,
    server,
    bootedIntoBad: () =>
      makeSandbox({
        dir: join(dir.path, `sysroot-${n++}`),
        os: history.os,
        remoteUrl: server.url,
        ref: history.ref,
        deploy: [history.commits[0]!.checksum, history.commits[history.commits.length - 1]!.checksum],
        boot: true,
      }),
    async close() {
      await server.close();
      await dir.cleanup();
    },
  };
}
