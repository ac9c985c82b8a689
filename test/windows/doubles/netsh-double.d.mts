/** Types of netsh-double.mjs (an EMULATED netsh for tests). */
export type Protocol = 'tcp' | 'udp';
export type Family = 'ipv4' | 'ipv6';
export interface StartCount {
  start: number;
  count: number;
}
export type Row = [low: number, high: number, administered: boolean];
export interface DoubleState {
  language: 'en' | 'de' | 'ja' | 'zh';
  elevated: boolean;
  silent: boolean;
  /** true: ipv4 and ipv6 are one object (a set of either family sets both). */
  agreeFamilies: boolean;
  /** Every `set` of this family fails with "The parameter is incorrect.". */
  refuseSet: Family | null;
  active: Record<Family, Record<Protocol, StartCount>>;
  persistent: Record<Family, Record<Protocol, StartCount>>;
  /** Persistent reservations: listed by both families. */
  excluded: Record<Protocol, Row[]>;
  /** System blocks seen by one family only. */
  systemExcluded: Record<Family, Record<Protocol, Row[]>>;
  /** Switches of powershell-double.mjs for what Microsoft does not document. */
  powershell: { families: Family[]; stores: ('active' | 'persistent')[]; missing: boolean };
  calls: string[][];
  /** powershell.exe command lines run by powershell-double.mjs. */
  psCalls: string[][];
}
export function initialState(overrides?: Partial<DoubleState>): DoubleState;
export function sameEverywhere(tcp: StartCount, udp?: StartCount): Pick<DoubleState, 'active' | 'persistent'>;
export function readState(file: string): DoubleState;
export function writeState(file: string, state: DoubleState): void;
export function createReservation(
  state: DoubleState,
  protocol: Protocol,
  start: number,
  count: number,
): [error: string | null, token: bigint];
export function lookupReservation(state: DoubleState, protocol: Protocol, start: number, count: number): bigint | null;
export function deleteReservation(state: DoubleState, protocol: Protocol, start: number, count: number): string | null;
export function excludedRows(state: DoubleState, family: Family, protocol: Protocol): Row[];
export function netsh(state: DoubleState, argv: string[]): { out: string; code: number };
