import { describe, expect, it } from 'vitest';
import { PortSet } from '../range.js';
import type { SocketEntry } from '../sockets.js';
import { DOCTOR_THRESHOLDS, diagnose, type DoctorFacts } from './doctor.js';
import { proposeWiderRange } from './remedies.js';
import { analyzeUsage } from './usage.js';
import { clients, tcp, udp } from './fixtures.test-helpers.js';

const range = { low: 40000, high: 49999 }; // 10 000 ports
const linux: DoctorFacts = { os: 'linux', tcpTwReuse: 0 };

function run(sockets: SocketEntry[], facts: DoctorFacts = linux, r = range, reserved?: PortSet) {
  const usage = analyzeUsage({ census: { sockets, source: 'test' }, range: r, ...(reserved ? { reserved } : {}) });
  return diagnose(usage, { ...facts, ...(reserved ? { reserved } : {}) });
}
const rules = (report: ReturnType<typeof run>) => report.findings.map((f) => `${f.rule}:${f.severity}`);

describe('diagnose (doctor rules)', () => {
  it('says ok with no findings for a quiet host', () => {
    const report = run([tcp('LISTEN', '0.0.0.0', 22), ...clients(50, 40000, '10.0.0.2', 443)]);
    expect(report).toEqual({ verdict: 'ok', findings: [] });
  });

  it('DESTINATION_EXHAUSTION: critical at ≥ 90 % of capacity, naming the destination and the exact widen command', () => {
    const report = run(clients(9000, 40000, '10.0.0.2', 443));
    expect(report.verdict).toBe('critical');
    const f = report.findings.find((x) => x.rule === 'DESTINATION_EXHAUSTION')!;
    expect(f.severity).toBe('critical');
    expect(f.subject).toEqual({ localAddress: '10.0.0.1', remoteAddress: '10.0.0.2', remotePort: 443, used: 9000, capacity: 10000 });
    expect(f.reason).toContain('10.0.0.2:443 from 10.0.0.1');
    expect(f.remedies.join('\n')).toContain('keepAlive: true');
    expect(f.remedies.join('\n')).toContain('sysctl -w net.ipv4.ip_local_port_range="');
  });

  it('DESTINATION_EXHAUSTION: warn from 60 %, nothing below', () => {
    const warn = Math.ceil(DOCTOR_THRESHOLDS.destinationWarn * 10000);
    expect(rules(run(clients(warn, 40000, '10.0.0.2', 443)))).toEqual(['DESTINATION_EXHAUSTION:warn']);
    expect(rules(run(clients(warn - 1, 40000, '10.0.0.2', 443)))).toEqual([]);
  });

  it('suggests tcp_tw_reuse only when TIME_WAIT dominates and it is not already on for that destination', () => {
    const tw = clients(9500, 40000, '10.0.0.2', 443, 'TIME_WAIT');
    const text = (facts: DoctorFacts) => run(tw, facts).findings.find((f) => f.rule === 'DESTINATION_EXHAUSTION')!.remedies.join('\n');
    expect(text(linux)).toContain('sysctl -w net.ipv4.tcp_tw_reuse=1');
    expect(text({ os: 'linux', tcpTwReuse: 1 })).not.toContain('tcp_tw_reuse');
    // 2 = loopback only: still worth suggesting for a remote destination
    expect(text({ os: 'linux', tcpTwReuse: 2 })).toContain('tcp_tw_reuse=1');
    const loop = clients(9500, 40000, '127.0.0.1', 8080, 'TIME_WAIT', '127.0.0.1');
    expect(run(loop, { os: 'linux', tcpTwReuse: 2 }).findings[0]!.remedies.join('\n')).not.toContain('tcp_tw_reuse');
  });

  it('TIME_WAIT_PILE: warn when TIME_WAIT sockets reach half the usable range, even spread over destinations', () => {
    const sockets = [10, 11, 12, 13, 14, 15].flatMap((host, i) => clients(900, 40000 + i * 1000, `10.0.0.${host}`, 443, 'TIME_WAIT'));
    const report = run(sockets);
    expect(rules(report)).toContain('TIME_WAIT_PILE:warn');
    expect(rules(report).filter((r) => r.startsWith('DESTINATION'))).toEqual([]);
    expect(rules(run(sockets.slice(0, 4999)))).not.toContain('TIME_WAIT_PILE:warn');
  });

  it('RANGE_PRESSURE: distinct ports held, critical at 90 %, with IP_BIND_ADDRESS_NO_PORT among the remedies', () => {
    const sockets = Array.from({ length: 9000 }, (_, i) => udp('UNCONN', '0.0.0.0', 40000 + i));
    const report = run(sockets);
    const f = report.findings.find((x) => x.rule === 'RANGE_PRESSURE')!;
    expect(f.severity).toBe('critical');
    expect(f.remedies.join('\n')).toContain('IP_BIND_ADDRESS_NO_PORT');
    expect(run(sockets.slice(0, 7000)).findings.find((x) => x.rule === 'RANGE_PRESSURE')!.severity).toBe('warn');
    expect(rules(run(sockets.slice(0, 6999)))).toEqual([]);
  });

  it('BIND_BEFORE_CONNECT: many bound-only TCP sockets in the range', () => {
    const bound = Array.from({ length: 600 }, (_, i) => tcp('CLOSE', '10.0.0.1', 40000 + i));
    const f = run(bound).findings.find((x) => x.rule === 'BIND_BEFORE_CONNECT')!;
    expect(f.severity).toBe('warn');
    expect(f.remedies[0]).toContain('IP_BIND_ADDRESS_NO_PORT');
    expect(rules(run(bound.slice(0, 499)))).toEqual([]); // below 5 % of 10 000
  });

  it('LISTENER_IN_RANGE: names the ports and gives a reserve command that keeps existing entries', () => {
    const reserved = PortSet.of({ low: 30000, high: 30001 });
    const report = run([tcp('LISTEN', '0.0.0.0', 45000), tcp('LISTEN', '::', 45000), tcp('LISTEN', '0.0.0.0', 8080)], linux, range, reserved);
    const f = report.findings.find((x) => x.rule === 'LISTENER_IN_RANGE')!;
    expect(report.verdict).toBe('warn');
    expect(f.subject).toEqual({ ports: [45000] });
    expect(f.remedies.join('\n')).toContain('sysctl -w net.ipv4.ip_local_reserved_ports="30000-30001,45000"');
    const win = run([tcp('LISTEN', '0.0.0.0', 45000)], { os: 'win32' }).findings[0]!;
    expect(win.remedies.join('\n')).toContain('netsh int ipv4 add excludedportrange protocol=tcp startport=45000 numberofports=1');
  });

  it('RESERVED_SHRINKS_RANGE and SMALL_RANGE', () => {
    const reserved = PortSet.of({ low: 40000, high: 42999 });
    expect(rules(run([], linux, range, reserved))).toEqual(['RESERVED_SHRINKS_RANGE:warn']);
    expect(rules(run([], linux, { low: 60000, high: 61000 }))).toEqual(['SMALL_RANGE:warn']);
  });

  it('CENSUS_FALLBACK is information only: the verdict stays ok', () => {
    const usage = analyzeUsage({ census: { sockets: [], source: 'procfs:/proc/net', fallbackReason: 'no addon' }, range });
    const report = diagnose(usage, linux);
    expect(report.verdict).toBe('ok');
    expect(rules(report)).toEqual(['CENSUS_FALLBACK:info']);
  });

  it('gives OS-specific widen commands', () => {
    const find = (os: DoctorFacts['os']) => run(clients(9500, 40000, '10.0.0.2', 443), { os }).findings[0]!.remedies.join('\n');
    expect(find('win32')).toMatch(/netsh int ipv4 set dynamicport tcp start=\d+ num=\d+/);
    expect(find('freebsd')).toMatch(/sysctl net\.inet\.ip\.portrange\.first=\d+ net\.inet\.ip\.portrange\.last=65535/);
  });

  it('rejects something that is not a usage report', () => {
    expect(() => diagnose({} as never, linux)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }));
  });
});

describe('proposeWiderRange', () => {
  it('doubles towards 65535 with an even port count and stays above the floor', () => {
    expect(proposeWiderRange({ low: 32768, high: 60999 })).toEqual({ low: 9072, high: 65535 }); // 2 × 28232 ports
    expect(proposeWiderRange({ low: 32768, high: 60999 }, [], 20000)).toEqual({ low: 20000, high: 65535 });
    expect(proposeWiderRange({ low: 60000, high: 60999 })).toEqual({ low: 60000, high: 65535 });
    const r = proposeWiderRange({ low: 50000, high: 59999 });
    expect(r).toEqual({ low: 45536, high: 65535 });
    expect((r.high - r.low + 1) % 2).toBe(0);
  });

  it('never swallows a listener below the current range', () => {
    expect(proposeWiderRange({ low: 50000, high: 59999 }, [47000])).toEqual({ low: 47002, high: 65535 });
  });
});
