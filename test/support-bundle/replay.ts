/**
 * Replays a support bundle (docs/support-bundle.md): every raw text it holds goes back through the parser of its
 * OS package (the same functions the backend parsed it with), and what comes out must equal what the bundle says
 * the tool parsed. A bundle from a bug report is thereby a fixture: a parser change that reads the reporter's
 * text differently fails here, and a bundle whose raw texts do not explain its parsed values is caught too.
 */
import { isDeepStrictEqual } from 'node:util';
import { PortSet, type PortRange, type Protocol, type RawRecord } from '@ephemeral-ports/core';
import { parseRangeText, parseReservedText, parseUnprivilegedStartText } from '@ephemeral-ports/linux';
import { BSD_OIDS, BSD_READ_KEYS, type BsdOs, parseSysctlValues, portRangesFromValues } from '@ephemeral-ports/bsd';
import { AIX_EPHEMERAL_TUNABLES, parseNoX } from '@ephemeral-ports/aix';
import { fromWindowsStartCount, parseDynamicPortOutput, parseExcludedPortRanges } from '@ephemeral-ports/win32';
import type { BundleOutcome, SupportBundle } from 'ephemeral-ports/diagnostics';

/** One comparison: the value a parser made of raw record `record`, against the bundle's `step` at `field`. */
export interface ReplayCheck {
  record: number;
  step: string;
  field: string;
  replayed: unknown;
  recorded: unknown;
}

const PROTOCOLS: readonly Protocol[] = ['tcp', 'udp'];

/** The value of a parsed step, or undefined when the step recorded an error (nothing to compare against). */
function valueOf(o: BundleOutcome | undefined): Record<string, unknown> | undefined {
  return o !== undefined && 'value' in o ? (o.value as Record<string, unknown>) : undefined;
}

const rangeJson = (r: PortRange) => ({ low: r.low, high: r.high });

class Checks {
  readonly list: ReplayCheck[] = [];
  constructor(readonly bundle: SupportBundle) {}
  /** Compares against `parsed[step][protocol].value` at `path` (dot-separated), when that step has a value. */
  expect(record: number, step: keyof SupportBundle['parsed'], protocol: Protocol, path: string, replayed: unknown): void {
    const perProtocol = this.bundle.parsed[step] as Record<string, BundleOutcome>;
    let recorded: unknown = valueOf(perProtocol[protocol]);
    if (recorded === undefined) return;
    for (const key of path.split('.')) recorded = (recorded as Record<string, unknown> | undefined)?.[key];
    this.list.push({ record, step: `${step}.${protocol}`, field: path, replayed: JSON.parse(JSON.stringify(replayed)), recorded });
  }
  /**
   * The parser refused raw record `record`: the bundle must say the same, either as the step's error or (Windows,
   * where a later route answered) as the failed attempt of the route that printed the text.
   */
  refused(record: number, step: keyof SupportBundle['parsed'], protocol: Protocol, error: unknown): void {
    const o = (this.bundle.parsed[step] as Record<string, BundleOutcome>)[protocol];
    const attempts = (valueOf(o)?.details as { attempts?: Array<{ source: string; code: string }> } | undefined)?.attempts;
    const recorded = o !== undefined && 'error' in o ? o.error.code : attempts?.find((a) => a.source.startsWith('spawn:'))?.code;
    this.list.push({ record, step: `${step}.${protocol}`, field: 'refused', replayed: (error as { code?: unknown }).code, recorded });
  }
}

/** Runs `parse`; a refusal is checked against the bundle instead of aborting the replay. */
function parseOr<T>(checks: Checks, record: number, step: keyof SupportBundle['parsed'], protocols: readonly Protocol[], parse: () => T): T | undefined {
  try {
    return parse();
  } catch (error) {
    for (const p of protocols) checks.refused(record, step, p, error);
    return undefined;
  }
}

function replayLinux(raw: RawRecord[], checks: Checks): void {
  raw.forEach((r, i) => {
    if (r.kind !== 'file' || r.text === undefined) return;
    const text = r.text;
    const knob = r.path.split('/').pop();
    if (knob === 'ip_local_port_range') {
      const range = parseOr(checks, i, 'range', PROTOCOLS, () => parseRangeText(text));
      if (range) for (const p of PROTOCOLS) checks.expect(i, 'range', p, 'range', rangeJson(range));
    }
    if (knob === 'ip_local_reserved_ports') {
      const ports = parseOr(checks, i, 'reserved', PROTOCOLS, () => parseReservedText(text));
      if (ports) for (const p of PROTOCOLS) checks.expect(i, 'reserved', p, 'ports', ports);
    }
    if (knob === 'ip_unprivileged_port_start') {
      const start = parseOr(checks, i, 'constraints', PROTOCOLS, () => parseUnprivilegedStartText(text));
      if (start !== undefined) for (const p of PROTOCOLS) checks.expect(i, 'constraints', p, 'unprivilegedPortStart', start);
    }
  });
}

function replayBsd(os: BsdOs, raw: RawRecord[], checks: Checks): void {
  const readNames = BSD_READ_KEYS[os].map((k) => BSD_OIDS[k]);
  raw.forEach((r, i) => {
    let values: number[] | undefined;
    if (r.kind === 'command' && r.exitCode === 0 && r.args[0] === '-n' && isDeepStrictEqual(r.args.slice(1), readNames)) {
      values = parseOr(checks, i, 'range', PROTOCOLS, () => parseSysctlValues(r.stdout, readNames));
    } else if (r.kind === 'call' && r.api === 'sysctlbyname' && isDeepStrictEqual(r.args, readNames) && Array.isArray(r.result)) {
      values = r.result as number[]; // the addon returns integers: port-ranges.ts is the parser left to replay
    }
    if (values === undefined) return;
    const ranges = parseOr(checks, i, 'range', PROTOCOLS, () => portRangesFromValues(os, values));
    if (!ranges) return;
    for (const p of PROTOCOLS) {
      checks.expect(i, 'range', p, 'range', rangeJson(ranges.default));
      checks.expect(i, 'range', p, 'details.first', ranges.raw.first);
      checks.expect(i, 'range', p, 'details.last', ranges.raw.last);
      checks.expect(i, 'range', p, 'details.high', ranges.high);
      checks.expect(i, 'range', p, 'details.low', ranges.low);
    }
  });
}

function replayAix(raw: RawRecord[], checks: Checks): void {
  raw.forEach((r, i) => {
    if (r.kind !== 'command' || r.exitCode !== 0 || !r.args.includes('-x')) return;
    const names = r.args.filter((_, k) => r.args[k - 1] === '-x');
    const asked = PROTOCOLS.filter((p) => names.includes(AIX_EPHEMERAL_TUNABLES[p].low));
    const tunables = parseOr(checks, i, 'range', asked, () => parseNoX(r.stdout, names));
    if (!tunables) return;
    const byName = new Map(tunables.map((t) => [t.name, t]));
    for (const p of PROTOCOLS) {
      const low = byName.get(AIX_EPHEMERAL_TUNABLES[p].low);
      const high = byName.get(AIX_EPHEMERAL_TUNABLES[p].high);
      if (!low || !high) continue;
      checks.expect(i, 'range', p, 'range', { low: low.current, high: high.current });
      checks.expect(i, 'range', p, 'details.default', { low: low.default, high: high.default });
      checks.expect(i, 'range', p, 'details.nextBoot', { low: low.reboot, high: high.reboot });
      const limits = { low: { min: low.min ?? 1, max: low.max ?? 65535 }, high: { min: high.min ?? 1, max: high.max ?? 65535 } };
      checks.expect(i, 'constraints', p, 'tunableLimits', limits);
    }
  });
}

function replayWin32(raw: RawRecord[], checks: Checks): void {
  const excluded: Record<Protocol, PortRange[]> = { tcp: [], udp: [] };
  let lastExcluded: Record<Protocol, number> = { tcp: -1, udp: -1 };
  raw.forEach((r, i) => {
    if (r.kind === 'call' && r.api.startsWith('wmi:') && Array.isArray(r.result) && r.result.length > 0) {
      const p = r.args[0] as Protocol;
      if (valueOf(checks.bundle.parsed.range[p])?.source === `wmi:root/StandardCimv2/${r.api.slice(4)}`) {
        checks.expect(i, 'range', p, 'range', rangeJson(fromWindowsStartCount(r.result[0] as { start: number; count: number })));
      }
      return;
    }
    if (r.kind !== 'command' || r.exitCode !== 0) return;
    const at = r.args.indexOf('int');
    if (at < 0 || r.args[at + 2] !== 'show') return;
    const family = r.args[at + 1] as 'ipv4' | 'ipv6';
    const what = r.args[at + 3];
    if (what === 'dynamicport') {
      const p = r.args[at + 4] as Protocol;
      const persistent = r.args.includes('store=persistent');
      const parsed = parseOr(checks, i, persistent ? 'persisted' : 'range', [p], () => parseDynamicPortOutput(r.stdout));
      if (!parsed) return;
      if (persistent) {
        if (family === 'ipv4') checks.expect(i, 'persisted', p, 'range', rangeJson(parsed.range));
        return;
      }
      checks.expect(i, 'range', p, `details.families.${family}`, { start: parsed.start, count: parsed.count });
      if (family === 'ipv4') checks.expect(i, 'range', p, 'range', rangeJson(parsed.range));
    } else if (what === 'excludedportrange') {
      const p = r.args.find((a) => a.startsWith('protocol='))?.slice('protocol='.length) as Protocol;
      excluded[p].push(...(parseOr(checks, i, 'reserved', [p], () => parseExcludedPortRanges(r.stdout)) ?? []));
      lastExcluded = { ...lastExcluded, [p]: i };
    }
  });
  // Each family lists its own rows: the reserved reading is the union of both lists.
  for (const p of PROTOCOLS) {
    if (lastExcluded[p] >= 0) checks.expect(lastExcluded[p], 'reserved', p, 'ports', PortSet.fromRanges(excluded[p]));
  }
}

/**
 * Replays `bundle`; returns every comparison made and throws when one differs (listing them all). Throws too when
 * the bundle is not a support bundle of a version this code reads.
 */
export function replayBundle(bundle: SupportBundle): ReplayCheck[] {
  if (bundle.format !== 'ephemeral-ports-support-bundle' || bundle.formatVersion !== 1) {
    throw new Error(`not a version 1 support bundle: ${bundle.format} ${bundle.formatVersion}`);
  }
  const os = valueOf(bundle.backend as BundleOutcome)?.os;
  const checks = new Checks(bundle);
  if (os === 'linux') replayLinux(bundle.raw, checks);
  else if (os === 'freebsd' || os === 'darwin') replayBsd(os, bundle.raw, checks);
  else if (os === 'aix') replayAix(bundle.raw, checks);
  else if (os === 'win32') replayWin32(bundle.raw, checks);
  else throw new Error(`the bundle's backend is ${String(os)}: nothing to replay`);
  const wrong = checks.list.filter((c) => !isDeepStrictEqual(c.replayed, c.recorded));
  if (wrong.length > 0) {
    throw new Error(
      `${wrong.length} replayed value(s) differ from the bundle:\n` +
        wrong.map((c) => `  raw[${c.record}] → ${c.step} ${c.field}: replayed ${JSON.stringify(c.replayed)}, bundle ${JSON.stringify(c.recorded)}`).join('\n'),
    );
  }
  return checks.list;
}

/** The steps (e.g. `range.tcp`) a replay compared at least once. */
export const stepsChecked = (checks: readonly ReplayCheck[]): string[] => [...new Set(checks.map((c) => c.step))].sort();
