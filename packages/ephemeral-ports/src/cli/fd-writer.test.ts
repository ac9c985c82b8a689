import { describe, expect, it } from 'vitest';
import { fdWriter } from './fd-writer.js';

const error = (code: string) => Object.assign(new Error(code), { code });

/** A writeSync double that accepts at most `step` bytes per call and then fails with the scripted codes. */
function fakeFd(step: number, failures: (string | undefined)[] = []) {
  const written: number[] = [];
  const streamed: number[] = [];
  let streams = 0;
  const deps = {
    writeSync(_fd: number, buffer: Uint8Array, offset: number): number {
      const failure = failures.shift();
      if (failure) throw error(failure);
      const end = Math.min(buffer.length, offset + step);
      written.push(...buffer.subarray(offset, end));
      return end - offset;
    },
    stream() {
      streams++;
      return { write: (chunk: Uint8Array) => streamed.push(...chunk) };
    },
  };
  const text = (bytes: number[]) => Buffer.from(bytes).toString();
  return { deps, written: () => text(written), streamed: () => text(streamed), streams: () => streams };
}

describe('fdWriter (CLI output without process.stdout)', () => {
  it('loops over partial writes until every byte is out', () => {
    const fd = fakeFd(3);
    const out = fdWriter(1, fd.deps);
    expect(out.write('héllo → wörld\n')).toBe(true);
    expect(fd.written()).toBe('héllo → wörld\n');
    expect(fd.streams()).toBe(0);
  });

  it('on EAGAIN hands the rest, and every later write, to the stream in order (multi-byte characters intact)', () => {
    const fd = fakeFd(2, [undefined, undefined, 'EAGAIN']);
    const out = fdWriter(1, fd.deps);
    out.write('→ab€cd');
    out.write('second');
    expect(fd.written() + fd.streamed()).toBe('→ab€cdsecond');
    expect(fd.streamed().startsWith('b€cd')).toBe(true);
    expect(fd.streams()).toBe(1);
  });

  it('stops quietly once the reader is gone (EPIPE)', () => {
    const fd = fakeFd(100, ['EPIPE']);
    const out = fdWriter(1, fd.deps);
    expect(out.write('lost')).toBe(false);
    expect(out.write('also lost')).toBe(false);
    expect(fd.written()).toBe('');
    expect(fd.streams()).toBe(0);
  });

  it('throws any other error', () => {
    const fd = fakeFd(100, ['EBADF']);
    expect(() => fdWriter(2, fd.deps).write('x')).toThrow(expect.objectContaining({ code: 'EBADF' }));
  });
});
