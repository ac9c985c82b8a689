/**
 * Concrete remedy text: the exact commands to widen the range, reserve ports or enable tcp_tw_reuse, per OS.
 * Pure string building; nothing is executed.
 */
import type { TargetOs } from '../platform.js';
import { formatRange, PortSet, rangeSize, type PortRange } from '../range.js';

/**
 * A wider range for a host that is running out: up to twice the current size, ending at 65535, never starting
 * below `floor` (the unprivileged port start) and never swallowing a listener that sits below the current range.
 * The count is kept even (ends of different parity), as the Linux docs advise.
 */
export function proposeWiderRange(range: PortRange, listenerPorts: readonly number[] = [], floor = 1024): PortRange {
  const high = 65_535;
  let low = Math.max(floor, Math.min(range.low, high - 2 * rangeSize(range) + 1));
  for (const port of listenerPorts) if (port >= low && port < range.low) low = port + 1;
  if (low % 2 === 1 && low < range.low) low++;
  if (low > range.low) low = range.low;
  return { low, high: Math.max(high, range.high) };
}

/**
 * The file `set --persist` writes on Linux (@ephemeral-ports/linux persist.ts; a test keeps the two equal). A remedy
 * that persisted elsewhere would fight the tool: a `60-` file, say, is read before this `90-` one and loses to it.
 */
export const LINUX_PERSIST_FILE = '/etc/sysctl.d/90-ephemeral-ports.conf';

/**
 * `persistFile`: where the persisting command writes on Linux. Default {@link LINUX_PERSIST_FILE}; the facade's
 * doctor passes the file that wins at boot when a later file overrides ours (`persist status`).
 */
export function widenCommands(os: TargetOs, to: PortRange, persistFile: string = LINUX_PERSIST_FILE): string[] {
  switch (os) {
    case 'linux':
      return [
        `sysctl -w net.ipv4.ip_local_port_range="${to.low} ${to.high}"`,
        `ephemeral-ports set ${to.low}-${to.high} --persist${persistFile === LINUX_PERSIST_FILE ? '' : ` --file ${persistFile}`}  # persist: writes ${persistFile}, checks it wins at boot`,
      ];
    case 'win32':
      return [`netsh int ipv4 set dynamicport tcp start=${to.low} num=${rangeSize(to)}`];
    case 'freebsd':
    case 'darwin':
      return [`sysctl net.inet.ip.portrange.first=${to.low} net.inet.ip.portrange.last=${to.high}`];
    case 'aix':
      return [`no -p -o tcp_ephemeral_low=${to.low} -o tcp_ephemeral_high=${to.high}`];
  }
}

export function reserveCommands(os: TargetOs, reserved: PortSet, ports: readonly number[]): string[] {
  const next = reserved.union(PortSet.fromPorts(ports));
  const list = next.ranges.map(formatRange).join(',');
  switch (os) {
    case 'linux':
      return [`sysctl -w net.ipv4.ip_local_reserved_ports="${list}"  # a write replaces the whole list; this keeps the current entries`];
    case 'win32':
      return ports.map((p) => `netsh int ipv4 add excludedportrange protocol=tcp startport=${p} numberofports=1`);
    default:
      return [];
  }
}

export const KEEP_ALIVE_REMEDY =
  'Reuse connections instead of opening one per request: HTTP keep-alive (Node: `new http.Agent({ keepAlive: true })` or one shared undici Pool/Agent; proxies: an upstream keep-alive pool).';

export const BIND_NO_PORT_REMEDY =
  'If the client binds a source address before connect(), set IP_BIND_ADDRESS_NO_PORT on the socket (Linux ≥ 4.2) so the port is chosen at connect() time and only has to be unique per 4-tuple.';
