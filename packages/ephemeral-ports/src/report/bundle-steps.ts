/** The steps of a support bundle, named for messages: `range.tcp`, `doctor`, ... */
import type { BundleOutcome, SupportBundle } from './bundle.js';

const failed = (o: BundleOutcome | undefined): boolean => o !== undefined && 'error' in o;

/** The steps that recorded an error instead of a value, e.g. `["reserved.tcp", "doctor"]`. */
export function failedSteps(bundle: SupportBundle): string[] {
  const out: string[] = [];
  if (failed(bundle.backend)) out.push('backend');
  for (const [name, value] of Object.entries(bundle.parsed)) {
    if ('value' in value || 'error' in value) {
      if (failed(value as BundleOutcome)) out.push(name);
      continue;
    }
    for (const [protocol, o] of Object.entries(value as Record<string, BundleOutcome>)) {
      if (failed(o)) out.push(`${name}.${protocol}`);
    }
  }
  return out;
}
