/**
 * A census started before the rest of the program has loaded. `ephemeral-ports usage` spends most of its time
 * waiting for the kernel's socket dump; the facade's CLI starts it here, from a module that loads only the addon,
 * and the backend's census takes the running dump instead of starting its own, so the kernel works while Node
 * compiles core, the facade and the backend.
 *
 * Taken at most once, only by a request equal to the one started (same sockets, same namespace, counts without
 * owners), and only within {@link EARLY_CENSUS_MAX_AGE_MS} of its start (monotonic time): a census is never older
 * than the command that asked for it.
 */
import { loadNativeBinding } from '../native.js';
import { type CensusNative, type NativeAggregate, type NativeCensusRequest, hasCensus } from './native-census.js';

/** What `usage` asks for: every TCP and UDP socket of both families in the caller's namespace, with the counts. */
export const EARLY_CENSUS_REQUEST: Readonly<NativeCensusRequest & { aggregate: true }> = Object.freeze({
  tcp: true,
  udp: true,
  v4: true,
  v6: true,
  aggregate: true,
});

/** An early census not taken by then is dropped (the program did something else first). */
export const EARLY_CENSUS_MAX_AGE_MS = 1000;

let early: { binding: CensusNative; result: Promise<NativeAggregate | ArrayBuffer>; startedAt: number } | undefined;

/** Equal field by field, over the fields of both (a field the request type gains later counts too). */
function sameRequest(a: NativeCensusRequest, b: NativeCensusRequest): boolean {
  const fields = new Set([...Object.keys(a), ...Object.keys(b)]) as Set<keyof NativeCensusRequest>;
  for (const field of fields) if (a[field] !== b[field]) return false;
  return true;
}

/**
 * Starts the census of {@link EARLY_CENSUS_REQUEST} on the addon's worker thread. False (and nothing started) when
 * no addon with a census loads (the JS fallback, `EPHEMERAL_PORTS_FORCE_JS=1`): the backend then does its own.
 * Never throws: a failure of the dump itself reaches whoever takes it.
 */
export function startEarlyCensus(binding: unknown = loadNativeBinding().binding, now = performance.now()): boolean {
  if (!hasCensus(binding)) return false;
  let result: Promise<NativeAggregate | ArrayBuffer>;
  try {
    result = binding.census({ ...EARLY_CENSUS_REQUEST });
  } catch {
    return false; // an addon that refuses the request: the backend's own census will say why
  }
  result.catch(() => undefined); // rejected only to its taker; dropped unhandled otherwise
  early = { binding, result, startedAt: now };
  debug('census: started early, before the program loaded');
  return true;
}

/** `NODE_DEBUG=ephemeral-ports` shows when the early census starts and is taken (node:util only loads then). */
function debug(message: string): void {
  if (process.env.NODE_DEBUG) process.getBuiltinModule?.('node:util')?.debuglog('ephemeral-ports')(message);
}

/**
 * The running early census if `binding` started it, it is what `request` asks for and it is young enough, else
 * undefined. Takes it: once.
 */
export function takeEarlyCensus(
  binding: CensusNative,
  request: NativeCensusRequest,
  now = performance.now(),
): Promise<NativeAggregate | ArrayBuffer> | undefined {
  const taken = early;
  early = undefined;
  if (taken === undefined || taken.binding !== binding || now - taken.startedAt > EARLY_CENSUS_MAX_AGE_MS) return undefined;
  if (!sameRequest(EARLY_CENSUS_REQUEST, request)) return undefined;
  debug('census: taking the early census');
  return taken.result;
}
