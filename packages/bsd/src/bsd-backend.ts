/**
 * The FreeBSD / macOS backend, over an injected {@link SysctlPort} (addon or sysctl(8)) and {@link ConfigFiles}
 * (persistence I/O). `createBackend` (create-backend.ts) only chooses the port and supplies the I/O; everything
 * else lives here, so both OSes and both ports share one tested implementation.
 */
import {
  type BackendInfo,
  type EphemeralPortsBackend,
  EphemeralPortsError,
  ErrorCodes,
  type PersistOptions,
  type PersistResult,
  type PersistedReading,
  type PortRange,
  type Protocol,
  type RangeChange,
  type RangeReading,
  type ScopeOptions,
  assertValidRange,
  defaultRange,
  endOrder,
  isPort,
  scopeProtocol,
  unifiedDiff,
} from '@ephemeral-ports/core';
import { resolve } from 'node:path';
import { BSD_BOOT_FILES, type BsdBootFiles, predictBsdBoot } from './effective-persist.js';
import { DARWIN_LAUNCHD_PLIST, parseLaunchdPlist, renderLaunchdPlist } from './launchd-plist.js';
import { planBsdWrites, writeSysctlPair } from './pair-writer.js';
import { type BsdPortRanges, pairFromRange, portRangesFromValues, rangeFromPair } from './port-ranges.js';
import { parseSysctlConf, updateSysctlConf } from './sysctl-conf.js';
import { BSD_OIDS, BSD_OS_LABEL, BSD_READ_KEYS, type BsdOs } from './sysctl-names.js';
import type { SysctlPort } from './sysctl-port.js';

/** File access for persistence, injected so the backend runs against temporary files in tests. */
export interface ConfigFiles {
  /** The file's text, or null when it does not exist. */
  read(path: string): Promise<string | null>;
  /** Replaces the file atomically (temporary file + rename); a new file gets `mode`. */
  writeAtomic(path: string, text: string, mode: number): Promise<void>;
}

export interface BsdBackendOptions {
  os: BsdOs;
  port: SysctlPort;
  files: ConfigFiles;
  /** Kernel release (`os.release()`). */
  release: string;
  /** E.g. `native` or `js-fallback`. */
  implementation: string;
  fallbackReason?: string;
  /** Default persistence target: /etc/sysctl.conf (FreeBSD) or the LaunchDaemon plist (macOS). */
  persistFile?: string;
  /**
   * The files the boot reads (effective-persist.ts), to compute which line wins. Default: the system's, unless
   * `persistFile` moves the target elsewhere (a test, an image build): the layout is then unknown and not guessed.
   */
  bootFiles?: Partial<BsdBootFiles>;
}

export const BSD_PERSIST_FILE: Readonly<Record<BsdOs, string>> = Object.freeze({
  freebsd: '/etc/sysctl.conf',
  darwin: DARWIN_LAUNCHD_PLIST,
});

const PAIR = { first: BSD_OIDS.first, last: BSD_OIDS.last };

function checkScope(os: BsdOs, o?: ScopeOptions): Protocol {
  return scopeProtocol(o, BSD_OS_LABEL[os]);
}

function toDetails(r: BsdPortRanges): Record<string, unknown> {
  return {
    first: r.raw.first,
    last: r.raw.last,
    swapped: r.swapped,
    high: r.high,
    low: r.low,
    ...(r.reservedLow !== undefined ? { reservedLow: r.reservedLow, reservedHigh: r.reservedHigh } : {}),
    ...(r.randomized !== undefined ? { randomized: r.randomized } : {}),
  };
}

/**
 * The two settings for `range`, in the order that takes the boot default to it without a one-port or inverted
 * pair in between (the boot scripts apply the lines top to bottom).
 */
function persistValues(os: BsdOs, range: PortRange): Array<[string, string]> {
  const target = pairFromRange(range);
  const ends = endOrder(planBsdWrites(pairFromRange(defaultRange(os).range), target));
  return ends.map((end) => [PAIR[end], String(target[end])]);
}

/**
 * The LaunchDaemon plist after setting `values`: other sysctl settings already in the file are kept (first, in
 * their order); a file at that path that is not a sysctl job is refused (`ERR_EPHEMERAL_PARSE`), never overwritten.
 */
function launchdPlistAfter(before: string, values: Array<[string, string]>): string {
  if (before.trim() === '') return renderLaunchdPlist(values);
  const ours = new Set(values.map(([name]) => name));
  const kept = [...parseLaunchdPlist(before)].filter(([name]) => !ours.has(name));
  return renderLaunchdPlist([...kept, ...values]);
}

export function createBsdBackend(options: BsdBackendOptions): EphemeralPortsBackend {
  const { os, port, files } = options;
  const keys = BSD_READ_KEYS[os];
  const names = keys.map((k) => BSD_OIDS[k]);
  const defaultTarget = options.persistFile ?? BSD_PERSIST_FILE[os];
  // A relative `file` is resolved once against the working directory: what is written, judged and reported is one path.
  const targetOf = (o: PersistOptions) => (o.file === undefined ? defaultTarget : resolve(o.file));
  // macOS: the LaunchDaemon by default; a `file` option may name /etc/sysctl.conf, which macOS also reads.
  const isPlist = (target: string) => os === 'darwin' && target.endsWith('.plist');
  const bootFiles: BsdBootFiles | undefined =
    options.bootFiles !== undefined || options.persistFile === undefined ? { ...BSD_BOOT_FILES, ...options.bootFiles } : undefined;
  const effective = async (target: string, ours: PortRange | null, overlay?: { path: string; text: string }) =>
    bootFiles ? { effective: await predictBsdBoot(os, target, ours, bootFiles, (path) => files.read(path), overlay) } : {};
  let queue: Promise<unknown> = Promise.resolve();
  // Changes run one at a time: two interleaved pair writes could each read the other's half-written state.
  const serialized = <T>(fn: () => Promise<T>): Promise<T> => {
    const run = queue.then(fn, fn);
    queue = run.catch(() => undefined);
    return run;
  };

  const reading = (values: number[], protocol: Protocol): RangeReading => {
    const r = portRangesFromValues(os, values);
    return { range: r.default, protocol, source: port.source, details: toDetails(r) };
  };

  const persistedFrom = (text: string, target: string): PersistedReading => {
    const entries = isPlist(target) ? parseLaunchdPlist(text) : parseSysctlConf(text);
    const first = entries.get(PAIR.first);
    const last = entries.get(PAIR.last);
    if (first === undefined && last === undefined) return { range: null, target };
    if (first === undefined || last === undefined) {
      throw new EphemeralPortsError(
        ErrorCodes.PARSE,
        `${target} sets only ${first === undefined ? PAIR.last : PAIR.first}; the boot-time range then depends ` +
          "on this kernel's default for the other end",
        { path: target },
      );
    }
    const [a, b] = [Number(first), Number(last)];
    if (!/^\d+$/.test(first) || !/^\d+$/.test(last) || !isPort(a) || !isPort(b)) {
      throw new EphemeralPortsError(ErrorCodes.PARSE, `${target}: not port numbers: ${first}, ${last}`, {
        path: target,
      });
    }
    return { range: rangeFromPair({ first: a, last: b }).range, target };
  };

  const backend: EphemeralPortsBackend = {
    os,
    info(): BackendInfo {
      return {
        os,
        release: options.release,
        implementation: options.implementation,
        ...(options.fallbackReason !== undefined ? { fallbackReason: options.fallbackReason } : {}),
        separateProtocolRanges: false,
        supportsNetns: false,
        supportsReserved: false,
        supportsCensus: false,
      };
    },
    async getRange(o) {
      const protocol = checkScope(os, o);
      return reading(await port.read(names), protocol);
    },
    async setRange(input, o): Promise<RangeChange> {
      const protocol = checkScope(os, o);
      const range = assertValidRange(os, input);
      return serialized(async () => {
        const change = await writeSysctlPair(os, port, PAIR, pairFromRange(range));
        return {
          previous: rangeFromPair(change.previous).range,
          current: rangeFromPair(change.current).range,
          protocol,
          source: port.source,
          warnings: [],
        };
      });
    },
    async getConstraints(o) {
      checkScope(os, o);
      return {};
    },
    async getReserved(o) {
      checkScope(os, o);
      throw new EphemeralPortsError(
        ErrorCodes.UNSUPPORTED_OPERATION,
        `${BSD_OS_LABEL[os]} has no reserved-port list${
          os === 'freebsd' ? ' (reservedlow/reservedhigh, the privileged-port bounds, are in getRange().details)' : ''
        }`,
      );
    },
    async setReserved(_ports, o) {
      checkScope(os, o);
      throw new EphemeralPortsError(ErrorCodes.UNSUPPORTED_OPERATION, `${BSD_OS_LABEL[os]} has no reserved-port list`);
    },
    async persistRange(input, o: PersistOptions = {}): Promise<PersistResult> {
      checkScope(os, o);
      const range = assertValidRange(os, input);
      const target = targetOf(o);
      const before = (await files.read(target)) ?? '';
      const values = persistValues(os, range);
      const after = isPlist(target) ? launchdPlistAfter(before, values) : updateSysctlConf(before, values);
      const written = !o.dryRun && after !== before;
      if (written) await files.writeAtomic(target, after, 0o644);
      return {
        target,
        before,
        after,
        diff: unifiedDiff(before, after, target),
        written,
        ...(await effective(target, range, { path: target, text: after })),
      };
    },
    async getPersisted(o: PersistOptions = {}): Promise<PersistedReading> {
      checkScope(os, o);
      const target = targetOf(o);
      const text = await files.read(target);
      const reading = text === null ? { range: null, target } : persistedFrom(text, target);
      return { ...reading, ...(await effective(target, reading.range)) };
    },
  };
  if (port.readSync) {
    const readSync = port.readSync.bind(port);
    backend.getRangeSync = (o) => reading(readSync(names), checkScope(os, o));
  }
  return backend;
}
