/** Types of powershell-double.mjs (an EMULATED Windows PowerShell over the netsh double's state). */
import type { DoubleState } from './netsh-double.mjs';

export const EXPECTED_ARGS: readonly string[];
export function powershell(state: DoubleState, argv: string[]): { out: string; err: string; code: number };
