import { afterEach, describe, expect, it } from 'vitest';
import { aggregateSockets, createMemoryBackend, PortSet, type SocketEntry } from '@ephemeral-ports/core';
import { censusBackend, client, listener } from '../../../../test/census/fixtures/census-backend.js';
import { useBackend } from '../backend.js';
import { checkDiagnosticsOptions, takeSnapshot } from './snapshot.js';
import { doctor, portMap, portMapOf, prometheusMetrics, usage, usageOf } from './usage.js';

const udpSocket = (port: number): SocketEntry => ({ protocol: 'udp', family: 4, state: 'UNCONN', localAddress: '0.0.0.0', localPort: port, remoteAddress: '0.0.0.0', remotePort: 0 });

afterEach(() => useBackend(undefined));

describe('diagnostics facade', () => {
  it('judges the census against the backend’s live range and reserved ports', async () => {
    const reserved = PortSet.of({ low: 40090, high: 40099 });
    useBackend(censusBackend([listener(40085), ...Array.from({ length: 80 }, (_, i) => client(40000 + i))], { reserved }));
    const u = await usage();
    expect(u.range).toEqual({ low: 40000, high: 40099 });
    expect(u.reserved.equals(reserved)).toBe(true);
    expect(u.usableSize).toBe(90);
    // capacity = 100 − 10 reserved − the listener's port (core's connectionCapacity)
    expect(u.destinations[0]).toMatchObject({ used: 80, capacity: 89 });
    const d = await doctor();
    // 81 of 90 usable ports held (80 clients + the listener) = 90 %: range pressure is critical, while the
    // destination (80/89 ≈ 0.899) stays just below the critical threshold.
    expect(d.verdict).toBe('critical');
    const severity = (rule: string) => d.findings.find((f) => f.rule === rule)?.severity;
    expect(severity('RANGE_PRESSURE')).toBe('critical');
    expect(severity('DESTINATION_EXHAUSTION')).toBe('warn');
    expect(severity('LISTENER_IN_RANGE')).toBe('warn');
    expect(severity('SMALL_RANGE')).toBe('warn');
  });

  it('maps listening and in-use ports into the port map', async () => {
    useBackend(censusBackend([listener(8080), client(40001)]));
    const map = await portMap();
    expect(map.regions).toContainEqual({ kind: 'listening', low: 8080, high: 8080 });
    expect(map.regions).toContainEqual({ kind: 'in-use', low: 40001, high: 40001 });
  });

  it('builds the port map from the census counts alone, as it would from the list', async () => {
    const sockets = [listener(8080), client(40001), client(8080), udpSocket(40500)];
    const withList = await takeSnapshot({}, censusBackend(sockets));
    const countsOnly = { ...withList, census: { source: withList.census.source, aggregate: aggregateSockets(sockets), get sockets(): never { throw new Error('the list was read') } } };
    expect(portMapOf(countsOnly)).toEqual(portMapOf(withList));
    expect(usageOf(countsOnly)).toEqual(usageOf(withList));
    expect(portMapOf(withList).regions).toContainEqual({ kind: 'in-use', low: 40500, high: 40500 });
  });

  it('renders Prometheus text from the same snapshot', async () => {
    useBackend(censusBackend([client(40001)]));
    expect(await prometheusMetrics()).toContain('ephemeral_ports_ports_in_use{protocol="tcp"} 1');
  });

  it('refuses backends without a census and bad options, before any census runs', async () => {
    await expect(takeSnapshot({}, createMemoryBackend({ os: 'aix' }))).rejects.toMatchObject({ code: 'ERR_EPHEMERAL_UNSUPPORTED_OPERATION' });
    expect(() => checkDiagnosticsOptions({ netns: 'x' })).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE' }));
    expect(() => checkDiagnosticsOptions({ processes: 1 })).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }));
    expect(() => checkDiagnosticsOptions({ method: 'ebpf' })).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE' }));
    expect(() => checkDiagnosticsOptions('x')).toThrow(TypeError);
    expect(() => checkDiagnosticsOptions('x')).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }));
  });

  it('passes netns and processes through to the census, asking for counts (aggregate) rather than a list', async () => {
    const seen: unknown[] = [];
    const base = censusBackend([]);
    const backend = { ...base, census: async (o?: unknown) => (seen.push(o), { sockets: [], source: 'test' }), getRange: async () => ({ range: { low: 40000, high: 40099 }, protocol: 'tcp' as const, source: 'test' }),
      getReserved: async () => ({ ports: PortSet.EMPTY, kind: 'reserved' as const, source: 'test' }),
    };
    await takeSnapshot({ netns: '/proc/1/ns/net', processes: true }, backend);
    expect(seen).toEqual([{ netns: '/proc/1/ns/net', processes: true, aggregate: true }]);
  });
});
