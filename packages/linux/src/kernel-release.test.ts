import { release } from 'node:os';
import { describe, expect, it } from 'vitest';
import { kernelRelease } from './kernel-release.js';

describe.runIf(process.platform === 'linux')('kernelRelease (Linux only: reads /proc/sys/kernel/osrelease)', () => {
  it('equals what uname(2) reports through os.release()', () => {
    expect(kernelRelease()).toBe(release());
    expect(kernelRelease()).toMatch(/^\d+\.\d+/);
  });
});
