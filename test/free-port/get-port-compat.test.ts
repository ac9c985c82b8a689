/**
 * get-port's options keep get-port's documented meaning (preferred port, list order, exclude, host, in-process
 * locking, clearLockedPorts, portNumbers): each case runs get-port itself and ours on the same situation. Where we
 * differ on purpose — the fallback never lands in the ephemeral range — the test says so.
 */
import net from 'node:net';
import getPort, { clearLockedPorts as clearGetPort, portNumbers as gpPortNumbers } from 'get-port';
import { afterEach, describe, expect, it } from 'vitest';
import { clearLockedPorts, getEphemeralRange, getFreePort, heldPorts, portNumbers } from 'ephemeral-ports';

async function listen(port: number, host: string): Promise<() => Promise<void>> {
  const server = net.createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ port, host }, () => resolve());
  });
  return () => new Promise((resolve) => server.close(() => resolve()));
}

/** A few ports free right now (and not locked by either library afterwards). */
async function freePorts(n: number): Promise<number[]> {
  const ports: number[] = [];
  for (let i = 0; i < n; i++) ports.push(await getFreePort({ protocol: 'tcp', addresses: 'all' }));
  clearLockedPorts();
  return ports;
}

describe.runIf(process.platform === 'linux')('get-port compatible options behave like get-port (Linux, this netns)', () => {
  afterEach(() => {
    clearLockedPorts();
    clearGetPort();
  });

  it('a free preferred port is returned as is', async () => {
    const [p] = await freePorts(1);
    expect(await getPort({ port: p })).toBe(p);
    clearGetPort();
    expect(await getFreePort({ port: p })).toBe(p);
  });

  it('a list is tried in order: the first free one wins', async () => {
    const [busy, second, third] = await freePorts(3);
    const close = await listen(busy!, '0.0.0.0');
    try {
      expect(await getPort({ port: [busy!, second!, third!] })).toBe(second);
      clearGetPort();
      expect(await getFreePort({ port: [busy!, second!, third!] })).toBe(second);
    } finally {
      await close();
    }
  });

  it('exclude skips ports, preferred ones included', async () => {
    const [a, b] = await freePorts(2);
    expect(await getPort({ port: [a!, b!], exclude: [a!] })).toBe(b);
    clearGetPort();
    expect(await getFreePort({ port: [a!, b!], exclude: [a!] })).toBe(b);
    const excluded = new Set(portNumbers(20_000, 20_999));
    for (let i = 0; i < 20; i++) {
      expect(excluded.has(await getFreePort({ range: { low: 20_000, high: 21_099 }, exclude: excluded }))).toBe(false);
    }
  });

  it('host: only that host is checked', async () => {
    const [p] = await freePorts(1);
    const close = await listen(p!, '127.0.0.1');
    try {
      // Held on 127.0.0.1 only: checking ::1 alone says free (get-port's documented `host` meaning)...
      expect(await getPort({ port: p, host: '::1' })).toBe(p);
      clearGetPort();
      expect(await getFreePort({ port: p, host: '::1' })).toBe(p);
      clearLockedPorts();
      // ...checking 127.0.0.1 says taken.
      expect(await getPort({ port: p, host: '127.0.0.1' })).not.toBe(p);
      expect(await getFreePort({ port: p, host: '127.0.0.1' })).not.toBe(p);
    } finally {
      await close();
    }
  });

  it('a returned port is locked for later calls in this process until clearLockedPorts()', async () => {
    const [p] = await freePorts(1);
    expect(await getPort({ port: p })).toBe(p);
    expect(await getPort({ port: p })).not.toBe(p);
    expect(await getFreePort({ port: p })).toBe(p);
    expect(await getFreePort({ port: p })).not.toBe(p);
    clearGetPort();
    clearLockedPorts();
    expect(await getPort({ port: p })).toBe(p);
    expect(await getFreePort({ port: p })).toBe(p);
  });

  it('reserve: true (get-port) holds the port for the life of the process, like hold', async () => {
    const [p] = await freePorts(1);
    expect(await getPort({ port: p, reserve: true })).toBe(p);
    expect(await getPort({ port: p })).not.toBe(p);
    expect(await getFreePort({ port: p, reserve: true })).toBe(p);
    expect(await getFreePort({ port: p })).not.toBe(p);
    expect(heldPorts()).toContainEqual({ port: p, kind: 'hold' });
  });

  it('on purpose unlike get-port: when no preferred port is free, the fallback is outside the ephemeral range', async () => {
    const { range } = await getEphemeralRange();
    const [busy] = await freePorts(1);
    const close = await listen(busy!, '0.0.0.0');
    try {
      for (let i = 0; i < 20; i++) {
        const port = await getFreePort({ port: busy });
        expect(port).not.toBe(busy);
        expect(port >= range.low && port <= range.high, `${port} inside ${range.low}-${range.high}`).toBe(false);
      }
    } finally {
      await close();
    }
  });
});

describe('portNumbers matches get-port', () => {
  it('yields from..to inclusive, lazily', () => {
    expect([...portNumbers(3000, 3005)]).toEqual([...gpPortNumbers(3000, 3005)]);
    expect([...portNumbers(65_535, 65_535)]).toEqual([65_535]);
  });

  it("refuses what get-port refuses, with get-port's error class and Node's code", () => {
    const cases = [
      [1023, 2000, RangeError, 'ERR_OUT_OF_RANGE'],
      [2000, 65_536, RangeError, 'ERR_OUT_OF_RANGE'],
      [3000, 2999, RangeError, 'ERR_OUT_OF_RANGE'],
      [1.5, 2000, TypeError, 'ERR_INVALID_ARG_VALUE'],
      ['3000', 4000, TypeError, 'ERR_INVALID_ARG_TYPE'],
    ] as const;
    for (const [from, to, errorClass, code] of cases) {
      expect(() => gpPortNumbers(from as number, to)).toThrow(errorClass);
      expect(() => portNumbers(from as number, to)).toThrow(errorClass);
      expect(() => portNumbers(from as number, to)).toThrow(expect.objectContaining({ code }));
    }
  });
});
