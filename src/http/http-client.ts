// The one place grove speaks HTTP (undici). GETs only: build servers are static file trees.
// Connections are pooled and kept alive, because history is walked one small object at a time
// and a new TCP connection per object would double the cost of each step.
import { setTimeout as sleep } from 'node:timers/promises';
import type { Agent, request as undiciRequest } from 'undici';
import { HttpError } from './http-error.js';

export interface HttpClientOptions {
  /** Connections per origin. Default 6. */
  connections?: number;
  /** Requests in flight per connection (HTTP/1.1 pipelining). Default 1 (none). */
  pipelining?: number;
  /** Per attempt, headers and body together, in milliseconds. Default 30000. */
  timeoutMs?: number;
  /** Retries after a 5xx, 408, 429, timeout or broken connection. Default 3. */
  retries?: number;
  /** First retry delay in milliseconds, doubled for each further retry. Default 200. */
  retryDelayMs?: number;
}

export interface GetOptions {
  signal?: AbortSignal;
}

export interface HttpResponse {
  kind: 'ok';
  url: string;
  status: number;
  body: Uint8Array;
}

/** The server has no such file (404 or 410): an answer, not a failure, and never retried. */
export interface NotFound {
  kind: 'not-found';
  url: string;
  status: number;
}

export interface HttpClient {
  /** GETs `url`. Throws HttpError for any other failure once retries are spent. */
  get(url: string, opts?: GetOptions): Promise<HttpResponse | NotFound>;
  /** GETs `url` as UTF-8 text. */
  getText(url: string, opts?: GetOptions): Promise<string | NotFound>;
  /** Closes the pooled connections. */
  close(): Promise<void>;
}

export function isNotFound(r: unknown): r is NotFound {
  return typeof r === 'object' && r !== null && (r as { kind?: unknown }).kind === 'not-found';
}

const RETRY_STATUS = new Set([408, 429, 500, 502, 503, 504]);
// Errors after which the same request may well succeed: the connection broke or went silent.
const RETRY_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'EPIPE',
  'ETIMEDOUT',
  'EAI_AGAIN',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
]);

export function createHttpClient(opts: HttpClientOptions = {}): HttpClient {
  const timeoutMs = opts.timeoutMs ?? 30_000;
  const retries = opts.retries ?? 3;
  const retryDelayMs = opts.retryDelayMs ?? 200;
  // undici is loaded on the first request: most grove commands never speak HTTP, and loading
  // it is a fifth of the CLI's start-up.
  let undici: Promise<{ agent: Agent; request: typeof undiciRequest }> | null = null;
  const client = () =>
    (undici ??= import('undici').then((m) => {
      // undici is CommonJS: bundled, its exports arrive on `default`.
      const { Agent, request } = (m as typeof m & { default?: typeof m }).default ?? m;
      return {
        request,
        agent: new Agent({
          connections: opts.connections ?? 6,
          pipelining: opts.pipelining ?? 1,
          headersTimeout: timeoutMs,
          bodyTimeout: timeoutMs,
          connectTimeout: timeoutMs,
        }),
      };
    }));

  async function get(url: string, getOpts: GetOptions = {}): Promise<HttpResponse | NotFound> {
    const { signal } = getOpts;
    for (let attempt = 1; ; attempt++) {
      signal?.throwIfAborted();
      const canRetry = attempt <= retries;
      let status: number;
      try {
        const timeout = AbortSignal.timeout(timeoutMs);
        const { agent, request } = await client();
        const res = await request(url, {
          method: 'GET',
          dispatcher: agent,
          signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
        });
        status = res.statusCode;
        if (status >= 200 && status < 300) {
          return { kind: 'ok', url, status, body: new Uint8Array(await res.body.arrayBuffer()) };
        }
        // Read the rest of the answer so the connection can be reused.
        await res.body.dump();
      } catch (e) {
        if (signal?.aborted) throw signal.reason;
        const code = errorCode(e);
        if (canRetry && (code === 'TimeoutError' || (code !== undefined && RETRY_CODES.has(code)))) {
          await backoff(attempt);
          continue;
        }
        throw new HttpError(url, null, describe(e, code, timeoutMs), attempt, code);
      }
      if (status === 404 || status === 410) return { kind: 'not-found', url, status };
      if (canRetry && RETRY_STATUS.has(status)) {
        await backoff(attempt);
        continue;
      }
      // node:http loads here, not at every start of the CLI (most commands never speak HTTP).
      const { STATUS_CODES } = process.getBuiltinModule('node:http');
      throw new HttpError(url, status, STATUS_CODES[status] ?? '', attempt);
    }

    function backoff(attempt: number) {
      // Jitter keeps parallel fetches from retrying in lockstep against a struggling server.
      const ms = retryDelayMs * 2 ** (attempt - 1) * (0.75 + Math.random() * 0.5);
      return sleep(ms, undefined, { signal });
    }
  }

  return {
    get,
    async getText(url, getOpts) {
      const r = await get(url, getOpts);
      return r.kind === 'ok' ? Buffer.from(r.body).toString('utf8') : r;
    },
    close: async () => {
      if (undici) await (await undici).agent.close();
    },
  };
}

function errorCode(e: unknown): string | undefined {
  if (!(e instanceof Error)) return undefined;
  if (e.name === 'TimeoutError') return 'TimeoutError';
  const own = (e as { code?: unknown }).code;
  if (typeof own === 'string' && own !== 'UND_ERR_ABORTED' && own !== 'UND_ERR') return own;
  const cause = (e as { cause?: unknown }).cause;
  return cause instanceof Error
    ? (errorCode(cause) ?? (typeof own === 'string' ? own : undefined))
    : undefined;
}

function describe(e: unknown, code: string | undefined, timeoutMs: number): string {
  switch (code) {
    case 'TimeoutError':
    case 'UND_ERR_HEADERS_TIMEOUT':
    case 'UND_ERR_BODY_TIMEOUT':
    case 'UND_ERR_CONNECT_TIMEOUT':
      return `no answer within ${timeoutMs} ms`;
    case 'ECONNREFUSED':
      return 'connection refused';
    case 'ECONNRESET':
    case 'UND_ERR_SOCKET':
      return 'the connection broke before the whole answer arrived';
    case 'ENOTFOUND':
      return 'unknown host';
    default:
      return e instanceof Error ? e.message.split('\n')[0] || String(code) : String(e);
  }
}
