// The HTTP module against a real loopback server whose answers each test scripts.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createHttpClient, HttpError, isNotFound, type HttpClient } from '../../../src/http/index.js';

type Handler = (req: IncomingMessage, res: ServerResponse, n: number) => void;
const cleanups: Array<() => Promise<void>> = [];

afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((c) => c()));
});

async function scripted(handler: Handler) {
  let requests = 0;
  let connections = 0;
  const server = createServer((req, res) => handler(req, res, ++requests));
  server.on('connection', () => connections++);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  cleanups.push(
    () =>
      new Promise((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  );
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, requests: () => requests, connections: () => connections };
}

function client(opts: Parameters<typeof createHttpClient>[0] = {}): HttpClient {
  const c = createHttpClient({ retryDelayMs: 5, ...opts });
  cleanups.push(() => c.close());
  return c;
}

describe('createHttpClient', () => {
  it('returns the body and keeps connections alive across sequential GETs', async () => {
    const s = await scripted((_req, res, n) => res.end(`answer ${n}`));
    const http = client();
    for (let i = 1; i <= 20; i++) {
      const r = await http.get(`${s.url}/f${i}`);
      expect(r.kind === 'ok' && Buffer.from(r.body).toString()).toBe(`answer ${i}`);
    }
    expect(await http.getText(`${s.url}/t`)).toBe('answer 21');
    // undici 7 may open a second connection for the request that follows the very first answer
    // (the first socket is not yet marked idle); after that one connection serves them all.
    expect(s.connections()).toBeLessThanOrEqual(2);
  });

  it('answers 404 and 410 with NotFound, without retrying', async () => {
    const s = await scripted((req, res) => res.writeHead(req.url === '/gone' ? 410 : 404).end('nope'));
    const http = client();
    const r = await http.get(`${s.url}/missing`);
    expect(isNotFound(r)).toBe(true);
    expect(r).toEqual({ kind: 'not-found', url: `${s.url}/missing`, status: 404 });
    expect(isNotFound(await http.getText(`${s.url}/gone`))).toBe(true);
    expect(s.requests()).toBe(2);
  });

  it('retries 5xx answers and succeeds', async () => {
    const s = await scripted((_req, res, n) =>
      n <= 2 ? res.writeHead(n === 1 ? 500 : 503).end() : res.end('ok'),
    );
    expect(await client().getText(`${s.url}/x`)).toBe('ok');
    expect(s.requests()).toBe(3);
  });

  it('gives up after the retries with a one-line error naming the URL and status', async () => {
    const s = await scripted((_req, res) => res.writeHead(502).end());
    const err = await client({ retries: 2 })
      .get(`${s.url}/objects/ab/cd.commit`)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HttpError);
    expect(err).toMatchObject({ url: `${s.url}/objects/ab/cd.commit`, status: 502, attempts: 3 });
    expect((err as Error).message).toBe(
      `GET ${s.url}/objects/ab/cd.commit failed: HTTP 502 Bad Gateway (after 3 attempts). ` +
        'Check that the server is up and the URL is right.',
    );
    expect(s.requests()).toBe(3);
  });

  it('does not retry other client errors', async () => {
    const s = await scripted((_req, res) => res.writeHead(403).end());
    await expect(client().get(`${s.url}/x`)).rejects.toMatchObject({ status: 403, attempts: 1 });
    expect(s.requests()).toBe(1);
  });

  it('retries a connection closed before the answer', async () => {
    const s = await scripted((req, res, n) => (n === 1 ? req.socket.destroy() : res.end('second time')));
    expect(await client().getText(`${s.url}/x`)).toBe('second time');
    expect(s.requests()).toBe(2);
  });

  it('says when nothing listens', async () => {
    const s = await scripted((_req, res) => res.end());
    const url = `${s.url}/x`;
    await cleanups.pop()!(); // the server is gone, its port closed
    const err = await client({ retries: 1 })
      .get(url)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HttpError);
    expect(err).toMatchObject({ status: null, code: 'ECONNREFUSED', attempts: 2 });
    expect((err as Error).message).toContain(`GET ${url} failed: connection refused (after 2 attempts)`);
  });

  it('times out a silent server', async () => {
    const s = await scripted(() => undefined);
    const err = await client({ timeoutMs: 150, retries: 1 })
      .get(`${s.url}/slow`)
      .catch((e: unknown) => e);
    expect((err as Error).message).toContain('no answer within 150 ms (after 2 attempts)');
    expect(s.requests()).toBe(2);
  });

  it('stops on abort with the abort reason, not an HttpError', async () => {
    const s = await scripted(() => undefined);
    const controller = new AbortController();
    const pending = client().get(`${s.url}/x`, { signal: controller.signal });
    setTimeout(() => controller.abort(), 50);
    const err = await pending.catch((e: unknown) => e);
    expect(err).not.toBeInstanceOf(HttpError);
    expect(err).toMatchObject({ name: 'AbortError' });
  });
});
