/** The OS's documented default range, from core's defaults table. */
import type { PortRange, TargetOs } from '@ephemeral-ports/core';

export function osDefaultRange(os: TargetOs, release?: string): PortRange | null {
  void os;
  void release;
  return null;
}
