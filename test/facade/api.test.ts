/** The facade API against core's memory backend (and small doubles built on it): reports, safety rails, rollback. */
import { createServer, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { explainExcludedReading } from '@ephemeral-ports/win32';
import { type EphemeralPortsBackend, PortSet } from 'ephemeral-ports/core';
import { createMemoryBackend, useBackend } from 'ephemeral-ports/testing';
import {
  type AnyEphemeralPortsError,
  EphemeralPortsError,
  EphemeralPortsRangeError,
  EphemeralPortsTypeError,
  explainPort,
  getEphemeralRange,
  getEphemeralRangeSync,
  getReservedPorts,
  isEphemeral,
  isEphemeralSync,
  setEphemeralRange,
  setReservedPorts,
} from 'ephemeral-ports';
import { toPortSet } from '../../packages/ephemeral-ports/src/reserved-ports.js';

afterEach(() => useBackend(undefined));

const memory = (range = { low: 32768, high: 60999 }, reserved = PortSet.EMPTY) => {
  const b = createMemoryBackend({ os: 'linux', range, reserved, release: '6.1.0-18-amd64' });
  useBackend(b);
  return b;
};

/** A memory backend whose census reports TCP listeners on `ports`. */
const withListeners = (backend: EphemeralPortsBackend, ports: number[]): EphemeralPortsBackend => ({
  ...backend,
  info: () => ({ ...backend.info(), supportsCensus: true }),
  census: async () => ({
    source: 'double',
    sockets: ports.map((p) => ({
      protocol: 'tcp' as const,
      family: 4 as const,
      state: 'LISTEN' as const,
      localAddress: '0.0.0.0',
      localPort: p,
      remoteAddress: '0.0.0.0',
      remotePort: 0,
      pid: 99,
      command: 'nginx',
    })),
  }),
});

const codeOf = async (p: Promise<unknown>) => {
  try {
    await p;
  } catch (e) {
    return (e as AnyEphemeralPortsError).code;
  }
  return 'no error';
};

describe('getEphemeralRange / getEphemeralRangeSync', () => {
  it('reports the live value with defaults for the release and reserved ports', async () => {
    memory({ low: 40000, high: 50001 }, PortSet.fromPorts([8080]));
    const r = await getEphemeralRange();
    expect(r).toMatchObject({
      platform: 'linux',
      release: '6.1.0-18-amd64',
      protocol: 'tcp',
      family: 4,
      range: { low: 40000, high: 50001 },
      size: 10002,
      source: 'memory',
      defaults: { low: 32768, high: 60999 },
      warnings: [],
    });
    expect(r.reserved?.toString()).toBe('8080');
    const s = getEphemeralRangeSync({ protocol: 'udp', family: 6 });
    expect(s).toMatchObject({ protocol: 'udp', family: 6, range: { low: 40000, high: 50001 }, reserved: null });
  });

  it("carries the backend's own warnings on the reading into the report (e.g. Windows families that disagree)", async () => {
    const b = memory();
    const warning = { code: 'FAMILIES_DISAGREE', severity: 'warning' as const, message: 'IPv6 holds another range' };
    useBackend({ ...b, getRange: async (o) => ({ ...(await b.getRange(o)), warnings: [warning] }) });
    expect((await getEphemeralRange()).warnings).toContainEqual(warning);
  });

  it('defaults depend on the kernel release (pre-4.2 Linux ended at 61000)', async () => {
    useBackend(createMemoryBackend({ os: 'linux', release: '3.10.0-1160.el7.x86_64' }));
    expect((await getEphemeralRange()).defaults).toEqual({ low: 32768, high: 61000 });
  });

  it('falls back to the OS default with source "default" and a warning when the kernel cannot be read', async () => {
    const b = memory();
    const failing: EphemeralPortsBackend = {
      ...b,
      getRange: async () => {
        throw new EphemeralPortsError('EACCES', 'open /proc/sys/net/ipv4/ip_local_port_range: permission denied');
      },
    };
    useBackend(failing);
    const r = await getEphemeralRange();
    expect(r.source).toBe('default');
    expect(r.range).toEqual({ low: 32768, high: 60999 });
    expect(r.warnings[0]).toMatchObject({ code: 'RANGE_NOT_READ', severity: 'warning' });
    expect(r.warnings[0]!.message).toContain('EACCES');
  });

  it('does not paper over a namespace the caller named, nor bad options', async () => {
    memory();
    expect(await codeOf(getEphemeralRange({ netns: '/proc/1/ns/net' }))).toBe('ERR_EPHEMERAL_UNSUPPORTED_OPERATION');
    expect(await codeOf(getEphemeralRange({ protocol: 'sctp' as 'tcp' }))).toBe('ERR_INVALID_ARG_VALUE');
    expect(await codeOf(getEphemeralRange({ family: 5 as 4 }))).toBe('ERR_INVALID_ARG_VALUE');
    expect(await codeOf(getEphemeralRange({ netns: 'relative/path' }))).toBe('ERR_INVALID_ARG_VALUE');
    expect(await codeOf(getEphemeralRange({ netns: 5 as never }))).toBe('ERR_INVALID_ARG_TYPE');
    expect(await codeOf(getEphemeralRange('tcp' as never))).toBe('ERR_INVALID_ARG_TYPE');
  });

  it('sync read is refused where the backend has none (emulated AIX rules)', () => {
    const b = createMemoryBackend({ os: 'aix' });
    const { getRangeSync: _omit, ...noSync } = b;
    useBackend(noSync as EphemeralPortsBackend);
    expect(() => getEphemeralRangeSync()).toThrow(expect.objectContaining({ code: 'ERR_EPHEMERAL_UNSUPPORTED_OPERATION' }));
    expect(() => isEphemeralSync(40000)).toThrow(expect.objectContaining({ code: 'ERR_EPHEMERAL_UNSUPPORTED_OPERATION' }));
  });
});

describe('setEphemeralRange', () => {
  it('sets, reports previous/current and the equal-parity warning', async () => {
    const b = memory();
    const r = await setEphemeralRange({ low: 40000, high: 50000 });
    expect(r).toMatchObject({ previous: { low: 32768, high: 60999 }, current: { low: 40000, high: 50000 }, changed: true });
    expect(r.warnings.map((w) => w.code)).toContain('RANGE_EQUAL_PARITY');
    expect((await b.getRange()).range).toEqual({ low: 40000, high: 50000 });
  });

  it('dry run with persist returns the plan and the diff, and changes nothing', async () => {
    const b = memory();
    const r = await setEphemeralRange({ low: 40000, high: 50001 }, { dryRun: true, persist: true });
    expect(r.dryRun).toBe(true);
    expect(r.current).toEqual({ low: 32768, high: 60999 });
    expect(r.persisted).toMatchObject({ written: false, after: '40000 50001\n' });
    expect(r.persisted?.diff).toContain('+40000 50001');
    expect((await b.getRange()).range).toEqual({ low: 32768, high: 60999 });
    expect((await b.getPersisted()).range).toBeNull();
  });

  it('persists and reports the persisted value read back', async () => {
    memory();
    const r = await setEphemeralRange({ low: 40000, high: 50001 }, { persist: true });
    expect(r.persisted).toMatchObject({ written: true, range: { low: 40000, high: 50001 } });
  });

  it('refuses, changing nothing: too small, listening ports inside, NodePort overlap, system ports', async () => {
    const b = withListeners(memory(), [45000]);
    useBackend(b);
    const cases: Array<[{ low: number; high: number }, string]> = [
      [{ low: 40000, high: 40500 }, 'SAFETY_RANGE_TOO_SMALL'],
      [{ low: 40000, high: 50001 }, 'SAFETY_OVERLAPS_LISTENING'],
      [{ low: 20001, high: 30001 }, 'SAFETY_OVERLAPS_NODEPORT'],
    ];
    for (const [range, code] of cases) {
      const error = await setEphemeralRange(range).catch((e: EphemeralPortsError) => e);
      expect(error).toMatchObject({ code: 'ERR_EPHEMERAL_UNSAFE_CHANGE' });
      expect((error as EphemeralPortsError).violations?.map((v) => v.code)).toContain(code);
      expect((await b.getRange()).range).toEqual({ low: 32768, high: 60999 });
    }
    // nodePortRange: null skips that rail; another cluster range is checked instead.
    await expect(setEphemeralRange({ low: 20001, high: 30001 }, { nodePortRange: null })).resolves.toMatchObject({ changed: true });
    const error = await setEphemeralRange({ low: 50001, high: 60000 }, { nodePortRange: { low: 55000, high: 56000 } }).catch((e) => e);
    expect(error.code).toBe('ERR_EPHEMERAL_UNSAFE_CHANGE');
  });

  it('force overrides safety rails but never OS validation', async () => {
    const b = withListeners(memory(), [45000]);
    useBackend(b);
    const r = await setEphemeralRange({ low: 40000, high: 50001 }, { force: true });
    expect(r.forced).toBe(true);
    expect(r.warnings.map((w) => w.code)).toContain('SAFETY_OVERRIDDEN');
    expect(r.listeningSource).toBe('double');
    expect(await codeOf(setEphemeralRange({ low: 100, high: 50001 }, { force: true }))).toBe('ERR_EPHEMERAL_INVALID_RANGE');
  });

  it('a persist failure changes nothing (the file is written before the live value), keeping the OS error code', async () => {
    const b = memory();
    useBackend({
      ...b,
      persistRange: async (range, options) => {
        if (options?.dryRun) return b.persistRange(range, options);
        throw new EphemeralPortsError('EACCES', "open /etc/sysctl.d/90-ephemeral-ports.conf: permission denied");
      },
    });
    const error = await setEphemeralRange({ low: 40000, high: 50001 }, { persist: true }).catch((e) => e);
    expect(error.code).toBe('EACCES');
    expect(error.message).not.toMatch(/restored|rolled back/);
    expect((await b.getRange()).range).toEqual({ low: 32768, high: 60999 });
  });

  it('rejects bad option types before touching anything', async () => {
    const b = memory();
    const bad: Array<[object, string]> = [
      [{ force: 'yes' }, 'ERR_INVALID_ARG_TYPE'],
      [{ dryRun: 1 }, 'ERR_INVALID_ARG_TYPE'],
      [{ file: '', persist: true }, 'ERR_INVALID_ARG_VALUE'],
      [{ file: '/x' }, 'ERR_INVALID_ARG_VALUE'],
      [{ minSize: 1.5 }, 'ERR_OUT_OF_RANGE'],
      [{ nodePortRange: '30000-32767' }, 'ERR_INVALID_ARG_TYPE'],
    ];
    for (const [options, code] of bad) {
      expect(await codeOf(setEphemeralRange({ low: 40000, high: 50001 }, options)), JSON.stringify(options)).toBe(code);
    }
    expect(await codeOf(setEphemeralRange('40000-50001' as never))).toBe('ERR_INVALID_ARG_TYPE');
    expect(await codeOf(setEphemeralRange({ low: '40000', high: 50001 } as never))).toBe('ERR_INVALID_ARG_TYPE');
    expect(await codeOf(setEphemeralRange({ low: 40000.5, high: 50001 }))).toBe('ERR_OUT_OF_RANGE');
    // An inverted range to set is judged with the OS's rules, every violation listed (docs/errors.md).
    const inverted = await setEphemeralRange({ low: 50000, high: 40000 }).catch((e: EphemeralPortsError) => e);
    expect(inverted).toMatchObject({ code: 'ERR_EPHEMERAL_INVALID_RANGE', violations: [expect.objectContaining({ code: 'RANGE_INVERTED' })] });
    expect((await b.getRange()).range).toEqual({ low: 32768, high: 60999 });
  });
});

describe('reserved ports, isEphemeral', () => {
  it('sets from text, arrays or a PortSet; dry run changes nothing', async () => {
    const b = memory();
    const r = await setReservedPorts('8080, 9000-9100');
    expect(r.added.toString()).toBe('8080,9000-9100');
    expect((await getReservedPorts()).count).toBe(102);
    const dry = await setReservedPorts([], { dryRun: true });
    expect(dry.removed.toString()).toBe('8080,9000-9100');
    expect((await b.getReserved()).ports.size).toBe(102);
    await setReservedPorts([{ low: 1, high: 2 }, 5]);
    expect((await b.getReserved()).ports.toString()).toBe('1-2,5');
  });

  it('rejects malformed lists with ERR_EPHEMERAL_INVALID_PORT_LIST', () => {
    for (const bad of ['8080,x', '70000', '9-8', '1--2']) {
      expect(() => toPortSet(bad)).toThrow(expect.objectContaining({ code: 'ERR_EPHEMERAL_INVALID_PORT_LIST' }));
    }
    expect(toPortSet('none').isEmpty).toBe(true);
    expect(() => toPortSet(8080 as never)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }));
  });

  it('isEphemeral reads the live range (async and sync)', async () => {
    memory({ low: 40000, high: 50001 });
    expect(await isEphemeral(40000)).toBe(true);
    expect(await isEphemeral(39999)).toBe(false);
    expect(isEphemeralSync(50001)).toBe(true);
    expect(isEphemeralSync(50002)).toBe(false);
    expect(await codeOf(isEphemeral(70000))).toBe('ERR_OUT_OF_RANGE');
    expect(await codeOf(isEphemeral('80' as never))).toBe('ERR_INVALID_ARG_TYPE');
  });
});

describe('explainPort', () => {
  let server: Server | undefined;
  afterEach(async () => {
    await new Promise((r) => (server ? server.close(r) : r(undefined)));
    server = undefined;
  });

  it('a port bound right now is blocked with the bind probe as evidence', async () => {
    server = createServer();
    await new Promise<void>((r) => server!.listen({ port: 0, host: '127.0.0.1' }, r));
    const port = (server.address() as { port: number }).port;
    memory({ low: 1024, high: 65535 });
    const e = await explainPort(port, { host: '127.0.0.1' });
    expect(e.verdict).toBe('blocked');
    const inUse = e.findings.find((f) => f.code === 'PORT_IN_USE');
    expect(inUse?.evidence).toMatchObject({ address: '127.0.0.1', code: 'EADDRINUSE' });
    expect(e.findings.map((f) => f.code)).toContain('PORT_IN_EPHEMERAL_RANGE');
  });

  it('a free port outside the range is ok; inside it is risky; reserved inside is ok with a note', async () => {
    memory({ low: 40000, high: 50001 }, PortSet.fromPorts([45000]));
    const free = await explainPort(39000, { host: '127.0.0.1' });
    expect(free.verdict).toBe('ok');
    expect(free.probes).toEqual([{ address: '127.0.0.1', ok: true }]);
    const risky = await explainPort(44000, { host: '127.0.0.1', probe: false });
    expect(risky.verdict).toBe('risky');
    expect(risky.findings[0]!.evidence).toMatchObject({ range: { low: 40000, high: 50001 } });
    const reserved = await explainPort(45000, { host: '127.0.0.1', probe: false });
    expect(reserved.findings.map((f) => f.code)).toEqual(['PORT_RESERVED']);
    expect(reserved.verdict).toBe('ok');
  });

  it('on Windows names the excluded range, who made it and the remedies (memory backend + win32 explainReserved)', async () => {
    const win = createMemoryBackend({ os: 'win32', range: { low: 49152, high: 65535 } });
    const rows = [
      { low: 50000, high: 50059, administered: true },
      { low: 49700, high: 49799, administered: false },
    ];
    useBackend({
      ...win,
      getReserved: async () => ({
        ports: PortSet.fromRanges(rows),
        kind: 'excluded' as const,
        source: 'netsh (double)',
        details: { protocol: 'tcp', ranges: rows },
      }),
      explainReserved: explainExcludedReading,
    });
    const e = await explainPort(49750, { probe: false });
    expect(e.verdict).toBe('blocked');
    const finding = e.findings.find((f) => f.code === 'PORT_EXCLUDED')!;
    expect(finding.evidence).toMatchObject({ range: { low: 49700, high: 49799 }, madeBy: 'system' });
    expect((finding.evidence.remedies as string[]).join(' ')).toMatch(/winnat/i);
    const admin = await explainPort(50001, { probe: false });
    expect(admin.findings.find((f) => f.code === 'PORT_EXCLUDED')!.evidence).toMatchObject({ madeBy: 'administrator' });
  });

  it('names the listening process from the census', async () => {
    useBackend(withListeners(createMemoryBackend({ os: 'linux' }), [8443]));
    const e = await explainPort(8443, { probe: false });
    const f = e.findings.find((x) => x.code === 'PORT_LISTENING');
    expect(f?.message).toContain('nginx');
    expect(f?.evidence.sockets).toEqual([{ state: 'LISTEN', local: '0.0.0.0:8443', remote: '0.0.0.0:0', pid: 99, command: 'nginx' }]);
  });

  it('Windows excluded ranges block the bind (emulated)', async () => {
    useBackend(createMemoryBackend({ os: 'win32', range: { low: 49152, high: 65535 }, reserved: PortSet.of({ low: 50000, high: 50059 }) }));
    const e = await explainPort(50010, { probe: false });
    expect(e.verdict).toBe('blocked');
    expect(e.findings[0]).toMatchObject({ code: 'PORT_EXCLUDED', severity: 'error' });
  });

  it('privileged ports are an error for non-root and context for root', async () => {
    memory();
    const e = await explainPort(80, { probe: false });
    const f = e.findings.find((x) => x.code === 'PORT_PRIVILEGED');
    expect(f?.severity).toBe(process.getuid?.() === 0 ? 'info' : 'error');
    expect(f?.evidence).toMatchObject({ unprivilegedPortStart: 1024 });
  });

  it('rejects bad hosts and ports', async () => {
    memory();
    expect(await codeOf(explainPort(80, { host: 'localhost' }))).toBe('ERR_INVALID_ARG_VALUE');
    expect(await codeOf(explainPort(80, { host: 7 as never }))).toBe('ERR_INVALID_ARG_TYPE');
    expect(await codeOf(explainPort(-1))).toBe('ERR_OUT_OF_RANGE');
  });
});

describe('argument errors are TypeError / RangeError with Node\'s codes, thrown before any side effect', () => {
  it.each([
    ['a port that is not a number', () => isEphemeral('80' as never), TypeError, 'ERR_INVALID_ARG_TYPE'],
    ['a fractional port', () => explainPort(80.5), RangeError, 'ERR_OUT_OF_RANGE'],
    ['an unknown protocol', () => getEphemeralRange({ protocol: 'sctp' as 'tcp' }), TypeError, 'ERR_INVALID_ARG_VALUE'],
    ['a string where the range object belongs', () => setEphemeralRange('1-2' as never), TypeError, 'ERR_INVALID_ARG_TYPE'],
    ['a non-boolean dryRun', () => setReservedPorts([80], { dryRun: 'no' as never }), TypeError, 'ERR_INVALID_ARG_TYPE'],
  ])('%s', async (_, call, type, code) => {
    const b = memory();
    const error = await call().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(type);
    expect(error).toMatchObject({ code });
    expect(error).toBeInstanceOf(type === TypeError ? EphemeralPortsTypeError : EphemeralPortsRangeError);
    expect((await b.getRange()).range).toEqual({ low: 32768, high: 60999 });
    expect((await b.getReserved()).ports.isEmpty).toBe(true);
  });

  it('the sync read throws synchronously', () => {
    memory();
    expect(() => getEphemeralRangeSync({ family: 5 as 4 })).toThrow(TypeError);
    expect(() => isEphemeralSync(65536)).toThrow(RangeError);
  });
});
