import { describe, expect, it } from 'vitest';
import { portRange } from '../range.js';
import { FreeBsdPortModel } from './freebsd-model.js';

const dest = { localAddress: '10.0.0.1', remoteAddress: '192.0.2.1', remotePort: 443 };
const range = portRange(10_000, 10_099);

describe('FreeBsdPortModel (in_pcb_lport_dest) (emulated)', () => {
  it('checks every port once per call: exhaustion exactly at the range size, then EADDRNOTAVAIL', () => {
    const model = new FreeBsdPortModel({ range, seed: 1 });
    const ports: number[] = [];
    for (let p = model.connect(dest); p !== null; p = model.connect(dest)) ports.push(p);
    expect(ports).toHaveLength(100);
    expect(new Set(ports).size).toBe(100);
    expect(ports.every((p) => p >= range.low && p <= range.high)).toBe(true);
  });

  it('with randomization off hands ports out in sequence from a shared lastport', () => {
    const model = new FreeBsdPortModel({ range, randomized: false });
    const ports = [model.connect(dest), model.connect({ ...dest, remotePort: 80 }), model.bindEphemeral()];
    expect(ports).toEqual([10_001, 10_002, 10_003]);
  });

  it('randomized: a random start then a linear scan past used ports (Algorithm 1)', () => {
    const model = new FreeBsdPortModel({ range, seed: 3 });
    for (let p = range.low; p <= range.high; p++) if (p % 10 !== 0) model.bind(p);
    const p = model.connect(dest);
    expect(p! % 10).toBe(0);
  });

  it('reuses local ports for other destinations (FreeBSD 13+: unique per 4-tuple) but not bound ones', () => {
    const model = new FreeBsdPortModel({ range, seed: 4 });
    model.bind(10_050);
    for (let i = 0; i < 99; i++) expect(model.connect(dest)).not.toBeNull();
    expect(model.connect(dest)).toBeNull();
    expect(model.connect({ ...dest, remotePort: 80 })).not.toBe(10_050);
    expect(model.bindEphemeral()).toBeNull(); // every port has a socket
  });

  it('is deterministic by seed and handles a one-port range', () => {
    const seq = (seed: number) => {
      const m = new FreeBsdPortModel({ range, seed });
      return Array.from({ length: 30 }, (_, i) => m.connect({ ...dest, remotePort: i }));
    };
    expect(seq(5)).toEqual(seq(5));
    expect(seq(5)).not.toEqual(seq(6));
    const one = new FreeBsdPortModel({ range: portRange(7000, 7000), seed: 1 });
    expect(one.connect(dest)).toBe(7000);
    expect(one.connect(dest)).toBeNull();
  });
});
