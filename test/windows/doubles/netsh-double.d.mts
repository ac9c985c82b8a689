/** Types of netsh-double.mjs (an EMULATED netsh for tests). */
export type Protocol = 'tcp' | 'udp';
export interface StartCount {
  start: number;
  count: number;
}
export interface DoubleState {
  language: 'en' | 'de' | 'ja' | 'zh';
  elevated: boolean;
  silent: boolean;
  active: Record<Protocol, StartCount>;
  persistent: Record<Protocol, StartCount>;
  excluded: Record<Protocol, [low: number, high: number, administered: boolean][]>;
  calls: string[][];
}
export function initialState(overrides?: Partial<DoubleState>): DoubleState;
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
export function netsh(state: DoubleState, argv: string[]): { out: string; code: number };
