/** The OS's documented default range for a release, from core's defaults table (null when it has none). */
import { type PortRange, type Protocol, type TargetOs, defaultProtocolRange } from '@ephemeral-ports/core/model';

export function osDefaultRange(os: TargetOs, protocol: Protocol, release?: string): PortRange | null {
  try {
    const range = defaultProtocolRange(os, protocol, release);
    return { low: range.low, high: range.high };
  } catch {
    return null;
  }
}
