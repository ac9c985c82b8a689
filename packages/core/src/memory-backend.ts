/**
 * An in-memory backend that follows one OS's documented rules. It runs the same contract tests as the real
 * backends, and lets applications test code that reads or sets the range without touching a kernel.
 */
import type {
  BackendInfo,
  BootPersistence,
  EphemeralPortsBackend,
  KernelConstraints,
  PersistOptions,
  PersistResult,
  PersistedReading,
  RangeChange,
  RangeReading,
  ReservedChange,
  ReservedReading,
  ScopeOptions,
} from './backend.js';
import type { Protocol, TargetOs } from './platform.js';
import { scopeProtocol } from './backend.js';
import { EphemeralPortsError, ErrorCodes } from './errors.js';
import { type PortRange, PortSet, rangeEquals } from './range.js';
import { assertValidPortList, assertValidRange, validateRange } from './validate.js';

export interface MemoryBackendOptions {
  os?: TargetOs;
  /** Initial range for every protocol. Default 32768–60999. */
  range?: PortRange;
  reserved?: PortSet;
  constraints?: KernelConstraints;
  release?: string;
  /**
   * Settings the simulated boot applies after the persisted target (another file that sets the range later), so
   * that code handling `PersistedReading.effective` can be tested: the last one wins at boot.
   */
  laterBootSettings?: ReadonlyArray<{ file: string; line: number; range: PortRange }>;
}

const SEPARATE: ReadonlySet<TargetOs> = new Set(['aix', 'win32']);
const RESERVED: ReadonlySet<TargetOs> = new Set(['linux', 'win32']);
const SOURCE = 'memory';

export function createMemoryBackend(options: MemoryBackendOptions = {}): EphemeralPortsBackend {
  const os = options.os ?? 'linux';
  const separate = SEPARATE.has(os);
  const initial = options.range ?? { low: 32768, high: 60999 };
  const ranges = new Map<Protocol, PortRange>([
    ['tcp', initial],
    ['udp', initial],
  ]);
  const persisted = new Map<Protocol, PortRange>();
  let reserved = options.reserved ?? PortSet.EMPTY;
  const constraints: KernelConstraints = { ...options.constraints };

  const key = (o?: ScopeOptions): Protocol => {
    const protocol = scopeProtocol(o, 'the memory backend');
    return separate ? protocol : 'tcp';
  };
  const requireReserved = () => {
    if (!RESERVED.has(os)) {
      throw new EphemeralPortsError(ErrorCodes.UNSUPPORTED_OPERATION, `${os} has no reserved-port list`);
    }
  };
  const read = (o?: ScopeOptions): RangeReading => {
    const k = key(o);
    return { range: ranges.get(k)!, protocol: o?.protocol ?? 'tcp', source: SOURCE };
  };

  return {
    os,
    info(): BackendInfo {
      return {
        os,
        release: options.release ?? 'memory',
        implementation: 'memory',
        separateProtocolRanges: separate,
        supportsNetns: false,
        supportsReserved: RESERVED.has(os),
        supportsCensus: false,
      };
    },
    getRangeSync: read,
    async getRange(o) {
      return read(o);
    },
    async setRange(input, o): Promise<RangeChange> {
      const k = key(o);
      const next = assertValidRange(os, input, constraints);
      const previous = ranges.get(k)!;
      ranges.set(k, next);
      if (!separate) ranges.set('udp', next);
      return {
        previous,
        current: next,
        protocol: o?.protocol ?? 'tcp',
        source: SOURCE,
        warnings: validateRange(os, next, constraints).warnings,
      };
    },
    async getConstraints(o) {
      key(o);
      return { ...constraints };
    },
    async getReserved(o): Promise<ReservedReading> {
      key(o);
      requireReserved();
      return { ports: reserved, kind: os === 'win32' ? 'excluded' : 'reserved', source: SOURCE };
    },
    async setReserved(ports, o): Promise<ReservedChange> {
      key(o);
      requireReserved();
      const next = assertValidPortList(ports);
      const previous = reserved;
      reserved = next;
      return { previous, current: next, source: SOURCE };
    },
    async persistRange(input, o: PersistOptions = {}): Promise<PersistResult> {
      const k = key(o);
      const next = assertValidRange(os, input, constraints);
      const target = o.file ?? 'memory';
      const before = persisted.get(k);
      if (!o.dryRun) persisted.set(k, next);
      const fmt = (r?: PortRange) => (r ? `${r.low} ${r.high}\n` : '');
      return {
        target,
        before: fmt(before),
        after: fmt(next),
        written: !o.dryRun && !(before && rangeEquals(before, next)),
        effective: effectiveOf(target, next, options.laterBootSettings ?? []),
      };
    },
    async getPersisted(o: PersistOptions = {}): Promise<PersistedReading> {
      const range = persisted.get(key(o)) ?? null;
      const target = o.file ?? 'memory';
      return { range, target, effective: effectiveOf(target, range, options.laterBootSettings ?? []) };
    },
  };
}

/** The simulated boot: the target's one line, then `later` in order; the last line wins. */
function effectiveOf(target: string, range: PortRange | null, later: NonNullable<MemoryBackendOptions['laterBootSettings']>): BootPersistence {
  const line = (file: string, n: number, r: PortRange) => ({ file, line: n, key: 'range', value: `${r.low} ${r.high}` });
  const lines = [...(range ? [line(target, 1, range)] : []), ...later.map((l) => line(l.file, l.line, l.range))];
  const last = later[later.length - 1];
  const overrides = range ? later.filter((l) => !rangeEquals(l.range, range)).map((l) => line(l.file, l.line, l.range)) : [];
  const wins = !last || (range !== null && rangeEquals(last.range, range));
  return {
    range: last ? last.range : range,
    winners: lines.length > 0 ? [lines[lines.length - 1]!] : [],
    overrides: range && !wins ? overrides : [],
    targetRead: true,
    order: [target, ...new Set(later.map((l) => l.file))],
    rule: 'memory backend: the target, then laterBootSettings in order; the last one wins',
    fixes: range && !wins && last ? [`ephemeral-ports set ${range.low}-${range.high} --persist --file ${last.file}`] : [],
    notes: [],
  };
}
