/**
 * Raw capture: what a backend read from the OS, exactly as the OS gave it, for a support bundle
 * (`ephemeral-ports report --bundle`). A backend created with a {@link RawCapture} calls it once per read at its
 * one I/O point (a procfs file, a sysctl/no/netsh command, an addon call), before parsing, so that the bundle
 * holds the text even when the parser refuses it. Without a capture nothing is recorded and nothing is wrapped:
 * the range read costs what it did.
 *
 * Records hold what was read and how, never the environment: a command's locale is its LC_ALL and LANG only.
 */

/** The locale variables a command ran with (the only environment a record keeps). */
export interface RawLocale {
  LC_ALL?: string;
  LANG?: string;
}

/** Why a read failed: the error's code (errno name or ERR_EPHEMERAL_*) and message. */
export interface RawFailure {
  code: string;
  message: string;
}

/** A file read, e.g. `/proc/sys/net/ipv4/ip_local_port_range`. */
export interface RawFileRead {
  kind: 'file';
  path: string;
  /** The network namespace it was read in (Linux), when not the caller's. */
  netns?: string;
  /** How it was read, e.g. `native:procfs` (the addon) or `js:procfs`. */
  via: string;
  /** The bytes read, as latin1/UTF-8 text; absent when the read failed. */
  text?: string;
  error?: RawFailure;
}

/** A command run (sysctl(8), no, netsh), without a shell. */
export interface RawCommandRun {
  kind: 'command';
  /** Absolute path of the program (or the name a caller-supplied runner stands for, e.g. `netsh`). */
  file: string;
  args: string[];
  /** Exit status; null when it was killed or could not start. */
  exitCode: number | null;
  stdout: string;
  stderr: string;
  locale: RawLocale;
  /** Set when the command could not run at all (ENOENT, a timeout...). */
  error?: RawFailure;
}

/** A call into an addon that returns values rather than text (sysctlbyname, WMI). */
export interface RawCall {
  kind: 'call';
  /** E.g. `sysctlbyname` or `wmi:MSFT_NetTCPSetting`. */
  api: string;
  args: unknown[];
  /** What the addon returned (plain data). */
  result?: unknown;
  error?: RawFailure;
}

export type RawRecord = RawFileRead | RawCommandRun | RawCall;

/** Receives every raw read of a backend created with it. Must not throw. */
export type RawCapture = (record: RawRecord) => void;

/** The option each OS package's `createBackend` accepts. */
export interface CaptureOption {
  /** Record every raw read (for `report --bundle`); leave unset otherwise. */
  capture?: RawCapture;
}

/** A failure as a record keeps it. */
export function rawFailure(error: unknown): RawFailure {
  const e = error as { code?: unknown; message?: unknown };
  return {
    code: typeof e?.code === 'string' ? e.code : typeof e?.code === 'number' ? String(e.code) : 'ERR_EPHEMERAL_INTERNAL',
    message: typeof e?.message === 'string' ? e.message : String(error),
  };
}

/**
 * Runs a command through `run` and records it as `command` plus its status and output, or the failure that kept it
 * from finishing (then rethrown): the one recording every command runner of the OS packages shares.
 */
export async function recordCommand<R extends { status: number | null; stdout: string; stderr: string }>(
  capture: RawCapture,
  command: Omit<RawCommandRun, 'exitCode' | 'stdout' | 'stderr' | 'error'>,
  run: () => Promise<R>,
): Promise<R> {
  let result: R;
  try {
    result = await run();
  } catch (error) {
    capture({ ...command, exitCode: null, stdout: '', stderr: '', error: rawFailure(error) });
    throw error;
  }
  capture({ ...command, exitCode: result.status, stdout: result.stdout, stderr: result.stderr });
  return result;
}

/** LC_ALL and LANG of an environment, and nothing else of it. */
export function rawLocale(env: Readonly<Record<string, string | undefined>>): RawLocale {
  return {
    ...(env.LC_ALL !== undefined && { LC_ALL: env.LC_ALL }),
    ...(env.LANG !== undefined && { LANG: env.LANG }),
  };
}
