/**
 * What every rule, default and backend in core is keyed by: the OS (its `process.platform` name) and the transport.
 * Adding an OS starts here.
 */

/** The platforms that have a backend; the values are `process.platform` names. */
export type TargetOs = 'linux' | 'freebsd' | 'darwin' | 'aix' | 'win32';
export const TARGET_OSES: readonly TargetOs[] = Object.freeze(['linux', 'freebsd', 'darwin', 'aix', 'win32']);

export type Protocol = 'tcp' | 'udp';
export const PROTOCOLS: readonly Protocol[] = Object.freeze(['tcp', 'udp']);
