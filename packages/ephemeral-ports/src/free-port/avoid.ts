/**
 * The ports a free-port finder must never hand out by default, read from the live kernel (through the OS package's
 * port facts where it has them, port-facts.ts, else through the facade's backend): the ephemeral range (the kernel
 * may give any of those to a `connect()` at any moment), the reserved (Linux `ip_local_reserved_ports`) or excluded
 * (Windows) ports, and the privileged ports.
 *
 * Readings are cached for {@link AVOID_TTL_MS} so a burst of calls costs one kernel read; a range changed by an
 * administrator is seen within that time. When the live range cannot be read, core's documented default for the
 * OS is used instead and a `RANGE_NOT_READ` warning says so (in the result, and once per process through
 * `process.emitWarning`); never silently.
 */
import {
  type DefaultsSubject,
  type Diagnostic,
  type EphemeralPortsBackend,
  type PortFacts,
  type PortRange,
  PortSet,
  type Protocol,
} from './from-core.js';
import { getBackend } from '../backend.js';
import { readPortFacts } from './port-facts.js';

/** How long kernel readings are reused, in milliseconds. */
export const AVOID_TTL_MS = 1000;

/** Used when the kernel does not say (no `ip_unprivileged_port_start`): the classic privileged boundary. */
export const CLASSIC_PRIVILEGED_BELOW = 1024;

/** What the kernel says a free-port finder must avoid (core's PortFacts), and the fallbacks taken to know it. */
export interface KernelAvoidFacts extends PortFacts {
  /** Fallbacks taken (`RANGE_NOT_READ`, `RESERVED_NOT_READ`, `BACKEND_NOT_LOADED`). */
  warnings: Diagnostic[];
}

interface CacheEntry {
  at: number;
  facts: Promise<KernelAvoidFacts>;
  /** The facts once read, so that calls within the TTL use them without waiting for a promise. */
  value?: KernelAvoidFacts;
}

const cache = new Map<string, CacheEntry>();

/** Forgets cached kernel readings (tests, or after changing the range in-process). */
export function clearAvoidCache(): void {
  cache.clear();
}

/** Reads (or reuses, within {@link AVOID_TTL_MS}) what the kernel says to avoid for `protocols`. */
export function readKernelAvoid(protocols: readonly Protocol[], now = Date.now()): Promise<KernelAvoidFacts> {
  const known = kernelAvoidNow(protocols, now);
  return known instanceof Promise ? known : Promise.resolve(known);
}

/** {@link readKernelAvoid}, but synchronous while a reading within the TTL is at hand (a burst of calls). */
export function kernelAvoidNow(protocols: readonly Protocol[], now = Date.now()): KernelAvoidFacts | Promise<KernelAvoidFacts> {
  const key = protocols.length === 1 ? protocols[0]! : protocols.join('+');
  const hit = cache.get(key);
  // Explicit checks, not `??`: the CommonJS build rewrites `??` and `?.` into helper calls, and this runs per call.
  if (hit !== undefined && now - hit.at < AVOID_TTL_MS) return hit.value !== undefined ? hit.value : hit.facts;
  const facts = readFresh(protocols);
  const entry: CacheEntry = { at: now, facts };
  cache.set(key, entry);
  facts.then(
    (value) => {
      entry.value = value;
    },
    // A failed read must not be cached (it never rejects today, but keep the cache honest if it ever does).
    () => cache.delete(key),
  );
  return facts;
}

function message(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  const text = error instanceof Error ? error.message.split('\n')[0] : String(error);
  return typeof code === 'string' ? `${code}: ${text}` : String(text);
}

/**
 * Core's documented default range for `os`. Only a failed read needs it, so core's full entry (which holds the
 * defaults tables) loads then: get-port's one-file build leaves the tables out.
 */
async function fallbackRange(os: string, protocol: Protocol, release: string | undefined): Promise<PortRange> {
  const { defaultProtocolRange } = await import('@ephemeral-ports/core');
  try {
    return defaultProtocolRange(os as DefaultsSubject, protocol, release);
  } catch {
    // An OS core has no table for: IANA's dynamic range is the documented default of most systems.
    return defaultProtocolRange('iana', protocol);
  }
}

const warned = new Set<string>();

/**
 * Fallbacks are also reported once per process through `process.emitWarning`, so that plain `getFreePort()` callers
 * (who never see `warnings`) learn that a default, not the live value, was avoided.
 */
function announce(warnings: readonly Diagnostic[]): void {
  for (const w of warnings) {
    if (warned.has(w.code)) continue;
    warned.add(w.code);
    process.emitWarning(w.message, { code: `EPHEMERAL_PORTS_${w.code}` });
  }
}

async function readFresh(protocols: readonly Protocol[]): Promise<KernelAvoidFacts> {
  const facts = readPortFacts(protocols);
  if (facts !== undefined) return { ...facts, warnings: [] };
  return readThroughBackend(protocols);
}

async function readThroughBackend(protocols: readonly Protocol[]): Promise<KernelAvoidFacts> {
  const warnings: Diagnostic[] = [];
  let backend: EphemeralPortsBackend | undefined;
  try {
    backend = getBackend();
  } catch (error) {
    warnings.push({
      code: 'BACKEND_NOT_LOADED',
      severity: 'warning',
      message: `no backend for this platform (${message(error)}); avoiding the documented default range instead`,
    });
  }
  const info = backend?.info();
  const os = backend?.os ?? process.platform;

  const ephemeral: KernelAvoidFacts['ephemeral'] = [];
  for (const protocol of protocols) {
    try {
      if (!backend) throw new Error('no backend');
      // The synchronous read (procfs, sysctl) is the cheap one; AIX and Windows spawn a command instead.
      const reading = backend.getRangeSync ? backend.getRangeSync({ protocol }) : await backend.getRange({ protocol });
      ephemeral.push({ protocol, range: reading.range, source: reading.source });
    } catch (error) {
      const range = await fallbackRange(os, protocol, info?.release);
      ephemeral.push({ protocol, range, source: 'default' });
      if (backend) {
        warnings.push({
          code: 'RANGE_NOT_READ',
          severity: 'warning',
          message: `could not read the live ${protocol} ephemeral range (${message(error)}); avoiding the ${os} default ${range.low}-${range.high} instead`,
        });
      }
    }
  }

  let reserved = PortSet.EMPTY;
  let reservedKind: KernelAvoidFacts['reservedKind'] = 'none';
  if (backend && info?.supportsReserved) {
    for (const protocol of protocols) {
      try {
        const reading = await backend.getReserved({ protocol });
        reserved = reserved.union(reading.ports);
        reservedKind = reading.kind;
      } catch (error) {
        warnings.push({
          code: 'RESERVED_NOT_READ',
          severity: 'warning',
          message: `could not read the ${protocol} reserved/excluded ports (${message(error)}); they are not avoided`,
        });
      }
    }
  }

  let privilegedBelow = CLASSIC_PRIVILEGED_BELOW;
  if (backend?.os === 'linux') {
    try {
      privilegedBelow = (await backend.getConstraints()).unprivilegedPortStart ?? CLASSIC_PRIVILEGED_BELOW;
    } catch {
      // Kernels before 4.11 have no ip_unprivileged_port_start: 1024 is then the fixed boundary.
    }
  }
  announce(warnings);
  return { ephemeral, reserved, reservedKind, privilegedBelow, warnings };
}
