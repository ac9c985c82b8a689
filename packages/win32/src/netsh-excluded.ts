/**
 * Parser of `netsh int ipv4|ipv6 show excludedportrange protocol=tcp|udp`. Headers and the footer are translated,
 * so only the SHAPE is read: after the dashed separator line, each row is `start end` plus an optional `*` that
 * marks an administered exclusion (a persistent reservation made by an administrator or an installer, as opposed
 * to ranges the system — Hyper-V, WinNAT, WSL, Docker — reserves at boot).
 *
 *   Protocol tcp Port Exclusion Ranges
 *
 *   Start Port    End Port
 *   ----------    --------
 *         5357        5357
 *        50000       50059     *
 *
 *   * - Administered port exclusions.
 */
import { EphemeralPortsError, ErrorCodes, MAX_PORT, type PortRange, PortSet } from '@ephemeral-ports/core';

export interface ExcludedPortRange extends PortRange {
  /** True for `*` rows: made by an administrator (persistent reservation), not by the system. */
  readonly administered: boolean;
  /** The address families whose list holds the row (set by the backend, which reads both). */
  readonly families?: readonly ('ipv4' | 'ipv6')[];
}

const SEPARATOR = /^-{3,}[ \t]+-{3,}$/;
const ROW = /^(\d{1,6})[ \t]+(\d{1,6})(?:[ \t]+(\*))?$/;
// The legend line starts with the marker itself: "* - Administered port exclusions." / "* - 管理的端口排除。"
const LEGEND = /^\*[ \t]*-/;

/** Parses the output; rows keep netsh's order. Throws `ERR_EPHEMERAL_PARSE` on anything that is not such a table. */
export function parseExcludedPortRanges(text: string): ExcludedPortRange[] {
  if (typeof text !== 'string') throw parseError('output is not a string', '');
  const lines = text.split(/\r\n|\r|\n/).map((l) => l.trim());
  const sep = lines.findIndex((l) => SEPARATOR.test(l));
  if (sep < 0) {
    throw parseError(text.trim() === '' ? 'netsh printed nothing' : 'no "----  ----" header separator', text);
  }
  const rows: ExcludedPortRange[] = [];
  for (let i = sep + 1; i < lines.length; i++) {
    const line = lines[i]!;
    if (line === '') continue;
    if (LEGEND.test(line)) break;
    const m = ROW.exec(line);
    if (!m) throw parseError(`line ${i + 1} is not "start end [*]": ${JSON.stringify(line)}`, text);
    const low = Number(m[1]);
    const high = Number(m[2]);
    if (low < 1 || high > MAX_PORT || low > high) {
      throw parseError(`line ${i + 1} holds an impossible range ${low}-${high}`, text);
    }
    rows.push(Object.freeze({ low, high, administered: m[3] === '*' }));
  }
  return rows;
}

/** The ports of all rows as a normalized set (adjacent system blocks merge). */
export function excludedPortSet(rows: readonly ExcludedPortRange[]): PortSet {
  return PortSet.fromRanges(rows);
}

function parseError(why: string, text: string): EphemeralPortsError {
  const shown = text.length > 200 ? `${text.slice(0, 200)}…` : text;
  return new EphemeralPortsError(
    ErrorCodes.PARSE,
    `cannot parse netsh show excludedportrange output: ${why}${shown.trim() ? `: ${JSON.stringify(shown)}` : ''}`,
  );
}
