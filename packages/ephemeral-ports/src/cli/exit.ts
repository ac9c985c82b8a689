/** Maps an error to the documented exit code and prints it (human or JSON) to stderr. */
import { EphemeralPortsError, ErrorCodes, isEphemeralPortsError } from '@ephemeral-ports/core/model';
import { type CliContext, ExitCode } from './command.js';
import { paint } from './output.js';

const USAGE_CODES: ReadonlySet<string> = new Set([
  ErrorCodes.ARG_TYPE,
  ErrorCodes.ARG_VALUE,
  ErrorCodes.OUT_OF_RANGE,
  ErrorCodes.USAGE,
  ErrorCodes.INVALID_RANGE,
  ErrorCodes.INVALID_PORT_LIST,
]);
const UNSUPPORTED_CODES: ReadonlySet<string> = new Set([
  ErrorCodes.UNSUPPORTED_PLATFORM,
  ErrorCodes.UNSUPPORTED_OPERATION,
  ErrorCodes.BACKEND_LOAD_FAILED,
  ErrorCodes.NO_BINARY,
]);
/** Errno names on every OS: the Windows backend maps its access errors to them too (the original is `winCode`). */
const PERMISSION_CODES: ReadonlySet<string> = new Set(['EACCES', 'EPERM', 'EROFS']);

export function exitCodeFor(error: unknown): number {
  const code = errorCode(error);
  if (code === undefined) return ExitCode.FAILURE;
  if (USAGE_CODES.has(code)) return ExitCode.USAGE;
  if (code === ErrorCodes.UNSAFE_CHANGE) return ExitCode.UNSAFE;
  if (UNSUPPORTED_CODES.has(code)) return ExitCode.UNSUPPORTED;
  if (PERMISSION_CODES.has(code)) return ExitCode.PERMISSION;
  return ExitCode.FAILURE;
}

function errorCode(error: unknown): string | undefined {
  if (typeof error === 'object' && error !== null && typeof (error as { code?: unknown }).code === 'string') {
    return (error as { code: string }).code;
  }
  return undefined;
}

/**
 * Writes the error to stderr: `error [CODE]: message`, violations, remedy, cause; or one JSON document with --json.
 * The remedy is printed once: messages built as `what failed; what to do` (the addons' and backends' form)
 * already carry it, and a cause that carries it too is shown without it (and not at all when the message has said it).
 */
export function reportError(error: unknown, ctx: CliContext): number {
  const exit = exitCodeFor(error);
  if (ctx.json) {
    const body = isEphemeralPortsError(error)
      ? error.toJSON()
      : { name: 'Error', code: errorCode(error) ?? 'ERR_EPHEMERAL_INTERNAL', message: messageOf(error) };
    ctx.stderr.write(`${JSON.stringify({ error: body, exitCode: exit })}\n`);
    return exit;
  }
  const code = errorCode(error) ?? 'ERR_EPHEMERAL_INTERNAL';
  let text = `${paint(ctx, 'stderr').red(`error [${code}]`)}: ${messageOf(error)}\n`;
  if (error instanceof EphemeralPortsError) {
    for (const v of error.violations ?? []) text += `  - ${v.code}: ${v.message}\n`;
    const remedy = error.remedy?.trim().replace(/[.\s]+$/, '');
    if (remedy && !error.message.includes(remedy)) text += `  remedy: ${error.remedy}\n`;
    if (error.cause instanceof Error) {
      const first = error.cause.message.split('\n')[0]!;
      const cause = remedy ? first.replace(`; ${remedy}`, '') : first;
      if (!error.message.includes(cause)) text += `  cause: ${cause}\n`;
    }
  }
  if (exit === ExitCode.USAGE && code === ErrorCodes.USAGE) text += `  (run "${ctx.program} --help" for usage)\n`;
  ctx.stderr.write(text);
  return exit;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
