import { describe, expect, it } from 'vitest';
import { explainExcludedPort } from './explain-port.js';
import { parseExcludedPortRanges } from './netsh-excluded.js';
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
  it('refuses a non-port with ERR_INVALID_ARGUMENT', () => {
    for (const bad of [0, -1, 65536, 1.5, Number.NaN]) {
      expect(() => explainExcludedPort(bad, { excluded: rows })).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT' }));
    }
  });
});
