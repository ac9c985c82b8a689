/**
 * The HTTP server of `metrics --serve`. It often runs as root for years on a host where other users can connect,
 * so every resource a client can hold is bounded: a cap on open connections (beyond it a connection is closed at
 * once), a deadline for the request headers and for the whole request (slowloris), an idle deadline for a
 * connection that sends nothing, a short keep-alive and a request count per connection. Only `GET`/`HEAD
 * /metrics` is served (405 for another method there, 404 elsewhere), and concurrent scrapes share one census.
 */
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';

export const CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';
export const METRICS_PATH = '/metrics';

export interface MetricsServerLimits {
  /** Open connections at most; a further one is closed as soon as it is accepted. */
  maxConnections: number;
  /** Milliseconds to receive the complete request headers. */
  headersTimeoutMs: number;
  /** Milliseconds to receive the whole request. */
  requestTimeoutMs: number;
  /** Milliseconds a connection may stay silent (before its first byte, or between requests) before it is closed. */
  idleTimeoutMs: number;
  /** Milliseconds a kept-alive connection waits for its next request. */
  keepAliveTimeoutMs: number;
  /** Requests served on one connection before it is closed. */
  maxRequestsPerSocket: number;
  /** How often Node checks the header and request deadlines. */
  checkIntervalMs: number;
}

/** Prometheus scrapes every 15-60 s and sends its request at once: these leave it room and nobody else much. */
export const DEFAULT_LIMITS: MetricsServerLimits = Object.freeze({
  maxConnections: 64,
  headersTimeoutMs: 5_000,
  requestTimeoutMs: 10_000,
  idleTimeoutMs: 15_000,
  keepAliveTimeoutMs: 5_000,
  maxRequestsPerSocket: 100,
  checkIntervalMs: 1_000,
});

export function createMetricsServer(collect: () => Promise<string>, limits: MetricsServerLimits = DEFAULT_LIMITS): Server {
  let pending: Promise<string> | undefined;
  // One census at a time, shared by the scrapes that arrive while it runs.
  const scrape = () => {
    pending ??= collect().finally(() => {
      pending = undefined;
    });
    return pending;
  };
  const server = createServer(
    {
      headersTimeout: limits.headersTimeoutMs,
      requestTimeout: limits.requestTimeoutMs,
      keepAliveTimeout: limits.keepAliveTimeoutMs,
      connectionsCheckingInterval: limits.checkIntervalMs,
      maxHeaderSize: 8 * 1024,
    },
    (req, res) => answer(req, res, scrape),
  );
  server.maxConnections = limits.maxConnections;
  server.maxRequestsPerSocket = limits.maxRequestsPerSocket;
  // Socket inactivity: a connection that never sends a byte is closed too (the header deadline starts with a request).
  server.on('connection', (socket) => {
    socket.setTimeout(limits.idleTimeoutMs, () => socket.destroy());
  });
  return server;
}

function answer(req: IncomingMessage, res: ServerResponse, scrape: () => Promise<string>): void {
  const path = (req.url ?? '/').split('?')[0];
  if (path !== METRICS_PATH) {
    res.writeHead(404, { 'Content-Type': 'text/plain' }).end(`not found: try ${METRICS_PATH}\n`);
    return;
  }
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { Allow: 'GET, HEAD', 'Content-Type': 'text/plain' }).end('method not allowed: GET or HEAD\n');
    return;
  }
  scrape().then(
    (text) => {
      if (!res.destroyed) res.writeHead(200, { 'Content-Type': CONTENT_TYPE }).end(req.method === 'HEAD' ? undefined : text);
    },
    (error: unknown) => {
      const code = (error as { code?: unknown }).code;
      if (!res.destroyed) {
        res
          .writeHead(500, { 'Content-Type': 'text/plain' })
          .end(`census failed: ${typeof code === 'string' ? `[${code}] ` : ''}${(error as Error).message}\n`);
      }
    },
  );
}
