/**
 * The census as the Linux backend exposes it: the addon's sock_diag when the loaded addon has it, else the
 * /proc/net reader with the reason; a backend-wide default namespace applies unless a call names another.
 */
import type { CensusOptions, SocketCensus } from '@ephemeral-ports/core';
import type { NativeLoadResult } from '../native.js';
import { createLinuxCensus, type CensusFunction } from './census.js';
import { hasCensus } from './native-census.js';

/** `loaded` is the backend's addon (loadNativeBinding()), passed in so that this chunk never loads native.ts twice. */
export function createBackendCensus(
  implementation: 'auto' | 'native' | 'js',
  defaultNetns: string | undefined,
  loaded: NativeLoadResult,
): CensusFunction {
  let census: CensusFunction;
  if (implementation === 'js') {
    census = createLinuxCensus(null, 'implementation "js" was requested');
  } else {
    if (loaded.binding && hasCensus(loaded.binding)) census = createLinuxCensus(loaded.binding);
    else census = createLinuxCensus(null, loaded.fallbackReason ?? 'the loaded addon has no census export');
  }
  return (options?: CensusOptions): Promise<SocketCensus> =>
    census(defaultNetns === undefined || options?.netns !== undefined ? options : { ...options, netns: defaultNetns });
}
