/**
 * "A TypeScript project compiles after changing only the import": fixtures/uses-get-port.ts, written against get-port's
 * documented API, is type-checked twice with the TypeScript compiler: as is (get-port's own index.d.ts, proving the
 * fixture is valid get-port code), and with its import changed to 'ephemeral-ports/get-port' (our types).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const FIXTURE = fileURLToPath(new URL('./fixtures/uses-get-port.ts', import.meta.url));
const SWITCHED = FIXTURE.replace(/uses-get-port\.ts$/, 'uses-ephemeral-ports-get-port.ts');

function compilerOptions(): ts.CompilerOptions {
  const configPath = `${ROOT}tsconfig.json`;
  const config = ts.readConfigFile(configPath, ts.sys.readFile);
  return { ...ts.parseJsonConfigFileContent(config.config, ts.sys, ROOT).options, noEmit: true };
}

/** Diagnostics of one file (`text` at `path`), with every import resolved as the repository resolves it. */
function diagnosticsOf(path: string, text: string): string[] {
  const options = compilerOptions();
  const host = ts.createCompilerHost(options, true);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (name, version, ...rest) =>
    name === path ? ts.createSourceFile(name, text, version, true) : getSourceFile(name, version, ...rest);
  const fileExists = host.fileExists.bind(host);
  host.fileExists = (name) => name === path || fileExists(name);
  const program = ts.createProgram({ rootNames: [path], options, host });
  const file = program.getSourceFile(path)!;
  return [...program.getSyntacticDiagnostics(file), ...program.getSemanticDiagnostics(file)].map(
    (d) => `${d.start === undefined ? '' : `${file.getLineAndCharacterOfPosition(d.start).line + 1}: `}${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`,
  );
}

describe("the types match get-port's", () => {
  const source = readFileSync(FIXTURE, 'utf8');

  it('the fixture is valid get-port code (checked against get-port 7.2 itself)', () => {
    expect(diagnosticsOf(FIXTURE, source)).toEqual([]);
  }, 60_000);

  it("it compiles unchanged but for the import, against 'ephemeral-ports/get-port'", () => {
    const switched = source.replace("from 'get-port';", "from 'ephemeral-ports/get-port';");
    expect(switched).not.toBe(source);
    expect(diagnosticsOf(SWITCHED, switched)).toEqual([]);
  }, 60_000);
});
