/**
 * Reading the live range: {@link getEphemeralRange} / {@link getEphemeralRangeSync}. When the kernel cannot be
 * read, the report says so — `source: 'default'` plus a warning — and carries the OS's documented default; it
 * never presents a guess as the kernel's value.
 */
import {
  type Diagnostic,
  type EphemeralPortsBackend,
  EphemeralPortsError,
  ErrorCodes,
  type PortRange,
  type PortSet,
  type Protocol,
  type RangeReading,
  type ReservedReading,
  type TargetOs,
  checkNetnsPath,
  rangeSize,
  validateRange,
} from '@ephemeral-ports/core/model';
import { getBackend } from './backend.js';
import { osDefaultRange } from './os-defaults.js';
import { type Family, type RangeQueryOptions, checkFamily, checkOptions, checkProtocol, scopeOf } from './options.js';

/** What {@link getEphemeralRange} returns. Stable: it is also the `--json` shape of `ephemeral-ports get`. */
export interface RangeReport {
  platform: TargetOs;
  /** Kernel release, e.g. `6.1.0-18-amd64`. */
  release: string;
  protocol: Protocol;
  family: Family;
  /** The live range (inclusive), or the OS default when `source` is `'default'`. */
  range: PortRange;
  /** Number of ports in `range`. */
  size: number;
  /** How `range` was obtained (`native:procfs`, `native:sysctl`, `spawn:no`, ...), or `'default'`. */
  source: string;
  /** The OS's documented default for this release, or null when unknown. */
  defaults: PortRange | null;
  /** Reserved (Linux) or excluded (Windows) ports; null where the OS has none or they could not be read. */
  reserved: PortSet | null;
  /** Linux network namespace the values belong to, when one was given. */
  netns?: string;
  /** Backend implementation (`native`, `js-fallback: <why>`, `memory`). */
  implementation: string;
  /** OS-specific extras from the backend (BSD high/low ranges, Windows start + count, AIX next-boot values). */
  details?: Record<string, unknown>;
  /** Non-fatal findings: fallback to defaults, equal parity, unreadable reserved list. */
  warnings: Diagnostic[];
}

/** Errors that mean "the caller asked for something wrong", never papered over with defaults. */
const CALLER_ERRORS: ReadonlySet<string> = new Set([
  ErrorCodes.ARG_TYPE,
  ErrorCodes.ARG_VALUE,
  ErrorCodes.OUT_OF_RANGE,
  ErrorCodes.UNSUPPORTED_OPERATION,
  ErrorCodes.UNSUPPORTED_PLATFORM,
  ErrorCodes.BACKEND_LOAD_FAILED,
]);

interface Query {
  protocol: Protocol;
  family: Family;
  netns: string | undefined;
}

function query(given: RangeQueryOptions | undefined): Query {
  const options = checkOptions(given);
  return {
    protocol: checkProtocol(options.protocol),
    family: checkFamily(options.family),
    netns: checkNetnsPath(options.netns),
  };
}

/**
 * Reads the live ephemeral port range, with the OS default, reserved ports and any warnings.
 *
 * @throws `ERR_INVALID_ARG_TYPE` / `ERR_INVALID_ARG_VALUE` for bad options, `ERR_EPHEMERAL_UNSUPPORTED_PLATFORM`, `ERR_EPHEMERAL_BACKEND_LOAD_FAILED`; an OS
 * error when a given `netns` cannot be entered. Other read failures fall back to `source: 'default'`.
 * @example
 * ```ts
 * import { getEphemeralRange } from 'ephemeral-ports';
 * const report = await getEphemeralRange({ protocol: 'tcp' });
 * console.log(`${report.range.low}-${report.range.high} (${report.size} ports, from ${report.source})`);
 * ```
 */
export async function getEphemeralRange(options?: RangeQueryOptions): Promise<RangeReport> {
  const q = query(options);
  const backend = getBackend();
  const scope = scopeOf(q.protocol, q.netns);
  if (backend.getRangeWithReserved && backend.info().supportsReserved) {
    // One read for both values; on any failure the two separate reads below decide the report, as without it.
    let both: { range: RangeReading; reserved: ReservedReading } | undefined;
    try {
      both = await backend.getRangeWithReserved(scope);
    } catch {
      both = undefined;
    }
    if (both !== undefined) {
      const report = build(backend, q, both.range);
      report.reserved = both.reserved.ports;
      return report;
    }
  }
  let reading: RangeReading | Error;
  try {
    reading = await backend.getRange(scope);
  } catch (error) {
    reading = fallbackOrThrow(error, q);
  }
  const report = build(backend, q, reading);
  await addReserved(backend, report, scope);
  return report;
}

/**
 * Synchronous {@link getEphemeralRange} for backends that read without spawning a process (Linux, FreeBSD,
 * macOS). `reserved` is always null here (reading it is async).
 *
 * @throws `ERR_EPHEMERAL_UNSUPPORTED_OPERATION` when the backend has no synchronous read (AIX, Windows).
 * @example
 * ```ts
 * import { getEphemeralRangeSync } from 'ephemeral-ports';
 * const { range } = getEphemeralRangeSync();
 * ```
 */
export function getEphemeralRangeSync(options?: RangeQueryOptions): RangeReport {
  const q = query(options);
  const backend = getBackend();
  if (typeof backend.getRangeSync !== 'function') {
    throw new EphemeralPortsError(
      ErrorCodes.UNSUPPORTED_OPERATION,
      `the ${backend.os} backend has no synchronous read; use getEphemeralRange()`,
    );
  }
  let reading: RangeReading | Error;
  try {
    reading = backend.getRangeSync(scopeOf(q.protocol, q.netns));
  } catch (error) {
    reading = fallbackOrThrow(error, q);
  }
  return build(backend, q, reading);
}

/** The release never changes within a process, and parsing it is most of a report's own cost: keep the last answer. */
let lastDefaults: { os: TargetOs; protocol: Protocol; release: string; range: PortRange | null } | undefined;

function defaultsFor(os: TargetOs, protocol: Protocol, release: string): PortRange | null {
  const last = lastDefaults;
  const range =
    last !== undefined && last.os === os && last.protocol === protocol && last.release === release
      ? last.range
      : (lastDefaults = { os, protocol, release, range: osDefaultRange(os, protocol, release) }).range;
  return range === null ? null : { low: range.low, high: range.high };
}

function fallbackOrThrow(error: unknown, q: Query): Error {
  const code = (error as { code?: unknown })?.code;
  // A namespace the caller named but we cannot enter is their problem to fix, not a reason to show defaults.
  if ((typeof code === 'string' && CALLER_ERRORS.has(code)) || q.netns !== undefined) throw error;
  return error instanceof Error ? error : new Error(String(error));
}

function build(backend: EphemeralPortsBackend, q: Query, reading: RangeReading | Error): RangeReport {
  const info = backend.info();
  const defaults = defaultsFor(backend.os, q.protocol, info.release);
  const warnings: Diagnostic[] = [];
  let range: PortRange;
  let source: string;
  let details: Record<string, unknown> | undefined;
  if (reading instanceof Error) {
    if (!defaults) {
      throw new EphemeralPortsError(
        (reading as { code?: string }).code ?? ErrorCodes.COMMAND_FAILED,
        `cannot read the live range and no default is known for ${backend.os} ${info.release}: ${reading.message}`,
        { cause: reading },
      );
    }
    range = defaults;
    source = 'default';
    warnings.push({
      code: 'RANGE_NOT_READ',
      severity: 'warning',
      message: `could not read the live range (${(reading as { code?: string }).code ?? 'error'}: ${reading.message.split('\n')[0]}); showing the ${backend.os} default instead`,
    });
  } else {
    range = reading.range;
    source = reading.source;
    details = reading.details;
    warnings.push(...(reading.warnings ?? []), ...validateRange(backend.os, range).warnings);
  }
  const report: RangeReport = {
    platform: backend.os,
    release: info.release,
    protocol: q.protocol,
    family: q.family,
    range: { low: range.low, high: range.high },
    size: rangeSize(range),
    source,
    defaults,
    reserved: null,
    implementation: info.fallbackReason ? `${info.implementation} (${info.fallbackReason})` : info.implementation,
    warnings,
  };
  if (q.netns !== undefined) report.netns = q.netns;
  if (details !== undefined) report.details = details;
  return report;
}

async function addReserved(backend: EphemeralPortsBackend, report: RangeReport, scope: object): Promise<void> {
  if (!backend.info().supportsReserved) return;
  try {
    report.reserved = (await backend.getReserved(scope)).ports;
  } catch (error) {
    report.warnings.push({
      code: 'RESERVED_NOT_READ',
      severity: 'warning',
      message: `could not read the reserved/excluded ports: ${(error as Error).message.split('\n')[0]}`,
    });
  }
}
