// A static HTTP/1.1 keep-alive server for an archive repository on 127.0.0.1, with latency and
// faults, shaped like fixtures/http-server.ts `serveRepo` so tests can move to it unchanged.
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve, sep } from 'node:path';

export interface ServeOptions {
  root: string;
  /** Added before every answer, in milliseconds. */
  latencyMs?: number;
  faults?: {
    /** Paths (relative to root, e.g. `objects/ab/cd….commit`) answered with 404. */
    notFound?: string[];
    /** Path → how many of its first requests get a 500. */
    fail500?: Record<string, number>;
    /** Path → bytes sent instead of the file. */
    replace?: Record<string, Uint8Array>;
  };
}

export interface ServedRepo {
  url: string;
  /** Paths requested, in order, relative to root. */
  requests: string[];
  /** TCP connections accepted. */
  connections: () => number;
  close(): Promise<void>;
}

export async function serveArchive(opts: ServeOptions): Promise<ServedRepo> {
  const root = resolve(opts.root);
  const notFound = new Set(opts.faults?.notFound ?? []);
  const fail500 = new Map(Object.entries(opts.faults?.fail500 ?? {}));
  const replace = new Map(Object.entries(opts.faults?.replace ?? {}));
  const requests: string[] = [];
  let connections = 0;
  const server: Server = createServer(async (req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname).replace(/^\/+/, '');
    requests.push(path);
    if (opts.latencyMs) await new Promise((r) => setTimeout(r, opts.latencyMs));
    const failures = fail500.get(path) ?? 0;
    if (failures > 0) {
      fail500.set(path, failures - 1);
      res.writeHead(500).end('injected failure\n');
      return;
    }
    const file = resolve(root, path);
    if (notFound.has(path) || !file.startsWith(root + sep)) {
      res.writeHead(404).end();
      return;
    }
    try {
      const body = replace.get(path) ?? (await readFile(file));
      res.writeHead(200, { 'content-length': body.length, 'content-type': 'application/octet-stream' });
      res.end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  server.on('connection', () => connections++);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    connections: () => connections,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

/** The path of a commit object under the repository root. */
export function commitPath(checksum: string): string {
  return `objects/${checksum.slice(0, 2)}/${checksum.slice(2)}.commit`;
}
