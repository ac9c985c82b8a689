/** Safety findings about an emitted range, shown as warnings (the target machine's listeners are unknown here). */
import { DEFAULT_NODE_PORT_RANGE, type Diagnostic, type PortRange, type PortSet, checkRangeSafety } from '@ephemeral-ports/core';

export function safetyWarnings(range: PortRange, reserved?: PortSet): Diagnostic[] {
  return checkRangeSafety(range, {
    nodePortRange: DEFAULT_NODE_PORT_RANGE,
    ...(reserved ? { reservedPorts: reserved } : {}),
  })
    .filter((d) => d.severity !== 'info')
    .map((d) => ({ ...d, severity: 'warning' as const }));
}
