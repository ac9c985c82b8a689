/**
 * `persistStatus()`: what the boot configuration holds and which file and line win at the next boot, from the
 * backend's computation of its OS's boot order (`PersistedReading.effective`). The findings built here are shared
 * by `set --persist` (warnings), `persist status` and `doctor`, so all three say the same thing.
 */
import {
  type BootPersistence,
  type Diagnostic,
  type PersistedLine,
  type PortRange,
  type Protocol,
  type TargetOs,
  checkNetnsPath,
  invalidArgType,
  invalidArgValue,
  rangeEquals,
} from '@ephemeral-ports/core';
import { getBackend } from './backend.js';
import { checkOptions, checkProtocol, scopeOf } from './options.js';

export interface PersistStatusOptions {
  protocol?: Protocol;
  /** The file to judge instead of the backend's default target. */
  file?: string;
  netns?: string;
}

export interface PersistStatus {
  platform: TargetOs;
  protocol: Protocol;
  /** The file (or mechanism) the tool writes. */
  target: string;
  /** The range the target itself configures, or null. */
  configured: PortRange | null;
  /** What the next boot applies, when the backend computes the boot order; null: nothing sets it (kernel default). */
  nextBoot?: PortRange | null;
  /** True when the target's range is what the next boot applies; absent when the backend cannot tell. */
  wins?: boolean;
  effective?: BootPersistence;
  /** PERSIST_OVERRIDDEN, PERSIST_NOT_READ_AT_BOOT, with the fix in the message. */
  findings: Diagnostic[];
}

export const PersistCodes = Object.freeze({
  OVERRIDDEN: 'PERSIST_OVERRIDDEN',
  NOT_READ_AT_BOOT: 'PERSIST_NOT_READ_AT_BOOT',
});

export const describeLine = (l: PersistedLine): string =>
  `${l.file} line ${l.line}${l.via ? ` (read as ${l.via})` : ''} (${l.value === null ? `unsets ${l.key}` : `${l.key} = ${l.value}`})`;

const rangeText = (r: PortRange | null | undefined) => (r ? `${r.low}-${r.high}` : 'the kernel default');

/** Whether `configured` (in `target`) is what the next boot applies, and what to do when it is not. */
export function persistFindings(target: string, configured: PortRange | null, effective: BootPersistence | undefined): Diagnostic[] {
  if (!effective || configured === null) return [];
  const fix = effective.fixes.length > 0 ? ` Fix: ${effective.fixes[0]}` : '';
  if (!effective.targetRead) {
    return [{ code: PersistCodes.NOT_READ_AT_BOOT, severity: 'warning', message: `${effective.notes[0] ?? `the boot does not read ${target}`}; the next boot applies ${rangeText(effective.range)}, not ${rangeText(configured)}.${fix}` }];
  }
  if (effective.overrides.length === 0 || (effective.range && rangeEquals(effective.range, configured))) return [];
  const last = effective.overrides[effective.overrides.length - 1]!;
  return [
    {
      code: PersistCodes.OVERRIDDEN,
      severity: 'warning',
      message:
        `our file is ${target}, but ${describeLine(last)} sets it later: the next boot applies ` +
        `${rangeText(effective.range)}, not ${rangeText(configured)}.${fix}`,
    },
  ];
}

export function statusOf(platform: TargetOs, protocol: Protocol, reading: { range: PortRange | null; target: string; effective?: BootPersistence }): PersistStatus {
  const { effective } = reading;
  return {
    platform,
    protocol,
    target: reading.target,
    configured: reading.range,
    ...(effective
      ? {
          nextBoot: effective.range,
          wins: reading.range !== null && effective.targetRead && effective.range !== null && rangeEquals(effective.range, reading.range),
          effective,
        }
      : {}),
    findings: persistFindings(reading.target, reading.range, effective),
  };
}

/**
 * The boot configuration the tool writes, and which file and line the next boot applies.
 *
 * What `ephemeral-ports persist status` prints.
 *
 * @example
 * ```ts
 * const s = await persistStatus();
 * if (s.wins === false) console.log(s.findings[0].message);
 * ```
 */
export async function persistStatus(given?: PersistStatusOptions): Promise<PersistStatus> {
  const options = checkOptions(given);
  const protocol = checkProtocol(options.protocol);
  const netns = checkNetnsPath(options.netns);
  if (options.file !== undefined) {
    if (typeof options.file !== 'string') throw invalidArgType('options.file', 'of type string', options.file);
    if (options.file === '') throw invalidArgValue('options.file', options.file, 'must be a non-empty path');
  }
  const backend = getBackend();
  const reading = await backend.getPersisted({ ...scopeOf(protocol, netns), ...(options.file ? { file: options.file } : {}) });
  return statusOf(backend.os, protocol, reading);
}

/** The file a persisting remedy must write to win at boot: ours, unless a later file overrides it (then the fix's). */
export function winningPersistFile(status: PersistStatus): string {
  const fix = status.effective?.fixes[0];
  const file = fix === undefined ? undefined : / --file (\S+)/.exec(fix)?.[1];
  return file ?? status.target;
}

/**
 * `doctor`'s view of persistence: a `PERSIST_OVERRIDDEN` / `PERSIST_NOT_READ_AT_BOOT` finding with the fixes as
 * remedies, in the shape of core's doctor findings.
 */
export function persistDoctorFindings(status: PersistStatus): Array<{ rule: string; severity: 'warn'; reason: string; remedies: string[]; subject?: Record<string, unknown> }> {
  return status.findings.map((f) => ({
    rule: f.code,
    severity: 'warn' as const,
    reason: f.message.replace(/ Fix: .*$/, ''),
    remedies: status.effective?.fixes ?? [],
    subject: { target: status.target, overrides: status.effective?.overrides ?? [] },
  }));
}
