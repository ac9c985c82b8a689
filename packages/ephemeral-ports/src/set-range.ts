/**
 * Changing the range: {@link setEphemeralRange}. Order of work, so that a refused or failed change changes nothing:
 * 1. validate the options and the range for this OS with the live kernel constraints (core `assertValidRange`);
 * 2. safety rails (core `checkRangeSafety`): too small, listening ports inside, Kubernetes NodePort overlap,
 *    system ports — any error refuses with `ERR_EPHEMERAL_UNSAFE_CHANGE` unless `force`;
 * 3. dry run: return the plan (and the persistence diff) without writing;
 * 4. with persist: what persisting would refuse (a namespace, an unparsable or unsafe file) is found by a dry run,
 *    the live value is proven writable by writing the value it has, then the configuration is written (and
 *    synced) before the live value. A run killed at any point leaves the old state, the new state, or the new
 *    configuration with the old live value, which the next run completes; never a live change that the next boot
 *    would undo without anyone being told.
 */
import {
  DEFAULT_MIN_RANGE_SIZE,
  DEFAULT_NODE_PORT_RANGE,
  type Diagnostic,
  EphemeralPortsError,
  ErrorCodes,
  type PersistOptions,
  type PersistResult,
  type PortRange,
  type Protocol,
  type TargetOs,
  assertValidRange,
  checkBoolean,
  checkInteger,
  checkNetnsPath,
  checkRange,
  checkRangeSafety,
  invalidArgType,
  invalidArgValue,
  isEphemeralPortsError,
  rangeEquals,
  unifiedDiff,
  validateRange,
} from '@ephemeral-ports/core';
import { getBackend } from './backend.js';
import { listeningPorts } from './listening-ports.js';
import { persistFindings } from './persist-status.js';
import { checkOptions, checkProtocol, checkRangeArgument, scopeOf } from './options.js';

export interface SetRangeOptions {
  /** `tcp` (default) or `udp`; matters on AIX and Windows only. */
  protocol?: Protocol;
  /** Also write the boot-time configuration (Linux sysctl.d, FreeBSD sysctl.conf, AIX `no -p`, Windows persistent store). */
  persist?: boolean;
  /** Where to persist (overrides the backend's default file). */
  file?: string;
  /** Compute and return what would change; write nothing. */
  dryRun?: boolean;
  /** Apply despite safety findings of severity `error`. Never overrides what the kernel would reject. */
  force?: boolean;
  /** Linux: the network namespace to change. */
  netns?: string;
  /** Minimum usable ports. Default 1024 (core `DEFAULT_MIN_RANGE_SIZE`). */
  minSize?: number;
  /** The cluster's Kubernetes NodePort range to keep clear; default 30000-32767; `null` skips the check. */
  nodePortRange?: PortRange | null;
}

export interface PersistReport extends PersistResult {
  /**
   * The range the next boot will apply (or would, on dry run): where the backend computes the OS's boot order
   * (`effective`), the winner over every file the boot reads, which a later file can make differ from the one
   * written (a `PERSIST_OVERRIDDEN` warning then says which file and line, and the fix); else as read back.
   */
  range: PortRange | null;
}

/** What {@link setEphemeralRange} returns; also the `--json` shape of `ephemeral-ports set`. */
export interface RangeChangeReport {
  platform: TargetOs;
  protocol: Protocol;
  netns?: string;
  dryRun: boolean;
  /** Live value before. */
  previous: PortRange;
  /** What was asked for. */
  requested: PortRange;
  /** Live value after (equals `previous` on dry run). */
  current: PortRange;
  /** True when the live value changed (or would, on dry run). */
  changed: boolean;
  /** Persistence result with the file diff, or null without `persist`. */
  persisted: PersistReport | null;
  /** Every safety finding (errors were overridden by `force` if present here on success). */
  safety: Diagnostic[];
  /** Where the listening ports for the safety check came from (`unavailable` when they could not be read). */
  listeningSource: string;
  forced: boolean;
  /** Non-fatal findings: equal parity, unchecked listening ports, overridden safety errors. */
  warnings: Diagnostic[];
}

/**
 * Validates, checks safety, then sets the ephemeral range (and optionally persists it).
 *
 * @throws `ERR_INVALID_ARG_TYPE` / `ERR_INVALID_ARG_VALUE` / `ERR_OUT_OF_RANGE` for bad arguments,
 * `ERR_EPHEMERAL_INVALID_RANGE` when the OS refuses the range (nothing changed), `ERR_EPHEMERAL_UNSAFE_CHANGE` with `violations`
 * (nothing changed; pass `force`), OS errors such as `EACCES`/`EPERM`/`EROFS`.
 * @example
 * ```ts
 * import { setEphemeralRange } from 'ephemeral-ports';
 * const plan = await setEphemeralRange({ low: 49152, high: 65535 }, { dryRun: true, persist: true });
 * console.log(plan.persisted?.diff);
 * const done = await setEphemeralRange({ low: 49152, high: 65535 }, { persist: true });
 * console.log(done.previous, '→', done.current);
 * ```
 */
export async function setEphemeralRange(range: PortRange, given?: SetRangeOptions): Promise<RangeChangeReport> {
  checkRangeArgument(range);
  const options = checkOptions(given);
  const protocol = checkProtocol(options.protocol);
  const netns = checkNetnsPath(options.netns);
  const flags = checkFlags(options);
  const backend = getBackend();
  const scope = scopeOf(protocol, netns);

  const constraints = await backend.getConstraints(scope);
  const requested = assertValidRange(backend.os, range, constraints);
  const { range: previous } = await backend.getRange(scope);

  const warnings: Diagnostic[] = [...validateRange(backend.os, requested, constraints).warnings];
  const listening = await listeningPorts(backend, netns);
  if (listening.unavailableReason) {
    warnings.push(warning('LISTENING_NOT_CHECKED', `listening ports were not checked: ${listening.unavailableReason}`));
  }
  const reserved = await readReserved(backend, scope);
  const safety = checkRangeSafety(requested, {
    minSize: options.minSize ?? DEFAULT_MIN_RANGE_SIZE,
    listeningPorts: listening.ports,
    // Passed explicitly so that an overlap refuses (core reports the implicit default only as a warning).
    nodePortRange: options.nodePortRange === undefined ? DEFAULT_NODE_PORT_RANGE : options.nodePortRange,
    reservedPorts: reserved,
  });
  warnings.push(...safety.filter((d) => d.severity === 'warning'));
  const errors = safety.filter((d) => d.severity === 'error');
  if (errors.length > 0 && !flags.force) {
    throw new EphemeralPortsError(
      ErrorCodes.UNSAFE_CHANGE,
      `refusing to set the ephemeral range to ${requested.low}-${requested.high}: ${errors.map((e) => e.code).join(', ')}`,
      { violations: errors, remedy: 'fix the conflict, or pass --force (force: true) to change it anyway' },
    );
  }
  for (const e of errors) warnings.push(warning('SAFETY_OVERRIDDEN', `forced despite: ${e.message}`));

  const persistOptions: PersistOptions = { ...scope, ...(options.file === undefined ? {} : { file: options.file }) };
  const base = {
    platform: backend.os,
    protocol,
    ...(netns === undefined ? {} : { netns }),
    previous,
    requested,
    safety,
    listeningSource: listening.source,
    forced: flags.force && errors.length > 0,
    warnings,
  };

  if (flags.dryRun) {
    const persisted = flags.persist
      ? withDiff(await backend.persistRange(requested, { ...persistOptions, dryRun: true }), requested)
      : null;
    if (persisted) warnings.push(...persistFindings(persisted.target, requested, persisted.effective));
    return { ...base, dryRun: true, current: previous, changed: !rangeEquals(previous, requested), persisted };
  }

  let persisted: PersistReport | null = null;
  if (flags.persist) {
    await backend.persistRange(requested, { ...persistOptions, dryRun: true });
    await proveWritable(backend, previous, scope);
    const result = withDiff(await backend.persistRange(requested, persistOptions), requested);
    const reading = await backend.getPersisted(persistOptions);
    const effective = reading.effective ?? result.effective;
    persisted = { ...result, range: effective ? effective.range : reading.range, ...(effective ? { effective } : {}) };
    warnings.push(...persistFindings(result.target, requested, effective));
  }
  let change;
  try {
    change = await backend.setRange(requested, scope);
  } catch (error) {
    throw persisted?.written ? liveFailedAfterPersist(error, persisted, previous) : error;
  }
  for (const w of change.warnings) if (!warnings.some((x) => x.code === w.code)) warnings.push(w);
  return {
    ...base,
    dryRun: false,
    current: change.current,
    changed: !rangeEquals(previous, change.current),
    persisted,
  };
}

function checkFlags(options: SetRangeOptions): { force: boolean; dryRun: boolean; persist: boolean } {
  for (const key of ['force', 'dryRun', 'persist'] as const) {
    if (options[key] !== undefined) checkBoolean(`options.${key}`, options[key]);
  }
  if (options.file !== undefined) {
    if (typeof options.file !== 'string') throw invalidArgType('options.file', 'of type string', options.file);
    if (options.file === '') throw invalidArgValue('options.file', options.file, 'must be a non-empty path');
    if (!options.persist) throw invalidArgValue('options.file', options.file, 'is only meaningful with persist: true');
  }
  if (options.minSize !== undefined) checkInteger('options.minSize', options.minSize, 0, Number.MAX_SAFE_INTEGER);
  if (options.nodePortRange != null) checkRange(options.nodePortRange, 'options.nodePortRange');
  return { force: options.force === true, dryRun: options.dryRun === true, persist: options.persist === true };
}

async function readReserved(backend: ReturnType<typeof getBackend>, scope: object) {
  if (!backend.info().supportsReserved) return undefined;
  try {
    return (await backend.getReserved(scope)).ports;
  } catch {
    return undefined; // the size check then ignores reservations: stricter, not looser
  }
}

function withDiff(result: PersistResult, range: PortRange): PersistReport {
  const diff =
    result.diff ??
    (result.before !== undefined && result.after !== undefined
      ? unifiedDiff(result.before, result.after, result.target)
      : undefined);
  return { ...result, ...(diff === undefined ? {} : { diff }), range: result.effective ? result.effective.range : range };
}

/**
 * Writes the live value it already has, so that a caller who may not change it (not root, a read-only /proc/sys)
 * is refused before the persistent configuration changes. A value core would refuse to write is left alone.
 */
async function proveWritable(backend: ReturnType<typeof getBackend>, previous: PortRange, scope: object): Promise<void> {
  try {
    await backend.setRange(previous, scope);
  } catch (error) {
    if (isEphemeralPortsError(error) && error.code === ErrorCodes.INVALID_RANGE) return;
    throw error;
  }
}

/** Says what happened, no more: the configuration was written, the live value was not changed. */
function liveFailedAfterPersist(cause: unknown, persisted: PersistReport, previous: PortRange): EphemeralPortsError {
  const code = isEphemeralPortsError(cause) ? cause.code : ((cause as { code?: string }).code ?? ErrorCodes.INTERNAL);
  const next = persisted.range ? `${persisted.range.low}-${persisted.range.high}` : 'the new range';
  return new EphemeralPortsError(
    code,
    `${persisted.target} was written (the next boot applies ${next}), but the live range was not changed and is still ` +
      `${previous.low}-${previous.high}: ${(cause as Error).message}`,
    {
      cause,
      remedy:
        cause instanceof EphemeralPortsError && cause.remedy
          ? `${cause.remedy}; then run the command again to apply it now`
          : 'run the command again to apply it now',
    },
  );
}

function warning(code: string, message: string): Diagnostic {
  return { code, severity: 'warning', message };
}
