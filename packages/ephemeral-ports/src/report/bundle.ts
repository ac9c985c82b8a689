/**
 * The support bundle (`ephemeral-ports report --bundle FILE`, docs/support-bundle.md): one JSON document with what
 * the backend read from the OS exactly as the OS printed it (procfs texts, sysctl / no / netsh outputs with their
 * commands, exit codes and locale), what the tool made of it (ranges, reserved ports, constraints, the persisted
 * range, the doctor), and the versions and platform. It is what a bug report needs to replay the parsers on the
 * reporter's text, and nothing else: no environment but LC_ALL and LANG, no host name, no socket addresses beyond
 * what the doctor's findings name, no file other than the ones the backend read.
 *
 * Every step that fails is recorded as its error and the bundle goes on: a failing machine is the one reported.
 */
import { arch, platform, release, type as osType, version as osVersion } from 'node:os';
import {
  type BackendInfo,
  type CensusMethod,
  type EphemeralPortsBackend,
  PROTOCOLS,
  type Protocol,
  type RawCapture,
  type RawLocale,
  type RawRecord,
  rawLocale,
} from '@ephemeral-ports/core';
import { type DiagnosticsSnapshot, takeSnapshot } from '../diagnostics/snapshot.js';
import { doctorOf } from '../diagnostics/usage.js';
import { facadeVersion, loadCapturingBackend } from './bundle-backend.js';

export const SUPPORT_BUNDLE_FORMAT = 'ephemeral-ports-support-bundle';
/** Bumped when a field changes meaning or goes away (adding a field keeps it). */
export const SUPPORT_BUNDLE_VERSION = 1;

/** A failed step, as the bundle keeps it. */
export interface BundleError {
  code: string;
  message: string;
  errno?: number;
  syscall?: string;
  path?: string;
  winCode?: string;
}

/** What one step gave: its value (as JSON), or why it failed. */
export type BundleOutcome<T = unknown> = { value: T } | { error: BundleError };

export type PerProtocol<T = unknown> = Record<Protocol, BundleOutcome<T>>;

export interface SupportBundle {
  format: typeof SUPPORT_BUNDLE_FORMAT;
  formatVersion: number;
  /** ISO 8601, UTC. */
  createdAt: string;
  versions: {
    'ephemeral-ports': string | null;
    node: string;
    platform: string;
    arch: string;
    osType: string;
    osRelease: string;
    osVersion: string;
  };
  /** LC_ALL and LANG of the process that wrote the bundle (no other variable). */
  locale: RawLocale;
  scope: { netns?: string; method?: CensusMethod };
  backend: BundleOutcome<BackendInfo>;
  parsed: {
    range: PerProtocol;
    reserved: PerProtocol;
    constraints: PerProtocol;
    persisted: PerProtocol;
    /** Verdict and findings (findings can name destinations: address and port). */
    doctor: BundleOutcome<{ verdict: string; findings: unknown[] }>;
    /** Counts only: no addresses, no processes. */
    census: BundleOutcome<Record<string, unknown>>;
  };
  /** Every raw read, in the order the backend made them. */
  raw: RawRecord[];
}

export interface SupportBundleOptions {
  /** Linux: the network namespace to report on. */
  netns?: string;
  /** Linux: how the census lists sockets. */
  method?: CensusMethod;
  /**
   * Creates the backend to read through, handing it the capture. Default: the platform's backend package (or the
   * `EPHEMERAL_PORTS_BACKEND` module), created with `{ capture }`.
   */
  createBackend?: (capture: RawCapture) => EphemeralPortsBackend;
  /** Also take the census and the doctor's verdict (default true; skipped where the backend has no census). */
  diagnostics?: boolean;
}

export interface CollectedBundle {
  bundle: SupportBundle;
  /** The diagnostics snapshot the doctor was judged on (for `report --html` in the same run), when taken. */
  snapshot?: DiagnosticsSnapshot;
}

/** Errors as JSON: the fields that identify them, never their stacks or causes. */
export function bundleError(error: unknown): BundleError {
  const e = (typeof error === 'object' && error !== null ? error : {}) as Record<string, unknown>;
  return {
    code: typeof e.code === 'string' ? e.code : 'ERR_EPHEMERAL_INTERNAL',
    message: typeof e.message === 'string' ? e.message : String(error),
    ...(typeof e.errno === 'number' && { errno: e.errno }),
    ...(typeof e.syscall === 'string' && { syscall: e.syscall }),
    ...(typeof e.path === 'string' && { path: e.path }),
    ...(typeof e.winCode === 'string' && { winCode: e.winCode }),
  };
}

/** Plain JSON: PortSets become their ranges (toJSON), bigints strings. */
export function toJsonValue<T>(value: T): unknown {
  return value === undefined ? null : JSON.parse(JSON.stringify(value, (_key, v) => (typeof v === 'bigint' ? v.toString() : v)));
}

async function outcome<T>(step: () => T | Promise<T>): Promise<BundleOutcome> {
  try {
    return { value: toJsonValue(await step()) };
  } catch (error) {
    return { error: bundleError(error) };
  }
}

async function perProtocol(step: (protocol: Protocol) => Promise<unknown>): Promise<PerProtocol> {
  const out = {} as PerProtocol;
  // One protocol after the other, so the raw records come in a readable order.
  for (const protocol of PROTOCOLS) out[protocol] = await outcome(() => step(protocol));
  return out;
}

/** The census as counts: what the doctor judged, without a single address. */
function censusSummary(snapshot: DiagnosticsSnapshot, usage: ReturnType<typeof doctorOf>['usage']): Record<string, unknown> {
  return {
    source: snapshot.census.source,
    ...(snapshot.census.fallbackReason !== undefined && { fallbackReason: snapshot.census.fallbackReason }),
    total: usage.total,
    byState: usage.byState,
    portsInUse: usage.portsInUse,
    rangePressure: usage.rangePressure,
    timeWait: usage.timeWait,
    destinations: usage.destinations.length,
    listenersInRange: usage.listenersInRange.length,
    boundInactive: usage.boundInactive.length,
  };
}

/**
 * Reads everything a bug report needs through a backend that records its raw reads, and returns the bundle (and
 * the snapshot the doctor used, for a report written in the same run).
 */
export async function collectBundle(options: SupportBundleOptions = {}): Promise<CollectedBundle> {
  const raw: RawRecord[] = [];
  const capture: RawCapture = (record) => {
    raw.push(toJsonValue(record) as RawRecord);
  };
  const createdAt = new Date().toISOString();
  let backend: EphemeralPortsBackend | undefined;
  const info = await outcome(() => {
    backend = (options.createBackend ?? loadCapturingBackend)(capture);
    return backend.info();
  });
  const scope = (protocol: Protocol) => (options.netns === undefined ? { protocol } : { protocol, netns: options.netns });
  const need = (): EphemeralPortsBackend => {
    if (backend === undefined) throw (info as { error: BundleError }).error;
    return backend;
  };
  const range = await perProtocol((p) => need().getRange(scope(p)));
  const reserved = await perProtocol((p) => need().getReserved(scope(p)));
  const constraints = await perProtocol((p) => need().getConstraints(scope(p)));
  const persisted = await perProtocol((p) => need().getPersisted(scope(p)));

  let snapshot: DiagnosticsSnapshot | undefined;
  let doctor: BundleOutcome<{ verdict: string; findings: unknown[] }>;
  let census: BundleOutcome<Record<string, unknown>>;
  if (options.diagnostics === false) {
    doctor = census = { error: { code: 'ERR_EPHEMERAL_UNSUPPORTED_OPERATION', message: 'not asked for' } };
  } else {
    try {
      snapshot = await takeSnapshot(
        { ...(options.netns !== undefined && { netns: options.netns }), ...(options.method !== undefined && { method: options.method }) },
        need(),
      );
      const result = doctorOf(snapshot);
      doctor = { value: toJsonValue({ verdict: result.verdict, findings: result.findings }) as { verdict: string; findings: unknown[] } };
      census = { value: toJsonValue(censusSummary(snapshot, result.usage)) as Record<string, unknown> };
    } catch (error) {
      doctor = census = { error: bundleError(error) };
    }
  }

  const bundle: SupportBundle = {
    format: SUPPORT_BUNDLE_FORMAT,
    formatVersion: SUPPORT_BUNDLE_VERSION,
    createdAt,
    versions: {
      'ephemeral-ports': facadeVersion(),
      node: process.version,
      platform: platform(),
      arch: arch(),
      osType: osType(),
      osRelease: release(),
      osVersion: osVersion(),
    },
    locale: rawLocale(process.env),
    scope: {
      ...(options.netns !== undefined && { netns: options.netns }),
      ...(options.method !== undefined && { method: options.method }),
    },
    backend: info as BundleOutcome<BackendInfo>,
    parsed: { range, reserved, constraints, persisted, doctor, census },
    raw,
  };
  return { bundle, ...(snapshot !== undefined && { snapshot }) };
}

/**
 * A support bundle of this machine (or of `options.netns`): see docs/support-bundle.md for what is inside.
 *
 * @example
 * ```ts
 * import { collectSupportBundle } from 'ephemeral-ports/diagnostics';
 * const bundle = await collectSupportBundle();
 * console.log(bundle.raw.map((r) => (r.kind === 'file' ? r.path : r.kind === 'command' ? r.file : r.api)));
 * ```
 */
export async function collectSupportBundle(options?: SupportBundleOptions): Promise<SupportBundle> {
  return (await collectBundle(options)).bundle;
}

/** The bundle as a file's text: indented JSON, one trailing newline. */
export function formatSupportBundle(bundle: SupportBundle): string {
  return `${JSON.stringify(bundle, null, 2)}\n`;
}
