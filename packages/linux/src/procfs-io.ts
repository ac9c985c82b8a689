/**
 * The I/O beneath the backend, in two implementations with one interface: the addon (any namespace, via a
 * setns thread) and the pure-JS fallback (the caller's namespace only). Both throw EphemeralPortsErrors.
 */
import { closeSync, openSync, readSync, writeSync, constants as fsConstants } from 'node:fs';
import { EphemeralPortsError, ErrorCodes, type PortRange, type RawCapture, rawFailure } from '@ephemeral-ports/core/model';
import { crashPoint } from './crash-point.js';
import { type KnobName, type ReadableKnob, knobPath, parseRangeText, parseUnprivilegedStartText } from './procfs-format.js';
import type { NativeLinuxBinding } from './native.js';
import { toOsError, withOsErrors } from './os-error.js';
import { inNetns, knobRemedy } from './remedy.js';

export interface KnobExchange {
  previous: string;
  current: string;
}

export interface RangeAndReservedText {
  range: PortRange;
  /** `ip_local_reserved_ports` exactly as the kernel prints it. */
  reservedText: string;
}

export interface ProcfsIo {
  /** `native:procfs` or `js:procfs`. */
  readonly source: string;
  readPortRange(netns?: string): PortRange;
  /** Both files a range report needs; the addon reads them in one call. */
  readRangeAndReserved(netns?: string): RangeAndReservedText;
  read(knob: ReadableKnob, netns?: string): string;
  /** Reads the previous text, writes `value` in one write() at offset 0, reads the result back. */
  exchange(knob: KnobName, value: string, netns?: string): KnobExchange;
}

const READING = knobRemedy(false);
const WRITING = knobRemedy(true);

/** The addon packs a range into an int32: low in bits 0–15, high in bits 16–31. */
const unpackRange = (packed: number): PortRange => ({ low: packed & 0xffff, high: (packed >>> 16) & 0xffff });

export function createNativeIo(binding: NativeLinuxBinding): ProcfsIo {
  return {
    source: 'native:procfs',
    // The reads are called per range query: no closure per call, and the remedy is looked up only on failure.
    readPortRange(netns) {
      try {
        return unpackRange(binding.readPortRange(netns));
      } catch (error) {
        throw toOsError(error, inNetns(netns, READING));
      }
    },
    readRangeAndReserved(netns) {
      try {
        const [packed, reservedText] = binding.readRangeAndReserved(netns);
        return { range: unpackRange(packed), reservedText };
      } catch (error) {
        throw toOsError(error, inNetns(netns, READING));
      }
    },
    read(knob, netns) {
      try {
        return binding.readKnob(knob, netns);
      } catch (error) {
        throw toOsError(error, inNetns(netns, READING));
      }
    },
    exchange(knob, value, netns) {
      crashPoint('live-before-write');
      const [previous, current] = withOsErrors(() => binding.exchangeKnob(knob, value, netns), inNetns(netns, WRITING));
      crashPoint('live-written');
      return { previous, current };
    },
  };
}

/**
 * The kernel took only part of a write (a list longer than a page): no errno says so, the count does. The addon
 * reports the same condition with the same code (native/linux/procfs.cc).
 */
function partialWrite(knob: KnobName, written: number, length: number): EphemeralPortsError {
  const code = knob === 'ip_local_reserved_ports' ? ErrorCodes.INVALID_PORT_LIST : ErrorCodes.READBACK_MISMATCH;
  return new EphemeralPortsError(code, `write '${knobPath(knob)}': the kernel accepted only ${written} of ${length} bytes in one write`, {
    syscall: 'write',
    path: knobPath(knob),
    remedy: 'shorten the value',
  });
}

/**
 * A sysctl file must be read in one read() at offset 0: the kernel formats the whole value into the caller's buffer
 * and answers every read at a later offset with end of file (kernel/sysctl.c: `*ppos && !write` reads nothing), so
 * a list longer than the buffer would be cut in the middle of a number. The buffer grows until the value fits.
 * The largest possible reserved-ports list (every other port) is about 250 KiB.
 */
export const MAX_KNOB_TEXT_BYTES = 4 << 20;

function readWhole(path: string): string {
  const fd = openSync(path, fsConstants.O_RDONLY);
  try {
    for (let size = 4096; ; size *= 4) {
      const buffer = Buffer.allocUnsafe(size);
      const n = readSync(fd, buffer, 0, size, 0);
      if (n < size) return buffer.toString('latin1', 0, n);
      if (size >= MAX_KNOB_TEXT_BYTES) {
        throw new EphemeralPortsError(ErrorCodes.PARSE, `${path} holds more than ${MAX_KNOB_TEXT_BYTES} bytes`, { path });
      }
    }
  } finally {
    closeSync(fd);
  }
}

/**
 * `ip_unprivileged_port_start` through `io`, or undefined on kernels before 4.11, which have no such knob and no
 * such limit (the file is absent).
 */
export function readUnprivilegedStart(io: ProcfsIo, netns?: string): number | undefined {
  try {
    return parseUnprivilegedStartText(io.read('ip_unprivileged_port_start', netns));
  } catch (error) {
    const { code, syscall, path } = error as { code?: unknown; syscall?: unknown; path?: unknown };
    if (code === 'ENOENT' && syscall === 'open' && typeof path === 'string' && path.startsWith('/proc/sys/')) return undefined;
    throw error;
  }
}

/** Node cannot setns(), so the fallback refuses a namespace rather than act on its own by mistake. */
function refuseNetns(netns: string | undefined, fallbackReason: string): void {
  if (netns === undefined) return;
  throw new EphemeralPortsError(
    ErrorCodes.UNSUPPORTED_OPERATION,
    `the JS fallback cannot act in another network namespace (${netns}): it has no setns(); ${fallbackReason}`,
    { path: netns, remedy: 'install the package with its prebuilt addon, or build it (npm rebuild with a C++ toolchain)' },
  );
}

export function createJsIo(fallbackReason: string): ProcfsIo {
  const read = (knob: ReadableKnob, netns?: string): string => {
    refuseNetns(netns, fallbackReason);
    return withOsErrors(() => readWhole(knobPath(knob)), READING);
  };
  return {
    source: 'js:procfs',
    readPortRange: (netns) => parseRangeText(read('ip_local_port_range', netns)),
    readRangeAndReserved: (netns) => ({
      range: parseRangeText(read('ip_local_port_range', netns)),
      reservedText: read('ip_local_reserved_ports', netns),
    }),
    read,
    exchange(knob, value, netns) {
      const previous = read(knob, netns);
      const bytes = Buffer.from(value, 'latin1');
      const written = withOsErrors(() => {
        const fd = openSync(knobPath(knob), fsConstants.O_WRONLY);
        try {
          crashPoint('live-before-write');
          return writeSync(fd, bytes, 0, bytes.length, 0);
        } finally {
          closeSync(fd);
          crashPoint('live-written');
        }
      }, WRITING);
      if (written !== bytes.length) throw partialWrite(knob, written, bytes.length);
      return { previous, current: read(knob) };
    },
  };
}

/**
 * The same I/O, recording every knob read as text for a support bundle. The range is then read as the kernel's text
 * (the addon's `readKnob`, in the same namespace) and parsed here, rather than packed by the addon, so that the
 * bundle holds exactly what was parsed. Only a backend created with `capture` pays for this.
 */
export function recordingIo(io: ProcfsIo, capture: RawCapture): ProcfsIo {
  const read = (knob: ReadableKnob, netns?: string): string => {
    const base = { kind: 'file' as const, path: knobPath(knob), ...(netns !== undefined && { netns }), via: io.source };
    let text: string;
    try {
      text = io.read(knob, netns);
    } catch (error) {
      capture({ ...base, error: rawFailure(error) });
      throw error;
    }
    capture({ ...base, text });
    return text;
  };
  return {
    source: io.source,
    read,
    readPortRange: (netns) => parseRangeText(read('ip_local_port_range', netns)),
    readRangeAndReserved: (netns) => ({
      range: parseRangeText(read('ip_local_port_range', netns)),
      reservedText: read('ip_local_reserved_ports', netns),
    }),
    exchange: (knob, value, netns) => io.exchange(knob, value, netns),
  };
}
