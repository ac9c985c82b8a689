/**
 * A preferred port that the kernel's rules would have kept the search away from (inside the ephemeral range, or in
 * ip_local_reserved_ports) is still returned when free, as get-port users expect, and reported: through `onWarning`
 * (test/get-port/get-port.test.ts) or, with no code change, `NODE_DEBUG=ephemeral-ports` (here, in a fresh process).
 */
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Netns, NETNS_REQUIREMENT, canUseNetns, createNetns } from '../helpers/netns.js';
import { startChild, sysctl } from '../free-port/child.js';

const source = fileURLToPath(new URL('./fixtures/get-port-child.ts', import.meta.url));

async function debugRun(ns: Netns, options: object, env: NodeJS.ProcessEnv): Promise<{ port: number; stderr: string }> {
  const child = await startChild<{ port: number }>(ns, { mode: 'debug', options }, { source, env });
  try {
    const { port } = await child.answer;
    return { port, stderr: child.stderr() };
  } finally {
    await child.stop();
  }
}

describe.runIf(canUseNetns)(`preferred ports the kernel's rules cover ${NETNS_REQUIREMENT}`, () => {
  let ns: Netns;
  beforeAll(async () => {
    ns = await createNetns();
    await ns.writeRange(20_000, 29_999);
    await sysctl(ns, 'net.ipv4.ip_local_reserved_ports', '3000');
  });
  afterAll(async () => ns?.close());

  it('NODE_DEBUG=ephemeral-ports prints why a returned preferred port is risky', async () => {
    const env = { ...process.env, NODE_DEBUG: 'ephemeral-ports' };
    const ephemeral = await debugRun(ns, { port: 25_000 }, env);
    expect(ephemeral.port).toBe(25_000);
    expect(ephemeral.stderr).toMatch(/EPHEMERAL-PORTS \d+: PREFERRED_PORT_EPHEMERAL: .*25000 is inside the tcp ephemeral range 20000-29999/);
    const reserved = await debugRun(ns, { port: 3000 }, env);
    expect(reserved.port).toBe(3000);
    expect(reserved.stderr).toMatch(/PREFERRED_PORT_RESERVED: .*3000 is in ip_local_reserved_ports/);
  }, 30_000);

  it('silent without NODE_DEBUG, and the fallback stays out of both sets', async () => {
    const { NODE_DEBUG: _, ...env } = process.env;
    const quiet = await debugRun(ns, { port: 25_000 }, env);
    expect(quiet.port).toBe(25_000);
    expect(quiet.stderr).toBe('');
    const fallback = await debugRun(ns, {}, env);
    expect(fallback.port < 20_000 || fallback.port > 29_999).toBe(true);
    expect(fallback.port).not.toBe(3000);
  }, 30_000);
});
