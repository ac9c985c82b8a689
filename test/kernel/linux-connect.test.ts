/**
 * The Linux connect() model and the capacity math against the real kernel (6.x): in a private network namespace,
 * set a 200-port range, connect to one listener until EADDRNOTAVAIL, and compare with the predictions.
 */
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { LinuxPortModel, PortSet, connectionCapacity, portRange, type PortRange } from '@ephemeral-ports/core';
import { NETNS_REQUIREMENT, canUseNetns, createNetns, type Netns } from '../helpers/netns.js';

const FIXTURE = fileURLToPath(new URL('./fixtures/connect-until-full.mjs', import.meta.url));
const SYSCTL = '/usr/sbin/sysctl';

interface FixtureOutput {
  listenPort: number;
  ports: number[];
  error: string | null;
}

interface Scenario {
  range: PortRange;
  listenPort: number;
  reserved?: string;
}

let ns: Netns | undefined;
afterEach(async () => {
  await ns?.close();
  ns = undefined;
});

async function runScenario(s: Scenario): Promise<FixtureOutput> {
  ns = await createNetns();
  await ns.writeRange(s.range.low, s.range.high);
  expect(await ns.readRange()).toEqual(s.range);
  if (s.reserved) {
    const r = await ns.exec(SYSCTL, ['-q', '-w', `net.ipv4.ip_local_reserved_ports=${s.reserved}`]);
    expect(r.code, r.stderr).toBe(0);
  }
  const run = await ns.node(FIXTURE, [String(s.listenPort)]);
  expect(run.code, run.stderr).toBe(0);
  return JSON.parse(run.stdout.trim()) as FixtureOutput;
}

/** Number of leading even ports in a sequence. */
function leadingEven(ports: readonly number[]): number {
  const i = ports.findIndex((p) => p % 2 !== 0);
  return i === -1 ? ports.length : i;
}

/** What the model predicts for the same settings: connects until null to one destination. */
function modelRun(range: PortRange, reserved: PortSet, listenPort: number): number[] {
  const model = new LinuxPortModel({ range, reserved, seed: 1 });
  if (listenPort >= range.low && listenPort <= range.high) model.bind(listenPort);
  const key = { localAddress: '127.0.0.1', remoteAddress: '127.0.0.1', remotePort: listenPort };
  const out: number[] = [];
  for (let p = model.connect(key); p !== null; p = model.connect(key)) out.push(p);
  return out;
}

describe.runIf(canUseNetns)(`Linux connect() against the model and capacity math ${NETNS_REQUIREMENT}`, () => {
  const range = portRange(40_000, 40_199); // 200 ports, ends of different parity as the kernel advises

  it.each([
    { title: 'listener outside the range', listenPort: 8080, reserved: undefined },
    { title: 'listener inside the range (costs one port)', listenPort: 40_100, reserved: undefined },
    { title: 'ip_local_reserved_ports set', listenPort: 8080, reserved: '40010-40019,40151' },
    { title: 'reserved ports and a listener inside', listenPort: 40_031, reserved: '40000-40004' },
  ])('$title: connects until EADDRNOTAVAIL exactly at capacity, even ports first', async ({ listenPort, reserved }) => {
    const reservedSet = reserved
      ? PortSet.fromRanges(reserved.split(',').map((part) => {
          const [lo, hi] = part.split('-').map(Number);
          return portRange(lo!, hi ?? lo!);
        }))
      : PortSet.EMPTY;
    const out = await runScenario({ range, listenPort, ...(reserved ? { reserved } : {}) });
    const bound = listenPort >= range.low && listenPort <= range.high ? PortSet.fromPorts([listenPort]) : PortSet.EMPTY;
    const capacity = connectionCapacity({ range, reserved: reservedSet, bound });

    expect(out.error).toBe('EADDRNOTAVAIL');
    // (a) every source port lies in the range, and none is reserved or the listener's
    expect(out.ports.every((p) => p >= range.low && p <= range.high)).toBe(true);
    expect(out.ports.filter((p) => reservedSet.has(p) || p === listenPort)).toEqual([]);
    expect(new Set(out.ports).size).toBe(out.ports.length);
    // (b) the number of successful connects is what the capacity math predicts
    expect(out.ports.length).toBe(capacity.usablePorts);
    expect(capacity.guaranteed).toBe(capacity.usablePorts);
    // (c) connect() takes even ports (low's parity) until they run out — always more than half the usable ports
    const usableEven = PortSet.of(range).subtract(reservedSet).subtract(bound).toJSON()
      .reduce((n, r) => n + Math.floor(r.high / 2) - Math.floor((r.low - 1) / 2), 0);
    expect(leadingEven(out.ports)).toBe(usableEven);
    expect(out.ports.slice(usableEven).every((p) => p % 2 === 1)).toBe(true);
    // The model agrees with the kernel on count and parity order (the exact ports depend on the kernel's secret).
    const predicted = modelRun(range, reservedSet, listenPort);
    expect(predicted.length).toBe(out.ports.length);
    expect(leadingEven(predicted)).toBe(leadingEven(out.ports));
  });

  it('an odd-sized range yields between the guaranteed and the usable count', async () => {
    const odd = portRange(40_000, 40_200); // 201 ports: each connect() scans 200 of them
    const out = await runScenario({ range: odd, listenPort: 8080 });
    const capacity = connectionCapacity({ range: odd });
    expect(capacity).toMatchObject({ usablePorts: 201, guaranteed: 200 });
    expect(out.error).toBe('EADDRNOTAVAIL');
    expect(out.ports.length).toBeGreaterThanOrEqual(capacity.guaranteed);
    expect(out.ports.length).toBeLessThanOrEqual(capacity.usablePorts);
  });
});
