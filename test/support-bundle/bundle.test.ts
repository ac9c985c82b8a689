/**
 * The support bundle, recorded through each OS's backend (Linux: real kernel; the others: their doubles) and fed
 * back through the parsers (replay.ts). The committed fixtures replay too, so a parser change that reads a
 * reporter's text differently fails here.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RawCommandRun, RawFileRead } from '@ephemeral-ports/core';
import type { SupportBundle } from 'ephemeral-ports/diagnostics';
import { NETNS_REQUIREMENT, type Netns, SYSCTL, canUseNetns, createNetns } from '../helpers/netns.js';
import { FIXTURES, maybeWriteFixture, recordAix, recordBsd, recordBsdAddon, recordLinux, recordWin32 } from './record.js';
import { replayBundle, stepsChecked } from './replay.js';
import { backendFromBundle } from './replay-backend.js';

// Planted in this process's environment: a bundle must never carry it (no environment dump).
const SECRET = 'EP_BUNDLE_TEST_SECRET';
const SECRET_VALUE = 'tok-4f1c9a7e-not-for-bundles';
beforeAll(() => {
  process.env[SECRET] = SECRET_VALUE;
});
afterAll(() => {
  delete process.env[SECRET];
});

const commands = (b: SupportBundle) => b.raw.filter((r): r is RawCommandRun => r.kind === 'command');
const files = (b: SupportBundle) => b.raw.filter((r): r is RawFileRead => r.kind === 'file');
const valueOf = (o: unknown) => (o as { value?: Record<string, unknown> }).value;

function expectNoEnvironment(bundle: SupportBundle): void {
  const text = JSON.stringify(bundle);
  expect(text).not.toContain(SECRET_VALUE);
  expect(text).not.toContain(SECRET);
  for (const locale of [bundle.locale, ...commands(bundle).map((c) => c.locale)]) {
    expect(Object.keys(locale).every((k) => k === 'LC_ALL' || k === 'LANG'), JSON.stringify(locale)).toBe(true);
  }
}

function expectHeader(bundle: SupportBundle, os: string): void {
  expect(bundle).toMatchObject({
    format: 'ephemeral-ports-support-bundle',
    formatVersion: 1,
    versions: { 'ephemeral-ports': expect.stringMatching(/^\d+\.\d+\.\d+/), node: process.version, platform: process.platform },
  });
  expect(Date.parse(bundle.createdAt)).not.toBeNaN();
  expect(valueOf(bundle.backend)?.os).toBe(os);
}

describe.runIf(canUseNetns)(`support bundle: Linux ${NETNS_REQUIREMENT}`, () => {
  let ns: Netns;
  beforeAll(async () => {
    ns = await createNetns();
    await ns.writeRange(40000, 50000);
    const r = await ns.exec(SYSCTL, ['-q', '-w', 'net.ipv4.ip_local_reserved_ports=40100-40200,45000']);
    expect(r.code, r.stderr).toBe(0);
  });
  afterAll(() => ns?.close());

  it('holds the procfs texts the kernel printed, their paths and namespace, and what was parsed from them', async () => {
    const bundle = await recordLinux(ns.path);
    maybeWriteFixture('linux-netns.json', bundle);
    expectHeader(bundle, 'linux');
    const texts = new Map(files(bundle).map((f) => [f.path, f]));
    expect(texts.get('/proc/sys/net/ipv4/ip_local_port_range')).toMatchObject({ text: '40000\t50000\n', netns: ns.path });
    expect(texts.get('/proc/sys/net/ipv4/ip_local_reserved_ports')?.text).toBe('40100-40200,45000\n');
    expect(texts.get('/proc/sys/net/ipv4/ip_unprivileged_port_start')?.text).toMatch(/^\d+\n$/);
    expect(valueOf(bundle.parsed.range.tcp)?.range).toEqual({ low: 40000, high: 50000 });
    expect(valueOf(bundle.parsed.reserved.udp)?.ports).toEqual([{ low: 40100, high: 40200 }, { low: 45000, high: 45000 }]);
    // Persistence is per host, not per namespace: refused, and recorded as such rather than fatal.
    expect(bundle.parsed.persisted.tcp).toMatchObject({ error: { code: expect.any(String) } });
    expect(valueOf(bundle.parsed.doctor)?.verdict).toMatch(/^(ok|warn|critical)$/);
    expect(valueOf(bundle.parsed.census)?.total).toEqual(expect.any(Number));
    expect(bundle.scope).toEqual({ netns: ns.path });
    expectNoEnvironment(bundle);
  });

  it('replays: the recorded texts parse to the recorded values', async () => {
    const checks = replayBundle(await recordLinux(ns.path));
    expect(stepsChecked(checks)).toEqual(expect.arrayContaining(['constraints.tcp', 'range.tcp', 'range.udp', 'reserved.tcp']));
  });

  it('replay fails when the parsed values do not follow from the raw texts', async () => {
    const bundle = await recordLinux(ns.path);
    const tcp = valueOf(bundle.parsed.range.tcp)!;
    tcp.range = { low: 40000, high: 50001 };
    expect(() => replayBundle(bundle)).toThrow(/range\.tcp range: replayed \{"low":40000,"high":50000\}/);
  });
});

describe('support bundle: FreeBSD and macOS (emulated: fake sysctl(8), test/bsd/fake-sysctl.ts)', () => {
  for (const os of ['freebsd', 'darwin'] as const) {
    it(`${os}: holds each sysctl run (path, args, exit code, stdout, LC_ALL=C) and replays`, async () => {
      const bundle = await recordBsd(os);
      maybeWriteFixture(`${os}-emulated.json`, bundle);
      expectHeader(bundle, os);
      const reads = commands(bundle).filter((c) => c.args[0] === '-n');
      expect(reads.length).toBeGreaterThan(0);
      expect(reads[0]).toMatchObject({ file: expect.stringMatching(/\/sysctl$/), exitCode: 0, stderr: '', locale: { LC_ALL: 'C' } });
      expect(reads[0]!.args).toContain('net.inet.ip.portrange.first');
      expect(reads[0]!.stdout).toMatch(/^20000\n60000\n/);
      expect(valueOf(bundle.parsed.range.tcp)?.range).toEqual({ low: 20000, high: 60000 });
      // No census and no reserved list on the BSDs: the bundle says why instead of failing.
      expect(bundle.parsed.reserved.tcp).toMatchObject({ error: { code: 'ERR_EPHEMERAL_UNSUPPORTED_OPERATION' } });
      expect(bundle.parsed.doctor).toMatchObject({ error: { code: 'ERR_EPHEMERAL_UNSUPPORTED_OPERATION' } });
      expectNoEnvironment(bundle);
      expect(stepsChecked(replayBundle(bundle))).toEqual(['range.tcp', 'range.udp']);
    });
  }
});

describe('support bundle: FreeBSD through the addon (emulated: native/bsd built against the sysctlbyname() double)', () => {
  it('holds the integers sysctlbyname() returned, with the names asked, and replays them through port-ranges.ts', async () => {
    const bundle = await recordBsdAddon('freebsd');
    maybeWriteFixture('freebsd-addon-emulated.json', bundle);
    expectHeader(bundle, 'freebsd');
    expect(valueOf(bundle.backend)?.implementation).toBe('native');
    const call = bundle.raw.find((r) => r.kind === 'call' && r.api === 'sysctlbyname');
    expect(call).toMatchObject({ args: expect.arrayContaining(['net.inet.ip.portrange.first']), result: expect.arrayContaining([30000, 50000]) });
    expect(valueOf(bundle.parsed.range.tcp)?.range).toEqual({ low: 30000, high: 50000 });
    expectNoEnvironment(bundle);
    expect(stepsChecked(replayBundle(bundle))).toEqual(['range.tcp', 'range.udp']);
  });
});

describe('support bundle: AIX (emulated: the no double, test/aix/double)', () => {
  it('holds each `no -x` run and replays range, defaults, next boot and limits', async () => {
    const bundle = await recordAix();
    maybeWriteFixture('aix-emulated.json', bundle);
    expectHeader(bundle, 'aix');
    const x = commands(bundle).find((c) => c.args.includes('tcp_ephemeral_low'));
    expect(x).toMatchObject({ args: ['-x', 'tcp_ephemeral_low', '-x', 'tcp_ephemeral_high'], exitCode: 0, locale: { LC_ALL: 'C' } });
    expect(x!.stdout).toMatch(/^tcp_ephemeral_low,40000,32768,41000,/m);
    expect(valueOf(bundle.parsed.range.tcp)?.range).toEqual({ low: 40000, high: 50000 });
    expectNoEnvironment(bundle);
    const checks = replayBundle(bundle);
    expect(stepsChecked(checks)).toEqual(['constraints.tcp', 'constraints.udp', 'range.tcp', 'range.udp']);
    expect(checks.some((c) => c.field === 'details.nextBoot')).toBe(true);
  });
});

describe('support bundle: Windows (emulated: the netsh double and addon, test/windows/doubles)', () => {
  it('holds every netsh run (German output, CRLF) of both families and replays ranges, families and exclusions', async () => {
    const bundle = await recordWin32();
    maybeWriteFixture('win32-emulated.json', bundle);
    expectHeader(bundle, 'win32');
    const show = commands(bundle).find((c) => c.args.join(' ') === 'int ipv6 show dynamicport tcp');
    expect(show).toMatchObject({ file: 'netsh', exitCode: 0 });
    expect(show!.stdout).toContain('Startport');
    expect(show!.stdout).toContain('\r\n');
    expect(valueOf(bundle.parsed.range.tcp)?.range).toEqual({ low: 20000, high: 29999 });
    expect(valueOf(bundle.parsed.reserved.tcp)?.ports).toEqual([{ low: 2869, high: 2869 }, { low: 50000, high: 50059 }]);
    expectNoEnvironment(bundle);
    const checks = replayBundle(bundle);
    expect(stepsChecked(checks)).toEqual(expect.arrayContaining(['persisted.tcp', 'range.tcp', 'range.udp', 'reserved.tcp', 'reserved.udp']));
    expect(checks.some((c) => c.field === 'details.families.ipv6')).toBe(true);
  });

  it('records the WMI answer when netsh prints nothing (Wine), and replays it', async () => {
    const bundle = await recordWin32({ silent: true });
    const wmi = bundle.raw.find((r) => r.kind === 'call' && r.api === 'wmi:MSFT_NetTCPSetting');
    expect(wmi).toMatchObject({ args: ['tcp'], result: expect.arrayContaining([expect.objectContaining({ start: 20000, count: 10000 })]) });
    expect(valueOf(bundle.parsed.range.tcp)?.source).toMatch(/^wmi:/);
    const checks = replayBundle(bundle);
    const at = bundle.raw.indexOf(wmi!);
    expect(checks).toContainEqual(expect.objectContaining({ record: at, step: 'range.tcp', field: 'range', replayed: { low: 20000, high: 29999 } }));
    // netsh's empty output is refused by its parser, as the reading's first attempt says.
    expect(checks).toContainEqual(expect.objectContaining({ step: 'range.tcp', field: 'refused', replayed: 'ERR_EPHEMERAL_PARSE', recorded: 'ERR_EPHEMERAL_PARSE' }));
  });
});

describe('support bundle fixtures (committed, test/support-bundle/fixtures)', () => {
  const names = readdirSync(FIXTURES).filter((n) => n.endsWith('.json'));

  it('has one per OS: the real Linux kernel in a namespace, and every emulated OS (FreeBSD by sysctl(8) and by the addon)', () => {
    expect(names.sort()).toEqual([
      'aix-emulated.json',
      'darwin-emulated.json',
      'freebsd-addon-emulated.json',
      'freebsd-emulated.json',
      'linux-netns.json',
      'win32-emulated.json',
    ]);
  });

  for (const name of names) {
    it(`${name} replays through today's parsers`, () => {
      const bundle = JSON.parse(readFileSync(join(FIXTURES, name), 'utf8')) as SupportBundle;
      const checks = replayBundle(bundle);
      expect(stepsChecked(checks)).toContain('range.tcp');
      expect(JSON.stringify(bundle)).not.toContain(SECRET_VALUE);
    });

    it(`${name} drives the OS's backend (its I/O answered from the raw records) to the same readings`, async () => {
      const bundle = JSON.parse(readFileSync(join(FIXTURES, name), 'utf8')) as SupportBundle;
      const { backend, cleanup } = backendFromBundle(bundle);
      try {
        for (const protocol of ['tcp', 'udp'] as const) {
          const recorded = valueOf(bundle.parsed.range[protocol]);
          if (recorded === undefined) continue;
          const reading = await backend.getRange({ protocol });
          expect(reading.range, `${name} range ${protocol}`).toEqual(recorded.range);
          expect(JSON.parse(JSON.stringify(reading.details ?? null)), `${name} details ${protocol}`).toEqual(
            name.startsWith('linux') ? null : (recorded.details ?? null),
          );
          const reserved = valueOf(bundle.parsed.reserved[protocol]);
          if (reserved !== undefined) expect((await backend.getReserved({ protocol })).ports.toJSON()).toEqual(reserved.ports);
        }
      } finally {
        cleanup();
      }
    });
  }
});
