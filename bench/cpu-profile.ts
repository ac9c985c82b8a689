/**
 * Where a Node process's time goes, from a V8 CPU profile (`node --cpu-prof`): sampled time split into module
 * loading (anything under Node's module loader, compilation included), our JavaScript (packages/ or dist/),
 * garbage collection, other Node internals, native code outside JS ((program): V8, libuv, the addon on the main
 * thread) and idle (waiting, e.g. for the census on the thread pool). For the suites' profile rows.
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export type ProfileBucket = 'module loading' | 'our JS' | 'GC' | 'Node internals' | 'native' | 'idle' | 'other JS';

function bucketOf(frame: ProfileNode['callFrame']): ProfileBucket | null {
  if (frame.functionName === '(garbage collector)') return 'GC';
  if (frame.functionName === '(idle)') return 'idle';
  if (frame.functionName === '(program)') return 'native';
  if (frame.url.startsWith('node:internal/modules/')) return 'module loading';
  if (frame.url.includes('/packages/') || frame.url.includes('/dist/')) return 'our JS';
  if (frame.url.startsWith('node:')) return 'Node internals';
  return null;
}

/** Milliseconds per bucket. A sample counts for module loading when any frame on its stack is the loader's. */
export function profileBuckets(profile: CpuProfile): Record<ProfileBucket, number> {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const cache = new Map<number, ProfileBucket>();
  const classify = (id: number): ProfileBucket => {
    const known = cache.get(id);
    if (known) return known;
    const own = bucketOf(byId.get(id)!.callFrame);
    const up = parent.get(id);
    const inherited = up === undefined ? null : classify(up);
    const bucket = inherited === 'module loading' ? inherited : (own ?? inherited ?? 'other JS');
    cache.set(id, bucket);
    return bucket;
  };
  const out: Record<ProfileBucket, number> = { 'module loading': 0, 'our JS': 0, GC: 0, 'Node internals': 0, native: 0, idle: 0, 'other JS': 0 };
  profile.samples.forEach((id, i) => (out[classify(id)] += (profile.timeDeltas[i] ?? 0) / 1000));
  return out;
}

/** One line, largest bucket first: `module loading <ms>, our JS <ms>, ...`. */
export function profileLine(file: string): string {
  const buckets = profileBuckets(JSON.parse(readFileSync(file, 'utf8')) as CpuProfile);
  return Object.entries(buckets)
    .filter(([, ms]) => ms >= 0.5)
    .sort((a, b) => b[1] - a[1])
    .map(([name, ms]) => `${name} ${ms.toFixed(0)} ms`)
    .join(', ');
}
