/**
 * Output for the CLI by `fs.writeSync` on fd 1 / 2 instead of `process.stdout` / `process.stderr`: creating those
 * streams loads Node's stream and net modules when the fd is a pipe, a large part of a short command's cold start
 * (bench/suites/cold-start.ts). Stdio fds are blocking in a shell or a child that libuv spawned, so a write
 * completes; should one be non-blocking and full (EAGAIN), this and every later write go through the stream, in
 * order. A reader that went away (EPIPE, e.g. `| head -1`) ends output quietly, as in other Unix tools.
 */
import { writeSync } from 'node:fs';
import type { Writer } from './command.js';

interface ByteWriter {
  write(chunk: Uint8Array): unknown;
}

export interface FdWriterDeps {
  writeSync(fd: number, buffer: Uint8Array, offset: number): number;
  /** The stream for the same fd, created only if a write would block. */
  stream(): ByteWriter;
}

export function fdWriter(fd: 1 | 2, deps: FdWriterDeps = defaultDeps(fd)): Writer {
  let stream: ByteWriter | undefined;
  let closed = false;
  return {
    write(chunk: string): boolean {
      if (closed) return false;
      const bytes = Buffer.from(chunk);
      if (stream) return Boolean(stream.write(bytes));
      let offset = 0;
      while (offset < bytes.length) {
        try {
          offset += deps.writeSync(fd, bytes, offset);
        } catch (error) {
          const code = (error as { code?: unknown }).code;
          if (code === 'EAGAIN') {
            stream = deps.stream();
            return Boolean(stream.write(bytes.subarray(offset)));
          }
          if (code === 'EPIPE') {
            closed = true;
            return false;
          }
          throw error;
        }
      }
      return true;
    },
  };
}

function defaultDeps(fd: 1 | 2): FdWriterDeps {
  return {
    writeSync: (target, buffer, offset) => writeSync(target, buffer, offset),
    stream: () => (fd === 1 ? process.stdout : process.stderr),
  };
}
