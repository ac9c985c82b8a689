import { release } from 'node:os';
import { describe, expect, it, vi } from 'vitest';
import { loadNativeBinding } from './native.js';

describe.runIf(process.platform === 'linux')('kernelRelease (Linux only)', () => {
  it('from the addon (uname(2)) equals what os.release() reports', async () => {
    const { binding } = loadNativeBinding();
    if (!binding) throw new Error('the addon is not built (npm run build)');
    const { kernelRelease } = await import('./kernel-release.js');
    expect(binding.kernelRelease()).toBe(release());
    expect(kernelRelease(binding)).toBe(release());
  });

  it('without the addon, /proc/sys/kernel/osrelease gives the same', async () => {
    vi.resetModules(); // the release is cached per module instance
    const { kernelRelease } = await import('./kernel-release.js');
    expect(kernelRelease()).toBe(release());
    expect(kernelRelease()).toMatch(/^\d+\.\d+/);
  });
});
