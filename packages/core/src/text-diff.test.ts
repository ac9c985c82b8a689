import { describe, expect, it } from 'vitest';
import { unifiedDiff } from './text-diff.js';

describe('unifiedDiff', () => {
  it('is empty for equal texts', () => {
    expect(unifiedDiff('a\nb\n', 'a\nb\n', 'f')).toBe('');
  });
  it('shows a changed line with context', () => {
    const d = unifiedDiff('# x\nnet.ipv4.ip_local_port_range = 32768 60999\n', '# x\nnet.ipv4.ip_local_port_range = 49152 65535\n', '/etc/sysctl.d/60-ephemeral-ports.conf');
    expect(d).toBe(
      '--- /etc/sysctl.d/60-ephemeral-ports.conf\n+++ /etc/sysctl.d/60-ephemeral-ports.conf\n@@ -1,2 +1,2 @@\n # x\n' +
        '-net.ipv4.ip_local_port_range = 32768 60999\n+net.ipv4.ip_local_port_range = 49152 65535\n',
    );
  });
  it('diffs a new file against nothing', () => {
    expect(unifiedDiff('', 'a\n', 'f')).toBe('--- f\n+++ f\n@@ -0,0 +1,1 @@\n+a\n');
  });
  it('keeps distant changes in separate hunks', () => {
    const a = Array.from({ length: 20 }, (_, i) => `l${i}`).join('\n') + '\n';
    const b = a.replace('l1\n', 'X\n').replace('l18\n', 'Y\n');
    expect(unifiedDiff(a, b, 'f').match(/^@@/gm)).toHaveLength(2);
  });
});
