/**
 * The contract every CLI command implements. Commands are loaded lazily from `commands/index.ts`, so a command
 * module must not do work at import time beyond defining its `Command`.
 *
 * Exit codes (stable; every code and its exit code is in docs/errors.md, mapped by exit.ts):
 * - 0  ok
 * - 1  OS error or any other failure (the error's `code` is printed, e.g. `EINVAL`, `ERR_EPHEMERAL_CLAMPED`)
 * - 2  usage error (`ERR_EPHEMERAL_USAGE`, `ERR_INVALID_ARG_TYPE`, `ERR_INVALID_ARG_VALUE`, `ERR_OUT_OF_RANGE`,
 *      `ERR_EPHEMERAL_INVALID_RANGE`, `ERR_EPHEMERAL_INVALID_PORT_LIST`): nothing changed
 * - 3  unsafe change refused by a safety rail (`ERR_EPHEMERAL_UNSAFE_CHANGE`); pass `--force` to override
 * - 4  unsupported here (`ERR_EPHEMERAL_UNSUPPORTED_PLATFORM`, `ERR_EPHEMERAL_UNSUPPORTED_OPERATION`, `ERR_EPHEMERAL_BACKEND_LOAD_FAILED`)
 * - 10–19 reserved for verdicts of diagnostic commands (`doctor`: defined by that command, e.g. 10 warn / 11 critical)
 * - 77 permission denied (`EACCES`, `EPERM`, `EROFS`, on every OS): run as root / administrator (77 = sysexits EX_NOPERM)
 */

export const ExitCode = {
  OK: 0,
  FAILURE: 1,
  USAGE: 2,
  UNSAFE: 3,
  UNSUPPORTED: 4,
  /** First code available to diagnostic verdicts (doctor). Codes 10..19 belong to them. */
  VERDICT_BASE: 10,
  PERMISSION: 77,
} as const;

/** Something that accepts text: `process.stdout`, or a buffer in tests. */
export interface Writer {
  write(chunk: string): unknown;
}

export interface CliContext {
  stdout: Writer;
  stderr: Writer;
  /** `--json` was given: print exactly one JSON document on stdout (errors: one JSON document on stderr). */
  json: boolean;
  /**
   * ANSI colour allowed on stdout: `--color`/`--no-color`, else `FORCE_COLOR`, else `NO_COLOR`, else whether stdout
   * is a TTY (terminal.ts); always off with `--json`.
   */
  color: boolean;
  /** The same for stderr, by stderr's own TTY (errors and warnings). Absent: as `color`. */
  stderrColor?: boolean;
  /** True when stdout is a terminal (commands like `watch` redraw only then). */
  isTTY: boolean;
  env: NodeJS.ProcessEnv;
  /**
   * Every command and the no-command summary (given by main.ts), for output generated from all their specs
   * (`completion`). A command cannot import the command table itself: the table imports the command.
   */
  allCommands?: () => Promise<AllCommands>;
  /** Program name as invoked (`ephemeral-ports` or `ephport`), for help texts and suggested commands. */
  program: string;
}

export interface Command {
  /** The word after the program name, e.g. `get`. */
  name: string;
  /** One line for the command list. */
  summary: string;
  /** Full `--help` text with Usage, Options and Examples sections. */
  usage: string;
  /** Runs with the arguments after the command name; resolves to the process exit code. Throws coded errors. */
  run(argv: string[], ctx: CliContext): Promise<number>;
}

export interface AllCommands {
  /** The summary printed without a command (its usage holds the program's own options). */
  main: Command;
  /** Every command, sorted by name. */
  commands: Command[];
}
