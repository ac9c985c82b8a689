import * as vitest from 'vitest';
import { describeBackendContract } from './contract-suite.js';
import { createMemoryBackend } from './memory-backend.js';
import { TARGET_OSES } from './platform.js';

for (const os of TARGET_OSES) {
  describeBackendContract(`memory (${os} rules)`, async () => {
    const backend = createMemoryBackend({ os, range: { low: 49152, high: 65535 } });
    return { backend, oracle: async (protocol) => (await backend.getRange({ protocol })).range };
  }, vitest);
}
