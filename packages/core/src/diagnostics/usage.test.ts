import { describe, expect, it } from 'vitest';
import { connectionCapacity } from '../allocation/capacity.js';
import { PortSet } from '../range.js';
import { aggregateSockets } from '../sockets.js';
import { analyzeUsage } from './usage.js';
import { clients, tcp, udp } from './fixtures.test-helpers.js';

const range = { low: 40000, high: 40999 };
const census = (sockets: ReturnType<typeof tcp>[]) => ({ sockets, source: 'test' });

describe('analyzeUsage', () => {
  it('counts sockets per protocol and state', () => {
    const u = analyzeUsage({
      census: census([tcp('LISTEN', '0.0.0.0', 80), ...clients(3, 40000, '10.0.0.2', 443), ...clients(2, 40010, '10.0.0.2', 443, 'TIME_WAIT'), udp('UNCONN', '0.0.0.0', 53)]),
      range,
    });
    expect(u.total).toBe(7);
    expect(u.byState.tcp).toEqual({ LISTEN: 1, ESTABLISHED: 3, TIME_WAIT: 2 });
    expect(u.byState.udp).toEqual({ UNCONN: 1 });
    expect(u.timeWait).toEqual({ count: 2, share: 2 / 6 });
  });

  it('counts distinct local ports inside the range, per protocol and overall', () => {
    const sockets = [
      ...clients(2, 40000, '10.0.0.2', 443),
      // the same local port towards another destination: one port, two sockets
      tcp('ESTABLISHED', '10.0.0.1', 40000, '10.0.0.3', 443),
      tcp('ESTABLISHED', '10.0.0.1', 39999, '10.0.0.3', 443), // below the range
      udp('UNCONN', '0.0.0.0', 40001), // shares a number with a TCP port
      udp('UNCONN', '0.0.0.0', 40500),
    ];
    const u = analyzeUsage({ census: census(sockets), range });
    expect(u.portsInUse).toEqual({ tcp: 2, udp: 2, any: 3 });
    expect(u.rangePressure).toBeCloseTo(3 / 1000);
    expect(u.udpUnconnectedInRange).toBe(2);
  });

  it('groups connections per (local address, destination) with capacity from core', () => {
    const reserved = PortSet.of({ low: 40900, high: 40999 });
    const sockets = [
      tcp('LISTEN', '0.0.0.0', 40500), // a bind() user inside the range: connect() skips its port
      ...clients(10, 40000, '10.0.0.2', 443),
      ...clients(4, 40100, '10.0.0.2', 443, 'TIME_WAIT'),
      ...clients(3, 40000, '10.0.0.2', 80),
      ...clients(2, 40000, '10.0.0.2', 443, 'ESTABLISHED', '10.0.0.9'),
    ];
    const u = analyzeUsage({ census: census(sockets), range, reserved });
    const expected = connectionCapacity({ range, reserved, bound: PortSet.fromPorts([40500]) });
    expect(expected.usablePorts).toBe(1000 - 100 - 1);
    expect(u.destinations.map((d) => [d.localAddress, d.remotePort, d.used, d.timeWait])).toEqual([
      ['10.0.0.1', 443, 14, 4],
      ['10.0.0.1', 80, 3, 0],
      ['10.0.0.9', 443, 2, 0],
    ]);
    for (const d of u.destinations) {
      expect(d.capacity).toBe(expected.usablePorts);
      expect(d.guaranteed).toBe(expected.guaranteed);
      expect(d.pressure).toBeCloseTo(d.used / expected.usablePorts);
    }
    expect(u.usableSize).toBe(900);
    expect(u.reservedInRange).toBe(100);
  });

  it('does not count the server side of accepted connections as a destination', () => {
    // A service listening inside the range: its accepted sockets have an in-range local port.
    const sockets = [tcp('LISTEN', '0.0.0.0', 40500), tcp('ESTABLISHED', '10.0.0.1', 40500, '10.0.0.7', 51234), tcp('LISTEN', '::', 40600), tcp('ESTABLISHED', '::ffff:10.0.0.1', 40600, '::ffff:10.0.0.7', 5555)];
    const u = analyzeUsage({ census: census(sockets), range });
    expect(u.destinations).toEqual([]);
    expect(u.listenersInRange.map((s) => s.localPort)).toEqual([40500, 40600]);
  });

  it('reports bound-only TCP sockets and listeners inside the range', () => {
    const sockets = [tcp('CLOSE', '0.0.0.0', 40001), tcp('CLOSE', '0.0.0.0', 1234), tcp('LISTEN', '127.0.0.1', 8080)];
    const u = analyzeUsage({ census: census(sockets), range });
    expect(u.boundInactive.map((s) => s.localPort)).toEqual([40001, 1234]);
    expect(u.listenersInRange).toEqual([]);
  });

  it('computes from the census counts when it carries them, without reading its socket list', () => {
    const sockets = [tcp('LISTEN', '0.0.0.0', 40500), tcp('CLOSE', '0.0.0.0', 40001), ...clients(3, 40000, '10.0.0.2', 443), ...clients(2, 40990, '10.0.0.3', 80, 'TIME_WAIT'), tcp('ESTABLISHED', '10.0.0.1', 40500, '10.0.0.7', 5000), udp('UNCONN', '0.0.0.0', 40002)];
    const countsOnly = { source: 'test', aggregate: aggregateSockets(sockets), get sockets(): never { throw new Error('the list was read') } };
    const fromCounts = analyzeUsage({ census: countsOnly, range });
    // the same report, to the order of its JSON (byState lists states as they first appear)
    expect(JSON.stringify(fromCounts)).toBe(JSON.stringify(analyzeUsage({ census: census(sockets), range })));
    expect(Object.keys(fromCounts.byState.tcp)).toEqual(['LISTEN', 'CLOSE', 'ESTABLISHED', 'TIME_WAIT']);
    expect(fromCounts.destinations.map((d) => [d.remoteAddress, d.used, d.timeWait])).toEqual([['10.0.0.2', 3, 0], ['10.0.0.3', 2, 2]]);
  });

  it('aggregateSockets: accepted ends of listeners (own address, 0.0.0.0 or ::) are no destinations', () => {
    const a = aggregateSockets([tcp('LISTEN', '::', 7000), tcp('LISTEN', '10.0.0.1', 7001), tcp('ESTABLISHED', '10.0.0.1', 7000, '10.0.0.9', 1), tcp('ESTABLISHED', '10.0.0.1', 7001, '10.0.0.9', 2), tcp('ESTABLISHED', '10.0.0.2', 7001, '10.0.0.9', 3)]);
    expect(a.outgoing.destinations).toEqual([{ localAddress: '10.0.0.2', remoteAddress: '10.0.0.9', remotePort: 3 }]);
    expect([...a.outgoing.localPort]).toEqual([7001]);
    expect(a.localPorts.tcp[7001]).toBe(3);
    expect(a.bound.map((s) => s.localPort)).toEqual([7000, 7001]);
  });

  it('carries the census source and fallback reason', () => {
    const u = analyzeUsage({ census: { sockets: [], source: 'procfs:/proc/net', fallbackReason: 'no addon' }, range });
    expect(u.source).toBe('procfs:/proc/net');
    expect(u.fallbackReason).toBe('no addon');
    expect(u.destinations).toEqual([]);
    expect(u.rangePressure).toBe(0);
  });

  it('rejects input without a census or with a bad range', () => {
    expect(() => analyzeUsage({} as never)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }));
    expect(() => analyzeUsage({ census: census([]), range: { low: 5, high: 1 } })).toThrow(expect.objectContaining({ code: 'ERR_OUT_OF_RANGE' }));
  });
});
