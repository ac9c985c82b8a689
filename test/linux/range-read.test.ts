/**
 * The warm read path: the addon keeps the knob files open per thread and namespace and preads them at offset 0 on
 * every call (native/linux/procfs.cc ReadKnobCached), and a range report reads both files in one addon call.
 * Every value must still be the kernel's current one.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { PortSet } from '@ephemeral-ports/core';
import { createLinuxBackend, loadNativeBinding, parseReservedText } from '@ephemeral-ports/linux';
import { getEphemeralRange, getEphemeralRangeSync } from 'ephemeral-ports';
import { useBackend } from 'ephemeral-ports/testing';
import { NETNS_REQUIREMENT, type Netns, canUseNetns, createNetns } from '../helpers/netns.js';
import { SYSCTL } from './sysctl-oracle.js';

const MOUNT = '/usr/bin/mount';
const UMOUNT = '/usr/bin/umount';
const loaded = loadNativeBinding();
const binding = loaded.binding;
const unpack = (packed: number) => ({ low: packed & 0xffff, high: (packed >>> 16) & 0xffff });

async function sysctlText(ns: Netns, name: string): Promise<string> {
  const r = await ns.exec(SYSCTL, ['-n', name]);
  if (r.code !== 0) throw new Error(`sysctl -n ${name}: ${r.stderr}`);
  return r.stdout;
}

describe.runIf(binding !== undefined)('range report through the addon (own namespace, read only)', () => {
  afterEach(() => {
    useBackend(undefined);
    vi.restoreAllMocks();
  });

  it('getEphemeralRange() reads range and reserved ports in one addon call, with the same results', async () => {
    const native = binding!;
    const both = vi.spyOn(native, 'readRangeAndReserved');
    const range = vi.spyOn(native, 'readPortRange');
    const knob = vi.spyOn(native, 'readKnob');
    useBackend(createLinuxBackend({ implementation: 'native' }));
    const report = await getEphemeralRange();
    expect(both).toHaveBeenCalledTimes(1);
    expect(range).not.toHaveBeenCalled();
    expect(knob).not.toHaveBeenCalled();
    const [packed, reservedText] = both.mock.results[0]!.value as [number, string];
    expect(report.range).toEqual(unpack(packed));
    expect(report.reserved?.equals(parseReservedText(reservedText))).toBe(true);
    expect(report.source).toBe('native:procfs');
    // The same report as the separate reads give (what the sync report and getReserved say).
    const sync = getEphemeralRangeSync();
    expect({ ...report, reserved: null }).toEqual(sync);
    expect(report.reserved?.equals((await createLinuxBackend({ implementation: 'native' }).getReserved()).ports)).toBe(true);
  });

  it('falls back to the separate reads when the one-call read fails, and still reports the reserved ports', async () => {
    const native = binding!;
    vi.spyOn(native, 'readRangeAndReserved').mockImplementation(() => {
      throw Object.assign(new Error('read failed'), { code: 'EIO', errno: -5, syscall: 'read' });
    });
    useBackend(createLinuxBackend({ implementation: 'native' }));
    const report = await getEphemeralRange();
    expect(report.source).toBe('native:procfs');
    expect(report.range).toEqual(unpack(native.readPortRange()));
    expect(report.reserved?.equals(parseReservedText(native.readKnob('ip_local_reserved_ports')))).toBe(true);
  });

  it('the JS fallback reads the same values in its one-call read', () => {
    const js = createLinuxBackend({ implementation: 'js' }).getRangeWithReservedSync();
    const native = createLinuxBackend({ implementation: 'native' }).getRangeWithReservedSync();
    expect(js.range.range).toEqual(native.range.range);
    expect(js.reserved.ports.equals(native.reserved.ports)).toBe(true);
  });
});

describe.runIf(canUseNetns && binding !== undefined)(`cached knob files stay fresh ${NETNS_REQUIREMENT}`, () => {
  const open: Netns[] = [];
  const fresh = async (): Promise<Netns> => {
    const ns = await createNetns();
    open.push(ns);
    return ns;
  };
  afterEach(async () => {
    await Promise.all(open.splice(0).map((ns) => ns.close()));
  });

  it('a value changed between two reads through the kept descriptors is read anew', async () => {
    const native = binding!;
    const ns = await fresh();
    await ns.writeRange(40000, 50001);
    expect(unpack(native.readRangeAndReserved(ns.path)[0])).toEqual({ low: 40000, high: 50001 });
    await ns.writeRange(40002, 50003);
    const r = await ns.exec(SYSCTL, ['-q', '-w', 'net.ipv4.ip_local_reserved_ports=45000-45010']);
    expect(r.code).toBe(0);
    const [packed, reserved] = native.readRangeAndReserved(ns.path);
    expect(unpack(packed)).toEqual({ low: 40002, high: 50003 });
    expect(reserved).toBe(await sysctlText(ns, 'net.ipv4.ip_local_reserved_ports'));
    expect(unpack(native.readPortRange(ns.path))).toEqual({ low: 40002, high: 50003 });
  });

  it('keeps each namespace apart when reads alternate between several', async () => {
    const native = binding!;
    const spaces = await Promise.all([fresh(), fresh(), fresh(), fresh(), fresh()]);
    await Promise.all(spaces.map((ns, i) => ns.writeRange(40000 + i * 2, 50001 + i * 2)));
    // Five namespaces against four cached slots: every round evicts one, and every read must still be right.
    for (let round = 0; round < 3; round++) {
      spaces.forEach((ns, i) => {
        expect(unpack(native.readPortRange(ns.path))).toEqual({ low: 40000 + i * 2, high: 50001 + i * 2 });
      });
    }
  });

  it.runIf(process.getuid?.() === 0)('a namespace path re-pointed at another namespace reads the new one (needs root: bind mounts)', async () => {
    const native = binding!;
    const [a, b] = await Promise.all([fresh(), fresh()]);
    await a.writeRange(40000, 50001);
    await b.writeRange(40002, 50003);
    const dir = mkdtempSync(join(tmpdir(), 'ephports-nsbind-'));
    const file = join(dir, 'net');
    writeFileSync(file, '');
    try {
      execFileSync(MOUNT, ['--bind', a.path, file]);
      expect(unpack(native.readPortRange(file))).toEqual({ low: 40000, high: 50001 });
      execFileSync(UMOUNT, [file]);
      execFileSync(MOUNT, ['--bind', b.path, file]);
      expect(unpack(native.readPortRange(file))).toEqual({ low: 40002, high: 50003 });
      execFileSync(UMOUNT, [file]);
    } finally {
      try {
        execFileSync(UMOUNT, [file], { stdio: 'ignore' });
      } catch {
        // not mounted any more
      }
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reads a reserved list that fills the first buffer exactly (4096 bytes) to its end', async () => {
    const native = binding!;
    const ns = await fresh();
    // 818 four-digit ports and one five-digit port, none adjacent: 4095 bytes of text, 4096 with the kernel's newline.
    const ports = [...Array.from({ length: 818 }, (_, i) => 1024 + 2 * i), 10000];
    const text = ports.join(',');
    expect(text.length).toBe(4095);
    native.exchangeKnob('ip_local_reserved_ports', text, ns.path);
    const expected = await sysctlText(ns, 'net.ipv4.ip_local_reserved_ports');
    expect(expected.length).toBe(4096);
    expect(native.readKnob('ip_local_reserved_ports', ns.path)).toBe(expected);
    expect(native.readRangeAndReserved(ns.path)[1]).toBe(expected);
    const reading = await createLinuxBackend({ netns: ns.path, implementation: 'native' }).getRangeWithReserved();
    expect(reading.reserved.ports.equals(PortSet.fromRanges(ports.map((p) => ({ low: p, high: p }))))).toBe(true);
  });

  it('reads a reserved list longer than the first buffer to its end, on every call', async () => {
    const native = binding!;
    const ns = await fresh();
    // One write parses at most a page, but a write at a later offset adds to the list (proc_do_large_bitmap ORs
    // it in): two writes make a list whose text is longer than any single write.
    const ports = Array.from({ length: 2000 }, (_, i) => 1024 + 2 * i);
    const first = ports.slice(0, 800).join(',');
    const second = ports.slice(800).join(',');
    const script =
      "const fs = require('node:fs'); const fd = fs.openSync('/proc/sys/net/ipv4/ip_local_reserved_ports', 'w');" +
      `fs.writeSync(fd, ${JSON.stringify(first)}, 0); fs.writeSync(fd, ${JSON.stringify(second)}, ${first.length});`;
    const r = await ns.exec(process.execPath, ['-e', script]);
    expect(r.code, r.stderr).toBe(0);
    const expected = `${ports.join(',')}\n`;
    expect(expected.length).toBeGreaterThan(8192);
    for (let i = 0; i < 3; i++) {
      expect(native.readKnob('ip_local_reserved_ports', ns.path)).toBe(expected);
      expect(native.readRangeAndReserved(ns.path)[1]).toBe(expected);
    }
  });
});
