import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { NETNS_REQUIREMENT, canUseNetns, createNetns } from './netns.js';

describe.runIf(canUseNetns)(`netns test helper ${NETNS_REQUIREMENT}`, () => {
  it('gives a private namespace whose range can be set without touching the host', async () => {
    const host = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8');
    const ns = await createNetns();
    try {
      expect(await ns.readRange()).toEqual({ low: 32768, high: 60999 });
      await ns.writeRange(40000, 40999);
      expect(await ns.readRange()).toEqual({ low: 40000, high: 40999 });
      expect(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8')).toBe(host);
    } finally {
      await ns.close();
    }
  });
});
