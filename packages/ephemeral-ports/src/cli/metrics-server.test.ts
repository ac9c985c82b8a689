/**
 * `metrics --serve` under abuse on loopback: a flood of idle connections and a slowloris client. The limits are
 * shortened here (the same code, smaller numbers) so the test takes seconds; every client loop is bounded.
 */
import { type Socket, connect } from 'node:net';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS, type MetricsServerLimits, createMetricsServer } from './metrics-server.js';

const LIMITS: MetricsServerLimits = {
  maxConnections: 50,
  headersTimeoutMs: 1_000,
  requestTimeoutMs: 2_000,
  idleTimeoutMs: 500,
  keepAliveTimeoutMs: 500,
  maxRequestsPerSocket: 10,
  checkIntervalMs: 200,
};

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function listening(collect: () => Promise<string>): Promise<{ server: Server; port: number }> {
  const server = createMetricsServer(collect, LIMITS);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as AddressInfo).port };
}

async function request(port: number, method: string, path: string): Promise<{ status: number; body: string }> {
  const response = await fetch(`http://127.0.0.1:${port}${path}`, { method });
  return { status: response.status, body: await response.text() };
}

describe('metrics --serve server', () => {
  let server: Server | undefined;
  afterEach(async () => {
    if (!server) return;
    server.closeAllConnections();
    await new Promise((r) => server!.close(r));
    server = undefined;
  });

  it('answers GET and HEAD on /metrics only: 405 for another method there, 404 anywhere else', async () => {
    const s = await listening(async () => 'ephemeral_ports_range_low 32768\n');
    server = s.server;
    expect(await request(s.port, 'GET', '/metrics')).toEqual({ status: 200, body: 'ephemeral_ports_range_low 32768\n' });
    expect(await request(s.port, 'HEAD', '/metrics?x=1')).toEqual({ status: 200, body: '' });
    for (const method of ['POST', 'PUT', 'DELETE', 'OPTIONS']) expect((await request(s.port, method, '/metrics')).status).toBe(405);
    for (const path of ['/', '/metrics/', '/metricsx', '/METRICS']) expect((await request(s.port, 'GET', path)).status).toBe(404);
    expect((await request(s.port, 'POST', '/other')).status).toBe(404);
  });

  it('concurrent scrapes share one census', async () => {
    let censuses = 0;
    const s = await listening(async () => {
      censuses++;
      await sleep(100);
      return 'x 1\n';
    });
    server = s.server;
    const answers = await Promise.all(Array.from({ length: 10 }, () => request(s.port, 'GET', '/metrics')));
    expect(answers.every((a) => a.status === 200)).toBe(true);
    expect(censuses).toBe(1);
  });

  it('1,000 idle connections: never more open than the cap, all closed by the server, then a scrape is served', async () => {
    const s = await listening(async () => 'x 1\n');
    server = s.server;
    const sockets: Socket[] = [];
    let closed = 0;
    let most = 0;
    const sample = setInterval(() => s.server.getConnections((_e, n) => (most = Math.max(most, n))), 20);
    try {
      for (let i = 0; i < 1_000; i++) {
        const socket = connect(s.port, '127.0.0.1');
        socket.on('error', () => undefined);
        socket.on('close', () => closed++);
        sockets.push(socket);
        if (i % 100 === 99) await sleep(10);
      }
      // Bounded wait: the idle deadline plus a margin; every socket must have been closed by the server by then.
      for (let waited = 0; closed < sockets.length && waited < LIMITS.idleTimeoutMs + 4_000; waited += 50) await sleep(50);
      expect(closed).toBe(1_000);
      expect(most).toBeLessThanOrEqual(LIMITS.maxConnections);
      expect((await request(s.port, 'GET', '/metrics')).status).toBe(200);
    } finally {
      clearInterval(sample);
      for (const socket of sockets) socket.destroy();
    }
  });

  it('a slowloris client (headers one byte at a time) is cut off at the header deadline', async () => {
    const s = await listening(async () => 'x 1\n');
    server = s.server;
    const socket = connect(s.port, '127.0.0.1');
    socket.on('error', () => undefined);
    let open = true;
    let answer = '';
    socket.on('data', (d) => (answer += d.toString()));
    socket.on('close', () => (open = false));
    await new Promise((r) => socket.once('connect', r));
    const started = Date.now();
    socket.write('GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\n');
    const trickle = 'X-Slow: ' + 'a'.repeat(200);
    // At most 200 bytes, one per 100 ms (20 s): far longer than the deadline, so only the server can end it.
    for (let i = 0; open && i < trickle.length; i++) {
      socket.write(trickle[i]!);
      await sleep(100);
    }
    const lasted = Date.now() - started;
    socket.destroy();
    expect(open).toBe(false);
    expect(lasted).toBeLessThan(LIMITS.headersTimeoutMs + 3 * LIMITS.checkIntervalMs + 1_000);
    expect(answer === '' || answer.startsWith('HTTP/1.1 408')).toBe(true);
  });

  it('the CLI runs with every limit finite', () => {
    for (const value of Object.values(DEFAULT_LIMITS)) expect(Number.isFinite(value) && value > 0).toBe(true);
    expect(DEFAULT_LIMITS.maxConnections).toBeLessThanOrEqual(1_024);
  });
});
