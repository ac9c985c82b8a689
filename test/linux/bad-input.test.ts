/**
 * Bad input against the native backend in a private netns: every case gets its documented code, and the
 * kernel's range and reserved list are unchanged afterwards (re-read with sysctl).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PortRange, PortSet } from '@ephemeral-ports/core';
import { type LinuxBackend, createLinuxBackend } from '@ephemeral-ports/linux';
import { BAD_RANGE_INPUTS } from '@ephemeral-ports/core/testing';
import { NETNS_REQUIREMENT, type Netns, canUseNetns, createNetns } from '../helpers/netns.js';
import { sysctlRange, sysctlReserved, sysctlWrite } from './sysctl-oracle.js';

const START = { low: 33001, high: 59000 };
const RESERVED = '45000,45010-45020';

/** Ranges that only the live kernel constraints make bad (ip_unprivileged_port_start is 1024 here). */
const BELOW_UNPRIVILEGED: ReadonlyArray<readonly [string, unknown]> = [
  ['low 1 (below the unprivileged start)', { low: 1, high: 40000 }],
  ['low 1023', { low: 1023, high: 60999 }],
  ['low 80 high 80', { low: 80, high: 80 }],
  ['low 1000 high 65535', { low: 1000, high: 65535 }],
];

const BAD_PORT_LISTS: ReadonlyArray<readonly [string, unknown]> = [
  ['port 65536', [65536]],
  ['negative port', [-1]],
  ['string port', ['80']],
  ['NaN port', [Number.NaN]],
  ['float port', [80.5]],
  ['inverted range entry', [{ low: 5000, high: 4000 }]],
  ['range entry above 65535', [{ low: 65000, high: 70000 }]],
  ['null', null],
  ['a string list', '80,443'],
  ['an object', { low: 80, high: 90 }],
  ['more entries than ports', new Array(70_000).fill(80)],
  ['too long for one kernel write', PortSet.fromPorts(Array.from({ length: 2000 }, (_, i) => 10_001 + 2 * i))],
];

const BAD_SCOPES: ReadonlyArray<readonly [string, unknown, string]> = [
  ['relative netns', { netns: 'run/netns/x' }, 'ERR_INVALID_ARG_VALUE'],
  ['numeric netns', { netns: 42 }, 'ERR_INVALID_ARG_TYPE'],
  ['empty netns', { netns: '' }, 'ERR_INVALID_ARG_VALUE'],
  ['protocol sctp', { protocol: 'sctp' }, 'ERR_INVALID_ARG_VALUE'],
  ['missing namespace file', { netns: '/run/netns/ephports-does-not-exist' }, 'ENOENT'],
  ['not a network namespace', { netns: '/proc/self/ns/mnt' }, 'EINVAL'],
];
/** Invalid arguments are TypeErrors (Node's codes); what the kernel refuses is an EphemeralPortsError. */
const classOf = (code: string) => (code.startsWith('ERR_INVALID_ARG') ? 'TypeError' : 'EphemeralPortsError');

describe.runIf(canUseNetns)(`linux bad input changes nothing ${NETNS_REQUIREMENT}`, () => {
  let ns: Netns;
  let backend: LinuxBackend;
  beforeAll(async () => {
    ns = await createNetns();
    backend = createLinuxBackend({ netns: ns.path, implementation: 'native' });
    await sysctlWrite(ns, 'net.ipv4.ip_local_port_range', `${START.low} ${START.high}`);
    await sysctlWrite(ns, 'net.ipv4.ip_local_reserved_ports', RESERVED);
  });
  afterAll(() => ns?.close());

  const unchanged = async () => {
    expect(await sysctlRange(ns)).toEqual(START);
    expect((await sysctlReserved(ns)).toString()).toBe(RESERVED);
  };

  it.each([...BAD_RANGE_INPUTS, ...BELOW_UNPRIVILEGED].map(([name, input]) => ({ name, input })))(
    'setRange($name) → ERR_EPHEMERAL_INVALID_RANGE, kernel unchanged',
    async ({ input }) => {
      await expect(backend.setRange(input as PortRange)).rejects.toMatchObject({
        code: 'ERR_EPHEMERAL_INVALID_RANGE',
        violations: expect.arrayContaining([expect.objectContaining({ severity: 'error' })]),
      });
      await unchanged();
    },
  );

  it.each(BAD_RANGE_INPUTS.map(([name, input]) => ({ name, input })))(
    'persistRange($name, dry run) → ERR_EPHEMERAL_INVALID_RANGE',
    async ({ input }) => {
      await expect(backend.persistRange(input as PortRange, { dryRun: true })).rejects.toMatchObject({
        code: 'ERR_EPHEMERAL_INVALID_RANGE',
      });
    },
  );

  it.each(BAD_PORT_LISTS.map(([name, input]) => ({ name, input })))(
    'setReserved($name) → ERR_EPHEMERAL_INVALID_PORT_LIST, kernel unchanged',
    async ({ input }) => {
      await expect(backend.setReserved(input as PortSet)).rejects.toMatchObject({ code: 'ERR_EPHEMERAL_INVALID_PORT_LIST' });
      await unchanged();
    },
  );

  it.each(BAD_SCOPES.map(([name, scope, code]) => ({ name, scope, code })))(
    'setRange with $name → $code, kernel unchanged',
    async ({ scope, code }) => {
      const error = await backend.setRange({ low: 40000, high: 50001 }, scope as object).then(
        () => new Error('resolved'),
        (e: unknown) => e,
      );
      expect(error).toMatchObject({ name: classOf(code), code });
      await unchanged();
    },
  );
});
