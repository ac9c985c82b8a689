import { describe, expect, it } from 'vitest';
import { explainExcludedPort, explainExcludedReading } from './explain-excluded.js';
import { excludedPortSet, parseExcludedPortRanges } from './netsh-excluded.js';
import { EXCLUDED_SAMPLES } from './netsh-samples.fixture.js';

const rows = parseExcludedPortRanges(EXCLUDED_SAMPLES[0].text);

describe('explainExcludedPort', () => {
  it('names a system exclusion with the WinNAT and dynamic-range remedies', () => {
    const e = explainExcludedPort(1258, { excluded: rows, dynamic: { low: 1024, high: 65534 } });
    expect(e).toMatchObject({ excluded: true, madeBy: 'system', range: { low: 1161, high: 1260 }, inDynamicRange: true });
    expect(e.summary).toContain('1161-1260');
    expect(e.summary).toContain('WSAEACCES');
    expect(e.remedies.join('\n')).toMatch(/net stop winnat/);
    expect(e.remedies.join('\n')).toMatch(/set dynamicport tcp start=49152 num=16384/);
    expect(e.remedies.join('\n')).toMatch(/add excludedportrange protocol=tcp startport=1258 numberofports=1/);
  });
  it('names an administered exclusion and how to delete it', () => {
    const e = explainExcludedPort(50010, { protocol: 'udp', excluded: rows });
    expect(e).toMatchObject({ excluded: true, madeBy: 'administrator', protocol: 'udp', range: { low: 50000, high: 50059 } });
    expect(e.inDynamicRange).toBeUndefined();
    expect(e.remedies.join('\n')).toContain('delete excludedportrange protocol=udp startport=50000 numberofports=60');
  });
  it('says a free port is free, and warns when it sits in the dynamic range', () => {
    expect(explainExcludedPort(8080, { excluded: rows, dynamic: { low: 49152, high: 65535 } })).toMatchObject({
      excluded: false,
      inDynamicRange: false,
      remedies: [],
    });
    const inDyn = explainExcludedPort(60000, { excluded: rows, dynamic: { low: 49152, high: 65535 } });
    expect(inDyn.excluded).toBe(false);
    expect(inDyn.remedies[0]).toMatch(/dynamic range 49152-65535/);
  });
  it('reports sockets bound to the port (listeners, bound and UDP sockets; not connected ones)', () => {
    const sock = (state: string, family: 4 | 6, localPort: number, pid?: number) => ({
      protocol: 'tcp' as const, family, state: state as 'LISTEN', localAddress: family === 6 ? '::' : '0.0.0.0', localPort,
      remoteAddress: family === 6 ? '::' : '0.0.0.0', remotePort: 0, ...(pid !== undefined && { pid }),
    });
    const sockets = [sock('LISTEN', 6, 8080, 9), sock('ESTABLISHED', 4, 8080), sock('BOUND', 4, 1258)];
    const e = explainExcludedPort(8080, { excluded: rows, sockets });
    expect(e).toMatchObject({ excluded: false, inUse: [{ family: 6, state: 'LISTEN', localAddress: '::', pid: 9 }] });
    expect(e.summary).toMatch(/WSAEADDRINUSE/);
    const both = explainExcludedPort(1258, { excluded: rows, sockets });
    expect(both.summary).toMatch(/WSAEACCES \(10013\); it is also in use: BOUND on 0\.0\.0\.0/);
    expect(explainExcludedPort(8081, { excluded: rows, sockets }).inUse).toEqual([]);
    expect(explainExcludedPort(8081, { excluded: rows })).not.toHaveProperty('inUse');
  });
  it('a row in one family\'s list only is said so, and deleted in that family', () => {
    const v6 = [{ low: 50000, high: 50059, administered: true, families: ['ipv6'] as const }];
    const e = explainExcludedPort(50010, { excluded: v6 });
    expect(e.summary).toMatch(/listed for IPv6 only/);
    expect(e.remedies[1]).toMatch(/netsh int ipv6 delete excludedportrange/);
  });
  it('refuses a port outside 1-65535 with ERR_OUT_OF_RANGE and a non-integer with ERR_INVALID_ARG_TYPE', () => {
    for (const bad of [0, -1, 65536]) {
      expect(() => explainExcludedPort(bad, { excluded: rows })).toThrow(
        expect.objectContaining({ code: 'ERR_OUT_OF_RANGE', name: 'RangeError' }),
      );
    }
    for (const bad of [1.5, Number.NaN, '80']) {
      expect(() => explainExcludedPort(bad as number, { excluded: rows })).toThrow(
        expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE', name: 'TypeError' }),
      );
    }
  });
});

describe('explainExcludedReading (the backend contract\'s explainReserved)', () => {
  const reading = (protocol: string, ranges: unknown) => ({
    ports: excludedPortSet(rows),
    kind: 'excluded' as const,
    source: 'spawn:netsh',
    details: { protocol, ranges },
  });
  it('explains a listed port from the rows in details, as explainExcludedPort does', () => {
    const e = explainExcludedReading(1258, reading('udp', rows))!;
    expect(e).toMatchObject({ madeBy: 'system', range: { low: 1161, high: 1260, administered: false } });
    expect(e.summary).toMatch(/^UDP port 1258/);
    expect(e.remedies.join('\n')).toMatch(/net stop winnat/);
    expect(explainExcludedReading(50001, reading('tcp', rows))).toMatchObject({ madeBy: 'administrator' });
  });
  it('says nothing for an unlisted port, port 0, or a reading without netsh rows', () => {
    expect(explainExcludedReading(8080, reading('tcp', rows))).toBeUndefined();
    expect(explainExcludedReading(0, reading('tcp', rows))).toBeUndefined();
    expect(explainExcludedReading(1258, reading('tcp', undefined))).toBeUndefined();
    expect(explainExcludedReading(1258, reading('tcp', [{ low: 1, high: 2000 }]))).toBeUndefined();
  });
});
