/**
 * get-port 7.2's options, read the way get-port reads them (falsy `port`/`exclude`/`host` mean "not given", a list
 * of preferred ports is pulled lazily and ends at a `0`, every other `net.ListenOptions` goes to the test bind),
 * turned into the free-port machinery's normalized options. Only the differences that make ports safe are kept:
 * the fallback avoids the ephemeral range and reserved ports, and every port is locked across processes.
 */
import type { ListenOptions } from 'node:net';
import { debug } from './debug.js';
import { invalidArgType, outOfRange } from './from-core.js';
import type { LockNotice } from './lock-notices.js';
import { type NormalizedOptions, type PreferredNotice, checkPortNumber, normalizeOptions } from './options.js';
import { type TestBindOptions, defaultProbePlan } from './probe.js';

/** get-port's `Options` (its index.d.ts, word for word), plus `onWarning`. */
export type GetPortOptions = {
  /** A preferred port or an iterable of preferred ports to use. */
  readonly port?: number | Iterable<number>;
  /**
   * Ports that should not be returned.
   *
   * You could, for example, pass it the return value of the `portNumbers()` function.
   */
  readonly exclude?: Iterable<number>;
  /**
   * Reserve the port so that it's locked for the lifetime of the process instead of the default 15 seconds. Here
   * the lock also holds against other processes using ephemeral-ports. Use `clearLockedPorts()` to release it.
   *
   * @default false
   */
  readonly reserve?: boolean;
  /**
   * The host on which port resolution should be performed. Can be either an IPv4 or IPv6 address (a name is looked
   * up once). By default every local address is checked. A host that is not an address of this machine rejects at
   * once with `EADDRNOTAVAIL`.
   */
  readonly host?: string;
  /**
   * Called when a preferred port was returned although the kernel's rules would have kept the search away from it:
   * it is free, but inside the ephemeral range (any outgoing connection may take it before your server binds it) or
   * in the reserved ports. Without this option the same text goes to `NODE_DEBUG=ephemeral-ports`.
   */
  readonly onWarning?: (warning: GetPortWarning) => void;
} & Omit<ListenOptions, 'port'>;

/**
 * What `onWarning` receives (see {@link GetPortOptions}): a preferred port returned despite a kernel rule
 * (`PREFERRED_PORT_*`), or a problem of the cross-process locks met while locking `port` (`LOCK_NAMES_SQUATTED`:
 * other users' sockets hold the shared lock names; `LOCK_SECRET_UNTRUSTED`: the per-user lock secret cannot be used).
 */
export interface GetPortWarning {
  code: 'PREFERRED_PORT_EPHEMERAL' | 'PREFERRED_PORT_RESERVED' | 'LOCK_NAMES_SQUATTED' | 'LOCK_SECRET_UNTRUSTED';
  port: number;
  /** One human sentence. */
  message: string;
}


function warningOf(notice: PreferredNotice): GetPortWarning | undefined {
  if (notice.reason === 'privileged') return undefined; // The bind succeeded: this process may use it.
  const code = notice.reason === 'ephemeral' ? 'PREFERRED_PORT_EPHEMERAL' : 'PREFERRED_PORT_RESERVED';
  const risk =
    notice.reason === 'ephemeral'
      ? 'the kernel may give it to any outgoing connection before your server binds it'
      : 'the administrator set it aside for a service';
  return { code, port: notice.port, message: `preferred port returned although ${notice.message}: ${risk}` };
}

function checkOnWarning(onWarning: unknown): ((warning: GetPortWarning) => void) | undefined {
  if (onWarning !== undefined && typeof onWarning !== 'function') throw invalidArgType('options.onWarning', 'a function', onWarning);
  return onWarning as ((warning: GetPortWarning) => void) | undefined;
}

function reporter(onWarning: ((warning: GetPortWarning) => void) | undefined): (notice: PreferredNotice) => void {
  return (notice) => {
    const warning = warningOf(notice);
    if (!warning) return;
    if (onWarning) onWarning(warning);
    else debug('%s: %s', warning.code, warning.message);
  };
}

function isIterable(value: unknown): value is Iterable<unknown> {
  return value !== null && value !== undefined && typeof (value as { [Symbol.iterator]?: unknown })[Symbol.iterator] === 'function';
}

/** get-port: a number, or an iterable pulled one port at a time; a `0` means "any port" from there on. */
function preferredPorts(port: unknown): Iterable<number> | undefined {
  if (!port) return undefined;
  if (typeof port === 'number') return [checkPortNumber(port, 'options.port')];
  if (typeof port === 'string' || !isIterable(port)) throw invalidArgType('options.port', 'a number or an iterable of numbers', port);
  return (function* () {
    for (const item of port) {
      if (checkPortNumber(item, 'options.port[]') === 0) return;
      yield item as number;
    }
  })();
}

/**
 * get-port's checks (an iterable of numbers; each a safe integer), read once: get-port reads the iterable twice, so a
 * generator such as `portNumbers()` excludes nothing there. Numbers that are not ports are accepted and ignored.
 */
function excludedPorts(exclude: unknown): number[] | undefined {
  if (!exclude) return undefined;
  if (!isIterable(exclude)) throw invalidArgType('options.exclude', 'an iterable of numbers', exclude);
  const ports: number[] = [];
  for (const item of exclude) {
    if (typeof item !== 'number') throw invalidArgType('options.exclude[]', 'of type number', item);
    if (!Number.isSafeInteger(item)) throw outOfRange('options.exclude[]', 'a safe integer', item);
    if (item >= 1 && item <= 65_535) ports.push(item);
  }
  return ports;
}

/** Keys the probe owns, or that make no sense for a port check. */
const NOT_FOR_TEST_BIND = new Set(['port', 'exclude', 'host', 'reserve', 'onWarning', 'path', 'signal']);

function testBindOptions(options: object): TestBindOptions | undefined {
  let out: Record<string, unknown> | undefined;
  for (const [key, value] of Object.entries(options)) {
    if (NOT_FOR_TEST_BIND.has(key) || value === undefined) continue;
    (out ??= {})[key] = value;
  }
  return out;
}

/** `getPort()` without options, normalized once (a burst of plain calls is the common case). */
let plain: NormalizedOptions | undefined;

/** Validates get-port's options (TypeError / RangeError with Node's codes) and maps them to the machinery's. */
export function fromGetPortOptions(options: GetPortOptions | undefined | null): NormalizedOptions {
  if (options === undefined || options === null) {
    // The default probe plan can change (off Linux it lists the interfaces, re-read every second).
    if (plain === undefined || plain.plan !== defaultProbePlan()) plain = normalize({});
    return plain;
  }
  if (typeof options !== 'object') throw invalidArgType('options', 'of type object', options);
  return normalize(options);
}

function normalize(o: GetPortOptions): NormalizedOptions {
  const onWarning = checkOnWarning(o.onWarning);
  const onHonoured = reporter(onWarning);
  const port = preferredPorts(o.port);
  const exclude = excludedPorts(o.exclude);
  const n = normalizeOptions(
    {
      ...(port === undefined ? {} : { port }),
      ...(exclude === undefined ? {} : { exclude }),
      ...(o.host ? { host: o.host } : {}),
      reserve: Boolean(o.reserve),
    },
    testBindOptions(o),
  );
  // Lock notices already reach NODE_DEBUG from the lock layer: only a caller's onWarning needs them here.
  const onLockNotice = onWarning && ((notice: LockNotice, port: number) => onWarning({ code: notice.code, port, message: notice.message }));
  return { ...n, preferredPolicy: 'honour', onHonoured, onLockNotice };
}
