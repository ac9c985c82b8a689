/**
 * Waits for the machine to go quiet before a suite starts. A suite's leftovers outlive it: the big-host suite's
 * million sockets and its network namespace are torn down by the kernel's workers for seconds after the suite has
 * returned, and a suite timed during that teardown measures the teardown. Quiet = the share of non-idle CPU time in
 * /proc/stat over the last interval, all CPUs together, is low, and the kernel's count of allocated TCP sockets
 * (`alloc` in /proc/net/sockstat, all namespaces together) has stopped falling.
 */
import { readFileSync } from 'node:fs';

/** Below this busy share for QUIET_SAMPLES intervals in a row, the machine counts as quiet. */
const QUIET_BUSY = 0.15;
const QUIET_SAMPLES = 4;
const INTERVAL_MS = 250;

function cpuTimes(): { idle: number; total: number } | undefined {
  try {
    const fields = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]!.trim().split(/\s+/).slice(1).map(Number);
    // user nice system idle iowait irq softirq steal: idle and iowait are the idle time.
    const idle = fields[3]! + (fields[4] ?? 0);
    return { idle, total: fields.slice(0, 8).reduce((a, b) => a + b, 0) };
  } catch {
    return undefined;
  }
}

/** The kernel's allocated TCP sockets, all namespaces (/proc/net/sockstat `TCP: ... alloc N`), or NaN. */
function tcpSocketsAllocated(): number {
  try {
    return Number(/^TCP:.*\balloc (\d+)/m.exec(readFileSync('/proc/net/sockstat', 'utf8'))?.[1] ?? NaN);
  } catch {
    return NaN;
  }
}

/**
 * Resolves once the CPUs have been mostly idle for a moment and no TCP socket is being freed, or after `timeoutMs`:
 * how long it waited and the last busy share seen (undefined where /proc/stat cannot be read: no waiting there).
 */
export async function waitForQuietMachine(timeoutMs: number): Promise<{ waitedMs: number; busy?: number }> {
  const started = Date.now();
  let last = cpuTimes();
  if (!last) return { waitedMs: 0 };
  let quiet = 0;
  let busy = 1;
  let sockets = tcpSocketsAllocated();
  while (Date.now() - started < timeoutMs) {
    await new Promise((resolve) => setTimeout(resolve, INTERVAL_MS));
    const now = cpuTimes();
    if (!now) break;
    const total = now.total - last.total;
    busy = total > 0 ? 1 - (now.idle - last.idle) / total : 0;
    last = now;
    const socketsNow = tcpSocketsAllocated();
    const freeing = socketsNow < sockets;
    sockets = socketsNow;
    quiet = busy < QUIET_BUSY && !freeing ? quiet + 1 : 0;
    if (quiet >= QUIET_SAMPLES) break;
  }
  return { waitedMs: Date.now() - started, busy };
}
