/**
 * The three per-namespace knobs under /proc/sys/net/ipv4/ and their text formats
 * (platform-facts §3.1, §3.5): the range reads as "32768\t60999\n"; reserved ports read and write as
 * "1,2-4,10" (ranges need `-`; a write replaces the whole list); the unprivileged start is one number.
 */
import { EphemeralPortsError, ErrorCodes, type PortRange, PortSet, portRange } from '@ephemeral-ports/core';

export type KnobName = 'ip_local_port_range' | 'ip_local_reserved_ports' | 'ip_unprivileged_port_start';

export const PROCFS_DIR = '/proc/sys/net/ipv4';
export const knobPath = (knob: KnobName): string => `${PROCFS_DIR}/${knob}`;

/** The kernel parses at most one page per write() of a large bitmap; longer lists would be applied in part. */
export const MAX_RESERVED_TEXT_BYTES = 4095;

function parseError(knob: KnobName, text: string): EphemeralPortsError {
  return new EphemeralPortsError(ErrorCodes.PARSE, `cannot parse ${knobPath(knob)}: ${JSON.stringify(text)}`, {
    path: knobPath(knob),
  });
}

export function parseRangeText(text: string): PortRange {
  const match = /^\s*(\d{1,5})\s+(\d{1,5})\s*$/.exec(text);
  if (!match) throw parseError('ip_local_port_range', text);
  return portRange(Number(match[1]), Number(match[2]));
}

export function formatRangeText(range: PortRange): string {
  return `${range.low} ${range.high}\n`;
}

export function parseReservedText(text: string): PortSet {
  const trimmed = text.trim();
  if (trimmed === '') return PortSet.EMPTY;
  const ranges: PortRange[] = [];
  for (const item of trimmed.split(',')) {
    const match = /^(\d{1,5})(?:-(\d{1,5}))?$/.exec(item.trim());
    if (!match) throw parseError('ip_local_reserved_ports', text);
    const low = Number(match[1]);
    ranges.push(portRange(low, match[2] === undefined ? low : Number(match[2])));
  }
  return PortSet.fromRanges(ranges);
}

/** "80,443,8000-8100\n"; an empty set writes "\n", which clears the list. */
export function formatReservedText(ports: PortSet): string {
  return `${ports.toString()}\n`;
}

export function parseUnprivilegedStartText(text: string): number {
  const match = /^\s*(\d{1,5})\s*$/.exec(text);
  if (!match || Number(match[1]) > 65535) throw parseError('ip_unprivileged_port_start', text);
  return Number(match[1]);
}
