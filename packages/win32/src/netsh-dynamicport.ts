/**
 * Parser of `netsh int ipv4|ipv6 show dynamicport tcp|udp`. The labels are translated into the display language
 * (English "Start Port", German "Startport", Japanese "開始ポート", Chinese "启动端口"...), so the two numbers are
 * taken BY POSITION: the first `label : number` line is the start port, the second the number of ports.
 *
 *   Protocol tcp Dynamic Port Range
 *   ---------------------------------
 *   Start Port      : 49152
 *   Number of Ports : 16384
 */
import { EphemeralPortsError, ErrorCodes, type PortRange, type WindowsDynamicPortRange } from '@ephemeral-ports/core';
import { fromWindowsStartCount } from './start-count.js';

export interface DynamicPortReading extends WindowsDynamicPortRange {
  /** The same range in core's inclusive form. */
  readonly range: PortRange;
}

// "label : digits" with an ASCII or full-width colon; the label may be anything except a colon.
const VALUE_LINE = /^[^:：]*[:：][ \t\u3000]*(\d{1,6})[ \t\u3000]*$/u;

/** Parses the output; throws `ERR_EPHEMERAL_PARSE` (with the text in the message, shortened) on anything else. */
export function parseDynamicPortOutput(text: string): DynamicPortReading {
  if (typeof text !== 'string') throw parseError('output is not a string', '');
  const values: number[] = [];
  for (const raw of text.split(/\r\n|\r|\n/)) {
    const line = raw.trim();
    if (line === '') continue;
    const m = VALUE_LINE.exec(line);
    if (m) values.push(Number(m[1]));
  }
  if (values.length !== 2) {
    throw parseError(
      text.trim() === ''
        ? 'netsh printed nothing'
        : `expected 2 "label : number" lines (start port, number of ports), found ${values.length}`,
      text,
    );
  }
  const [start, count] = values as [number, number];
  try {
    return Object.freeze({ start, count, range: fromWindowsStartCount({ start, count }) });
  } catch (cause) {
    throw parseError(`start ${start} with ${count} ports is not a valid range`, text, cause);
  }
}

function parseError(why: string, text: string, cause?: unknown): EphemeralPortsError {
  const shown = text.length > 200 ? `${text.slice(0, 200)}…` : text;
  return new EphemeralPortsError(
    ErrorCodes.PARSE,
    `cannot parse netsh show dynamicport output: ${why}${shown.trim() ? `: ${JSON.stringify(shown)}` : ''}`,
    cause === undefined ? {} : { cause },
  );
}
