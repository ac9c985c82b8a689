/**
 * The backend contract suite (`@ephemeral-ports/core/testing`, needs vitest). Every backend runs it: the in-memory
 * one, Linux against the real kernel in a private network namespace, and the emulated ones (BSD sysctl double, AIX
 * `no` double, Windows `netsh` double). A new OS package runs it first.
 *
 * The suite takes the test runner's functions instead of importing one, so that this module loads anywhere (vitest
 * cannot be `require`d, and a library must not pick its users' runner):
 *   import * as vitest from 'vitest';
 *   describeBackendContract('linux (real kernel, netns)', async () => ({ backend, oracle, cleanup }), vitest);
 */
import type * as Vitest from 'vitest';
import type { EphemeralPortsBackend } from './backend.js';
import { isEphemeralPortsError } from './errors.js';
import type { Protocol } from './platform.js';
import { type PortRange, PortSet } from './range.js';

export interface ContractSubject {
  backend: EphemeralPortsBackend;
  /** Reads the live value without going through the backend (sysctl, the double's state...). */
  oracle?: (protocol: Protocol) => Promise<PortRange> | PortRange;
  /** A valid range for this OS, different from the initial value. Default 40000–50001. */
  sample?: PortRange;
  cleanup?: () => Promise<void> | void;
}

/** Inputs every backend must refuse with `ERR_EPHEMERAL_INVALID_RANGE` before touching the kernel. */
export const BAD_RANGE_INPUTS: ReadonlyArray<readonly [string, unknown]> = [
  ['low above high', { low: 50000, high: 40000 }],
  ['zero low', { low: 0, high: 40000 }],
  ['high 65536', { low: 40000, high: 65536 }],
  ['both 65536', { low: 65536, high: 65536 }],
  ['negative low', { low: -1, high: 40000 }],
  ['negative high', { low: 40000, high: -5 }],
  ['NaN low', { low: Number.NaN, high: 40000 }],
  ['NaN high', { low: 40000, high: Number.NaN }],
  ['Infinity high', { low: 40000, high: Number.POSITIVE_INFINITY }],
  ['-Infinity low', { low: Number.NEGATIVE_INFINITY, high: 40000 }],
  ['float low', { low: 40000.5, high: 50000 }],
  ['float high', { low: 40000, high: 50000.25 }],
  ['string low', { low: '40000', high: 50000 }],
  ['string high', { low: 40000, high: '50000' }],
  ['empty string', { low: '', high: '' }],
  ['null', null],
  ['undefined', undefined],
  ['a number', 40000],
  ['a string', '40000 50000'],
  ['an array pair', [40000, 50000]],
  ['empty object', {}],
  ['missing high', { low: 40000 }],
  ['missing low', { high: 50000 }],
  ['boolean ends', { low: true, high: false }],
  ['bigint ends', { low: 40000n, high: 50000n }],
  ['object ends', { low: { v: 1 }, high: { v: 2 } }],
  ['huge numbers', { low: 1e12, high: 1e15 }],
  ['max safe integer', { low: Number.MAX_SAFE_INTEGER, high: Number.MAX_SAFE_INTEGER }],
  ['huge array', new Array(100_000).fill(40000)],
  ['tab-separated string', '40000\t50000'],
  ['swapped max', { low: 65535, high: 1 }],
];

/** The functions of vitest (or a runner with the same API, such as jest with its `expect`) the suite calls. */
export type TestRunner = Pick<typeof Vitest, 'describe' | 'it' | 'expect' | 'beforeEach' | 'afterEach'>;

export function describeBackendContract(
  title: string,
  setup: () => Promise<ContractSubject>,
  runner: TestRunner,
): void {
  const { describe, it, expect, beforeEach, afterEach } = runner;
  describe(`backend contract: ${title}`, () => {
    let subject: ContractSubject;
    let backend: EphemeralPortsBackend;
    beforeEach(async () => {
      subject = await setup();
      backend = subject.backend;
    });
    afterEach(async () => {
      await subject?.cleanup?.();
    });

    const sample = () => subject.sample ?? { low: 40000, high: 50001 };
    const oracleEquals = async (protocol: Protocol, expected: PortRange) => {
      if (subject.oracle) expect(await subject.oracle(protocol)).toEqual(expected);
    };

    it('describes itself', () => {
      const info = backend.info();
      expect(info.os).toBe(backend.os);
      expect(typeof info.release).toBe('string');
      expect(info.release.length).toBeGreaterThan(0);
      expect(info.implementation.length).toBeGreaterThan(0);
    });

    it('reads a valid inclusive range and says where it came from', async () => {
      const reading = await backend.getRange();
      expect(reading.protocol).toBe('tcp');
      expect(Number.isInteger(reading.range.low) && Number.isInteger(reading.range.high)).toBe(true);
      expect(reading.range.low).toBeGreaterThanOrEqual(1);
      expect(reading.range.high).toBeLessThanOrEqual(65535);
      expect(reading.range.low).toBeLessThanOrEqual(reading.range.high);
      expect(reading.source.length).toBeGreaterThan(0);
      await oracleEquals('tcp', reading.range);
    });

    it('sync read, where offered, agrees with the async read', async () => {
      if (!backend.getRangeSync) return expect(backend.getRangeSync).toBeUndefined();
      expect(backend.getRangeSync().range).toEqual((await backend.getRange()).range);
    });

    it('sets a range, returns the previous one, and reads it back', async () => {
      const before = (await backend.getRange()).range;
      const change = await backend.setRange(sample());
      expect(change.previous).toEqual(before);
      expect(change.current).toEqual(sample());
      expect((await backend.getRange()).range).toEqual(sample());
      await oracleEquals('tcp', sample());
      const back = await backend.setRange(before);
      expect(back.previous).toEqual(sample());
      expect((await backend.getRange()).range).toEqual(before);
    });

    it('keeps or shares protocol ranges as info() says', async () => {
      const udpBefore = (await backend.getRange({ protocol: 'udp' })).range;
      await backend.setRange(sample(), { protocol: 'tcp' });
      const udpAfter = (await backend.getRange({ protocol: 'udp' })).range;
      if (backend.info().separateProtocolRanges) expect(udpAfter).toEqual(udpBefore);
      else expect(udpAfter).toEqual(sample());
    });

    it.each(BAD_RANGE_INPUTS.map(([name, input]) => ({ name, input })))(
      'refuses bad input ($name) with ERR_EPHEMERAL_INVALID_RANGE and changes nothing',
      async ({ input }) => {
        const before = (await backend.getRange()).range;
        const error = await backend.setRange(input as PortRange).then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(isEphemeralPortsError(error)).toBe(true);
        expect((error as { code: string }).code).toBe('ERR_EPHEMERAL_INVALID_RANGE');
        expect((error as { violations: unknown[] }).violations.length).toBeGreaterThan(0);
        expect((await backend.getRange()).range).toEqual(before);
        await oracleEquals('tcp', before);
      },
    );

    it('reports constraints as an object', async () => {
      const c = await backend.getConstraints();
      expect(typeof c).toBe('object');
      if (c.unprivilegedPortStart !== undefined) expect(Number.isInteger(c.unprivilegedPortStart)).toBe(true);
    });

    it('reserved ports: round trip where supported, ERR_EPHEMERAL_UNSUPPORTED_OPERATION elsewhere', async () => {
      if (!backend.info().supportsReserved) {
        await expect(backend.getReserved()).rejects.toMatchObject({ code: 'ERR_EPHEMERAL_UNSUPPORTED_OPERATION' });
        await expect(backend.setReserved(PortSet.fromPorts([40001]))).rejects.toMatchObject({
          code: 'ERR_EPHEMERAL_UNSUPPORTED_OPERATION',
        });
        return;
      }
      const before = (await backend.getReserved()).ports;
      const next = PortSet.fromRanges([
        { low: 40010, high: 40020 },
        { low: 45000, high: 45000 },
      ]);
      const change = await backend.setReserved(next);
      expect(change.previous.equals(before)).toBe(true);
      expect((await backend.getReserved()).ports.equals(next)).toBe(true);
      await expect(backend.setReserved([70000] as unknown as PortSet)).rejects.toMatchObject({
        code: 'ERR_EPHEMERAL_INVALID_PORT_LIST',
      });
      expect((await backend.getReserved()).ports.equals(next)).toBe(true);
      await backend.setReserved(before);
    });

    it('persist dry run writes nothing and says what it would do', async () => {
      const before = await backend.getPersisted();
      const result = await backend.persistRange(sample(), { dryRun: true });
      expect(result.written).toBe(false);
      expect(result.target.length).toBeGreaterThan(0);
      expect(await backend.getPersisted()).toEqual(before);
    });

    it('what the boot applies (effective), where reported, agrees with the target and names lines it read', async () => {
      const reading = await backend.getPersisted();
      const e = reading.effective;
      if (e === undefined) return; // a backend that cannot compute its OS's boot order reports the target only
      expect(e.order.length >= 0 && typeof e.rule).toBe('string');
      for (const l of [...e.winners, ...e.overrides]) {
        expect(Number.isInteger(l.line) && l.line >= 1).toBe(true);
        expect(typeof l.file).toBe('string');
      }
      if (reading.range !== null && e.targetRead && e.overrides.length === 0) expect(e.range).toEqual(reading.range);
      if (e.overrides.length > 0) expect(e.fixes.length).toBeGreaterThan(0);
      const dry = await backend.persistRange(sample(), { dryRun: true });
      if (dry.effective && dry.effective.targetRead && dry.effective.overrides.length === 0) expect(dry.effective.range).toEqual(sample());
    });

    it('persist refuses an invalid range with ERR_EPHEMERAL_INVALID_RANGE', async () => {
      await expect(backend.persistRange({ low: 9, high: 3 }, { dryRun: true })).rejects.toMatchObject({
        code: 'ERR_EPHEMERAL_INVALID_RANGE',
      });
    });
  });
}
