/**
 * A real bind probe: the only reliable answer to "can I bind this port" (it sees sockets of every process,
 * address-specific binds, and permissions). The socket is closed straight away.
 */
import type { Protocol } from '@ephemeral-ports/core';

// node:net and node:dgram load on first probe, not when the facade is required (cold start).

export interface ProbeResult {
  address: string;
  /** True when bind succeeded. */
  ok: boolean;
  /** Error code when it failed: EADDRINUSE, EACCES, EADDRNOTAVAIL (address not on this host), EAFNOSUPPORT. */
  code?: string;
  message?: string;
}

export async function probeBind(protocol: Protocol, port: number, address: string): Promise<ProbeResult> {
  return protocol === 'tcp' ? probeTcp(port, address) : probeUdp(port, address);
}

async function probeTcp(port: number, address: string): Promise<ProbeResult> {
  const { createServer } = await import('node:net');
  return new Promise((resolve) => {
    const server = createServer();
    server.unref();
    server.once('error', (error: NodeJS.ErrnoException) => {
      resolve({ address, ok: false, code: error.code ?? 'UNKNOWN', message: error.message });
    });
    // ipv6Only so that "::" tests IPv6 alone; 0.0.0.0 is probed separately.
    server.listen({ port, host: address, exclusive: true, ipv6Only: address.includes(':') }, () => {
      server.close(() => resolve({ address, ok: true }));
    });
  });
}

async function probeUdp(port: number, address: string): Promise<ProbeResult> {
  const { createSocket } = await import('node:dgram');
  return new Promise((resolve) => {
    const v6 = address.includes(':');
    let socket: ReturnType<typeof createSocket>;
    try {
      socket = createSocket({ type: v6 ? 'udp6' : 'udp4', ipv6Only: v6 });
    } catch (error) {
      resolve({ address, ok: false, code: (error as NodeJS.ErrnoException).code ?? 'UNKNOWN', message: String(error) });
      return;
    }
    socket.unref();
    socket.once('error', (error: NodeJS.ErrnoException) => {
      socket.close();
      resolve({ address, ok: false, code: error.code ?? 'UNKNOWN', message: error.message });
    });
    socket.bind({ port, address, exclusive: true }, () => {
      socket.close(() => resolve({ address, ok: true }));
    });
  });
}
