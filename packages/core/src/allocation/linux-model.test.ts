import { describe, expect, it } from 'vitest';
import { PortSet, portRange } from '../range.js';
import { connectionCapacity } from './capacity.js';
import type { ConnectionKey } from './hashing.js';
import { LinuxPortModel } from './linux-model.js';
import { Xoshiro128 } from './prng.js';

const dest: ConnectionKey = { localAddress: '127.0.0.1', remoteAddress: '127.0.0.1', remotePort: 8080 };
const range = portRange(40_000, 40_199); // 200 ports, low even: connect() takes even ports first

function connectAll(model: LinuxPortModel, key: ConnectionKey = dest): number[] {
  const ports: number[] = [];
  for (let p = model.connect(key); p !== null; p = model.connect(key)) ports.push(p);
  return ports;
}

describe('LinuxPortModel connect() (__inet_hash_connect)', () => {
  it('hands out every port once for one destination, even ports first, then odd, then EADDRNOTAVAIL', () => {
    const model = new LinuxPortModel({ range, seed: 1 });
    const ports = connectAll(model);
    expect(ports).toHaveLength(200);
    expect(new Set(ports).size).toBe(200);
    expect(ports.every((p) => p >= range.low && p <= range.high)).toBe(true);
    expect(ports.slice(0, 100).every((p) => p % 2 === 0)).toBe(true);
    expect(ports.slice(100).every((p) => p % 2 === 1)).toBe(true);
    expect(model.connect(dest)).toBeNull();
  });

  it('prefers the parity of `low`: with an odd low, connect() starts on odd ports', () => {
    const model = new LinuxPortModel({ range: portRange(40_001, 40_200), seed: 2 });
    const ports = connectAll(model);
    expect(ports.slice(0, 100).every((p) => p % 2 === 1)).toBe(true);
  });

  it('skips reserved ports and ports owned by bind() users', () => {
    const reserved = PortSet.of({ low: 40_010, high: 40_019 }, { low: 40_100, high: 40_100 });
    const model = new LinuxPortModel({ range, reserved, seed: 3 });
    expect(model.bind(40_050)).toBe(true); // a listener inside the range
    const ports = connectAll(model);
    expect(ports.some((p) => reserved.has(p) || p === 40_050)).toBe(false);
    expect(ports).toHaveLength(200 - 11 - 1);
  });

  it('reuses a local port for another destination (only the 4-tuple must be unique)', () => {
    const model = new LinuxPortModel({ range, seed: 4 });
    expect(connectAll(model, dest)).toHaveLength(200);
    const other = { ...dest, remotePort: 9090 };
    expect(connectAll(model, other)).toHaveLength(200);
    expect(model.table.portsInUse).toBe(200);
    expect(model.table.sockets).toBe(400);
  });

  it('frees a port on release so the next connect() can take it', () => {
    const model = new LinuxPortModel({ range: portRange(40_000, 40_003), seed: 5 });
    const ports = connectAll(model);
    expect(model.release(ports[2]!, dest)).toBe(true);
    expect(model.release(ports[2]!, dest)).toBe(false);
    expect(model.connect(dest)).toBe(ports[2]);
  });

  it('is deterministic by seed', () => {
    const seq = (seed: number) => {
      const m = new LinuxPortModel({ range: portRange(32_768, 60_999), seed });
      return Array.from({ length: 50 }, (_, i) => m.connect({ ...dest, remotePort: i % 5 }));
    };
    expect(seq(7)).toEqual(seq(7));
    expect(seq(7)).not.toEqual(seq(8));
  });

  it('uses the pluggable hash: the same key maps to one table_perturb slot and advances it', () => {
    const calls: number[] = [];
    const model = new LinuxPortModel({ range, seed: 6, tablePerturbOrder: 0, hash: (_k, s) => (calls.push(s), 0) });
    const a = model.connect(dest)!;
    const b = model.connect({ ...dest, remotePort: 1 })!; // same slot (one counter), different destination
    expect(calls.length).toBe(4); // two hashes (low and high 32 bits) per connect
    expect(b).not.toBe(a); // the counter moved on by at least one step
    expect((b - a + 200) % 200).toBeGreaterThanOrEqual(2);
    expect((b - a + 200) % 200).toBeLessThanOrEqual(16); // max(i, rand(0..7) * 2) + 2 with i = 0
  });

  it('with an odd-sized range misses one end per call (remaining is rounded down to even)', () => {
    for (let seed = 1; seed <= 30; seed++) {
      const model = new LinuxPortModel({ range: portRange(40_000, 40_004), seed }); // 5 ports
      const ports = connectAll(model);
      const cap = connectionCapacity({ range: model.range });
      expect(ports.length).toBeGreaterThanOrEqual(cap.guaranteed);
      expect(ports.length).toBeLessThanOrEqual(cap.usablePorts);
    }
    expect(connectionCapacity({ range: portRange(40_000, 40_004) })).toMatchObject({ usablePorts: 5, guaranteed: 4 });
  });

  it('per-socket IP_LOCAL_PORT_RANGE: step 1, no parity preference, only narrows the range', () => {
    const model = new LinuxPortModel({ range, seed: 9 });
    const socketRange = portRange(40_100, 40_109);
    const ports: number[] = [];
    for (let p = model.connect(dest, { socketRange }); p !== null; p = model.connect(dest, { socketRange })) ports.push(p);
    expect(ports.sort((x, y) => x - y)).toEqual(Array.from({ length: 10 }, (_, i) => 40_100 + i));
    // An end outside the netns range is ignored.
    const wide = new LinuxPortModel({ range, seed: 9 });
    const p = wide.connect(dest, { socketRange: portRange(1000, 40_001) })!;
    expect(p === 40_000 || p === 40_001).toBe(true);
  });

  it('capacity math predicts exhaustion for random ranges, reserved sets and listeners (property)', () => {
    const rng = new Xoshiro128(2025);
    for (let trial = 0; trial < 60; trial++) {
      const low = 20_000 + (rng.next() % 1000);
      const size = 1 + (rng.next() % 300);
      const r = portRange(low, low + size - 1);
      const reserved = PortSet.fromPorts(Array.from({ length: rng.next() % 20 }, () => low + (rng.next() % (size + 10))));
      const model = new LinuxPortModel({ range: r, reserved, seed: trial, tablePerturbOrder: 4 });
      const listeners = Array.from({ length: rng.next() % 5 }, () => low + (rng.next() % size)).filter((p) => model.bind(p));
      const ports = connectAll(model);
      const cap = connectionCapacity({ range: r, reserved, bound: PortSet.fromPorts(listeners) });
      expect(ports.length).toBeGreaterThanOrEqual(cap.guaranteed);
      expect(ports.length).toBeLessThanOrEqual(cap.usablePorts);
      if (size % 2 === 0) expect(ports.length).toBe(cap.usablePorts);
    }
  });
});

describe('LinuxPortModel bind(0) (inet_csk_find_open_port)', () => {
  it('takes odd ports first (the opposite of connect()), then even, then EADDRINUSE', () => {
    const model = new LinuxPortModel({ range, seed: 10 });
    const ports: number[] = [];
    for (let p = model.bindEphemeral(); p !== null; p = model.bindEphemeral()) ports.push(p);
    expect(ports).toHaveLength(200);
    expect(ports.slice(0, 100).every((p) => p % 2 === 1)).toBe(true);
    expect(ports.slice(100).every((p) => p % 2 === 0)).toBe(true);
  });

  it('with SO_REUSEADDR tries the lower half of the range first', () => {
    const model = new LinuxPortModel({ range, seed: 11 });
    const ports = Array.from({ length: 100 }, () => model.bindEphemeral({ reuseAddr: true })!);
    expect(ports.every((p) => p < 40_100)).toBe(true);
    expect(model.bindEphemeral({ reuseAddr: true })! >= 40_100).toBe(true);
  });

  it('never takes a reserved port or one any socket uses; bind(port) refuses a used port', () => {
    const reserved = PortSet.of({ low: 40_000, high: 40_099 });
    const model = new LinuxPortModel({ range, reserved, seed: 12 });
    const connected = model.connect(dest)!;
    expect(model.bind(connected)).toBe(false);
    const ports: number[] = [];
    for (let p = model.bindEphemeral(); p !== null; p = model.bindEphemeral()) ports.push(p);
    expect(ports).toHaveLength(99);
    expect(ports.some((p) => reserved.has(p) || p === connected)).toBe(false);
  });

  it('leaves even ports to connect(): after bind(0) users take the odd half, connect() still finds every even port', () => {
    const model = new LinuxPortModel({ range, seed: 13 });
    for (let i = 0; i < 100; i++) model.bindEphemeral();
    expect(connectAll(model)).toHaveLength(100);
  });

  it('rejects bad options', () => {
    expect(() => new LinuxPortModel({ range: { low: 9, high: 1 } })).toThrow(expect.objectContaining({ code: 'ERR_OUT_OF_RANGE' }));
    expect(() => new LinuxPortModel({ range, tablePerturbOrder: 21 })).toThrow(expect.objectContaining({ code: 'ERR_OUT_OF_RANGE' }));
    expect(() => new LinuxPortModel({ range }).bind(70_000)).toThrow(expect.objectContaining({ code: 'ERR_OUT_OF_RANGE' }));
  });
});
