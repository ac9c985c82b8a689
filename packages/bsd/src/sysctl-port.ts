/**
 * The one thing the BSD backend needs from a system: read and write integer sysctls by name. Two
 * implementations: the addon (`native-port.ts`, sysctlbyname) and sysctl(8) (`command-port.ts`). Both throw
 * `EphemeralPortsError`s only.
 */
export interface SysctlPort {
  /** How values are obtained, reported as a reading's `source` (`native:sysctlbyname`, `spawn:sysctl`). */
  readonly source: string;
  /** Reads every name, in order; rejects on the first one that fails. */
  read(names: readonly string[]): Promise<number[]>;
  /** Synchronous read, where no process has to be spawned. */
  readSync?(names: readonly string[]): number[];
  /** Writes one integer. Success does not mean the value was stored unchanged: read it back. */
  write(name: string, value: number): Promise<void>;
}
