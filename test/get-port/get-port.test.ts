/**
 * `ephemeral-ports/get-port` behaves as get-port 7.2 documents it, option for option: each case runs get-port itself
 * and ours on the same situation (real sockets, this network namespace). Where ours differs on purpose — the
 * fallback, the lock across processes, a non-local host — the test says so.
 */
import net from 'node:net';
import gp, { clearLockedPorts as gpClear, portNumbers as gpPortNumbers } from 'get-port';
import { afterEach, describe, expect, it } from 'vitest';
import { EphemeralPortsError, getEphemeralRange, heldPorts } from 'ephemeral-ports';
import getPort, { type GetPortWarning, clearLockedPorts, portNumbers } from 'ephemeral-ports/get-port';

const isLinux = process.platform === 'linux';

async function listen(port: number, host: string, ipv6Only = false): Promise<() => Promise<void>> {
  const server = net.createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ port, host, ipv6Only }, () => resolve());
  });
  return () => new Promise((resolve) => server.close(() => resolve()));
}

/** Ports free right now, not locked by either library afterwards. */
async function freePorts(n: number): Promise<number[]> {
  const ports: number[] = [];
  for (let i = 0; i < n; i++) ports.push(await getPort());
  clearLockedPorts();
  return ports;
}

/** What a call throws (or rejects with). */
async function failure(run: () => unknown): Promise<unknown> {
  try {
    await run();
  } catch (error) {
    return error;
  }
  throw new Error('expected a failure');
}

afterEach(() => {
  clearLockedPorts();
  gpClear();
});

describe('the module shape', () => {
  it("is get-port's: a default export and portNumbers, clearLockedPorts", async () => {
    expect(typeof getPort).toBe('function');
    expect(typeof portNumbers).toBe('function');
    expect(clearLockedPorts()).toBeUndefined();
    const port = await getPort();
    expect(Number.isInteger(port) && port >= 1024 && port <= 65_535).toBe(true);
  });
});

describe.runIf(isLinux)('options, side by side with get-port (Linux, this netns)', () => {
  it('a free preferred port is returned as is', async () => {
    const [p] = await freePorts(1);
    expect(await gp({ port: p })).toBe(p);
    gpClear();
    expect(await getPort({ port: p })).toBe(p);
  });

  it('a list is tried in order, lazily: the first free one wins and the rest is never pulled', async () => {
    const [busy, second] = await freePorts(2);
    const close = await listen(busy!, '0.0.0.0');
    const list = function* () {
      yield busy!;
      yield second!;
      throw new Error('pulled past the first free port');
    };
    try {
      expect(await gp({ port: list() })).toBe(second);
      gpClear();
      expect(await getPort({ port: list() })).toBe(second);
      clearLockedPorts();
      expect(await getPort({ port: portNumbers(busy!, busy!) })).not.toBe(busy);
    } finally {
      await close();
    }
  });

  it('a 0 in the list means "any port" from there on', async () => {
    const [p] = await freePorts(1);
    expect(await gp({ port: [0, p!] })).not.toBe(p);
    expect(await getPort({ port: [0, p!] })).not.toBe(p);
  });

  it('exclude skips ports, preferred ones included; it is read once, so a generator works', async () => {
    const [a, b] = await freePorts(2);
    expect(await gp({ port: [a!, b!], exclude: [a!] })).toBe(b);
    gpClear();
    expect(await getPort({ port: [a!, b!], exclude: [a!] })).toBe(b);
    clearLockedPorts();
    // On purpose unlike get-port 7.2, which iterates `exclude` twice: a generator is empty the second time, and
    // get-port then excludes nothing.
    expect(await gp({ port: a, exclude: portNumbers(a!, a!) })).toBe(a);
    expect(await getPort({ port: a, exclude: portNumbers(a!, a!) })).not.toBe(a);
  });

  it('host: only that host is checked; without it, every local address is', async () => {
    const [p] = await freePorts(1);
    const close = await listen(p!, '127.0.0.1');
    try {
      expect(await gp({ port: p, host: '::1' })).toBe(p);
      gpClear();
      expect(await getPort({ port: p, host: '::1' })).toBe(p);
      clearLockedPorts();
      expect(await gp({ port: p, host: '127.0.0.1' })).not.toBe(p);
      expect(await getPort({ port: p, host: '127.0.0.1' })).not.toBe(p);
      expect(await gp({ port: p })).not.toBe(p);
      expect(await getPort({ port: p })).not.toBe(p);
    } finally {
      await close();
    }
  });

  it('a host name is looked up and checked like its address', async () => {
    const [p] = await freePorts(1);
    const close = await listen(p!, '127.0.0.1');
    try {
      expect(await getPort({ port: p, host: '127.0.0.1' })).not.toBe(p);
      const viaName = await getPort({ port: p, host: 'localhost' });
      const { address } = await (await import('node:dns/promises')).lookup('localhost');
      expect(viaName === p).toBe(address !== '127.0.0.1');
    } finally {
      await close();
    }
  });

  it('the other net.ListenOptions go to the test bind: ipv6Only on :: ignores a holder on 0.0.0.0', async () => {
    const [p] = await freePorts(1);
    const close = await listen(p!, '0.0.0.0');
    try {
      expect(await gp({ port: p, host: '::' })).not.toBe(p);
      expect(await getPort({ port: p, host: '::' })).not.toBe(p);
      gpClear();
      clearLockedPorts();
      expect(await gp({ port: p, host: '::', ipv6Only: true })).toBe(p);
      expect(await getPort({ port: p, host: '::', ipv6Only: true })).toBe(p);
    } finally {
      await close();
    }
  });

  it('a returned port is not returned again until clearLockedPorts()', async () => {
    const [p] = await freePorts(1);
    expect(await gp({ port: p })).toBe(p);
    expect(await gp({ port: p })).not.toBe(p);
    expect(await getPort({ port: p })).toBe(p);
    expect(await getPort({ port: p })).not.toBe(p);
    gpClear();
    clearLockedPorts();
    expect(await gp({ port: p })).toBe(p);
    expect(await getPort({ port: p })).toBe(p);
  });

  it('reserve: true locks the port for the life of the process (here: held machine-wide)', async () => {
    const [p] = await freePorts(1);
    expect(await gp({ port: p, reserve: true })).toBe(p);
    expect(await gp({ port: p })).not.toBe(p);
    expect(await getPort({ port: p, reserve: true })).toBe(p);
    expect(await getPort({ port: p })).not.toBe(p);
    expect(heldPorts()).toContainEqual({ port: p, kind: 'hold' });
    clearLockedPorts();
    expect(heldPorts()).toEqual([]);
  });

  it('on purpose unlike get-port: the fallback is never inside the live ephemeral range', async () => {
    const { range } = await getEphemeralRange();
    for (let i = 0; i < 50; i++) {
      const port = await getPort();
      expect(port >= range.low && port <= range.high, `${port} inside ${range.low}-${range.high}`).toBe(false);
    }
  });

  it('a free preferred port inside the ephemeral range is honoured, and reported through onWarning', async () => {
    const { range } = await getEphemeralRange();
    const warnings: GetPortWarning[] = [];
    let inside: number | undefined;
    // A free port of the range: one the kernel does not use right now.
    for (let port = range.low + 17; inside === undefined; port += 97) {
      const got = await getPort({ port, onWarning: (w) => warnings.push(w) });
      if (got === port) inside = port;
    }
    expect(warnings).toEqual([
      { code: 'PREFERRED_PORT_EPHEMERAL', port: inside, message: expect.stringContaining(`${range.low}-${range.high}`) },
    ]);
    // A port from outside the range is not reported.
    const [outside] = await freePorts(1);
    await getPort({ port: outside, onWarning: (w) => warnings.push(w) });
    expect(warnings).toHaveLength(1);
  });
});

describe('errors: the classes get-port throws, with Node codes', () => {
  it.each([
    ['exclude not iterable', { exclude: 5 }, TypeError, TypeError, 'ERR_INVALID_ARG_TYPE'],
    ['exclude with a string entry', { exclude: [3000, '3001'] }, TypeError, TypeError, 'ERR_INVALID_ARG_TYPE'],
    ['port out of range', { port: 70_000 }, RangeError, RangeError, 'ERR_OUT_OF_RANGE'],
    ['port list with an entry out of range', { port: [70_000] }, RangeError, RangeError, 'ERR_OUT_OF_RANGE'],
    // get-port 7.2 throws a TypeError here; a number outside the safe integers is Node's ERR_OUT_OF_RANGE.
    ['exclude with an unsafe integer', { exclude: [2 ** 53] }, TypeError, RangeError, 'ERR_OUT_OF_RANGE'],
  ])('%s', async (_, options, theirs, ours, code) => {
    expect(await failure(() => gp(options as never))).toBeInstanceOf(theirs);
    const error = await failure(() => getPort(options as never));
    expect(error).toBeInstanceOf(ours);
    expect(error).toMatchObject({ code });
  });

  it('options that are not an object, and onWarning that is not a function: TypeError', async () => {
    await expect(getPort(3000 as never)).rejects.toMatchObject({ name: 'TypeError', code: 'ERR_INVALID_ARG_TYPE' });
    await expect(getPort({ onWarning: 1 } as never)).rejects.toMatchObject({ code: 'ERR_INVALID_ARG_TYPE' });
  });

  it('portNumbers: TypeError for non-integers, RangeError outside 1024-65535 or when to < from', () => {
    const cases = [
      [1.5, 2000, TypeError],
      [1023, 2000, RangeError],
      [2000, 65_536, RangeError],
      [3000, 2999, RangeError],
    ] as const;
    for (const [from, to, errorClass] of cases) {
      expect(() => gpPortNumbers(from, to)).toThrow(errorClass);
      expect(() => portNumbers(from, to)).toThrow(errorClass);
    }
    expect([...portNumbers(3000, 3003)]).toEqual([...gpPortNumbers(3000, 3003)]);
  });

  it.runIf(isLinux)('a host that is not an address of this machine fails at once with EADDRNOTAVAIL, as get-port does', async () => {
    const local = new Set(Object.values((await import('node:os')).networkInterfaces()).flat().map((i) => i?.address));
    const host = ['198.51.100.7', '203.0.113.9'].find((a) => !local.has(a))!;
    const theirs = await failure(() => gp({ host }));
    expect(theirs).toMatchObject({ code: 'EADDRNOTAVAIL' });
    const started = performance.now();
    const ours = await failure(() => getPort({ host }));
    expect(performance.now() - started).toBeLessThan(500);
    expect(ours).toBeInstanceOf(EphemeralPortsError);
    expect(ours).toMatchObject({ code: 'EADDRNOTAVAIL', syscall: 'bind', errno: -99, remedy: expect.stringContaining('host') });
    expect(heldPorts()).toEqual([]);
  });
});
